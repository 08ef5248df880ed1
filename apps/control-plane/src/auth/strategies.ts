import { Injectable } from '@nestjs/common'
import { PassportStrategy } from '@nestjs/passport'
import type { FastifyRequest } from 'fastify'
import { Strategy as BearerStrategy } from 'passport-http-bearer'
import { Strategy as CustomStrategy } from 'passport-custom'
import { ManagementKeyAuthenticator } from './management-keys.auth'
import { Principal } from './principal'
import { SessionsService } from './sessions.service'

/** `Authorization: Bearer <session token>` */
@Injectable()
export class SessionStrategy extends PassportStrategy(BearerStrategy, 'session') {
  constructor(private readonly sessions: SessionsService) {
    super({ passReqToCallback: true })
  }

  async validate(request: FastifyRequest, token: string): Promise<Principal | false> {
    return (await this.sessions.authenticate(token, request.authEpoch!)) ?? false
  }
}

const APIKEY_SCHEME = /^apikey\s+(\S+)\s*$/i

/** `Authorization: apikey <management key>` */
@Injectable()
export class ManagementKeyStrategy extends PassportStrategy(CustomStrategy, 'management-key') {
  constructor(private readonly keys: ManagementKeyAuthenticator) {
    super()
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const match = APIKEY_SCHEME.exec(request.headers.authorization ?? '')
    return match ? ((await this.keys.authenticate(match[1], request.authEpoch!)) ?? false) : false
  }
}
