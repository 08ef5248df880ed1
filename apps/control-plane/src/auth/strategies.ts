import { Injectable } from '@nestjs/common'
import { PassportStrategy } from '@nestjs/passport'
import type { FastifyRequest } from 'fastify'
import { Strategy as BearerStrategy } from 'passport-http-bearer'
import { Strategy as CustomStrategy } from 'passport-custom'
import { Principal } from './principal'

// Passport keeps strategies in one process-wide registry. So that several applications in one process
// (the API and its worker, or tests) never authenticate against each other's database, the strategies
// only read credentials; the AccessGuard puts its own application's authenticators on the request.

/** `Authorization: Bearer <session token>` */
@Injectable()
export class SessionStrategy extends PassportStrategy(BearerStrategy, 'session') {
  constructor() {
    super({ passReqToCallback: true })
  }

  async validate(request: FastifyRequest, token: string): Promise<Principal | false> {
    return (await request.authenticators!.sessions.authenticate(token, request.authEpoch!)) ?? false
  }
}

const APIKEY_SCHEME = /^apikey\s+(\S+)\s*$/i

/** `Authorization: apikey <management key>` */
@Injectable()
export class ManagementKeyStrategy extends PassportStrategy(CustomStrategy, 'management-key') {
  async validate(request: FastifyRequest): Promise<Principal | false> {
    const match = APIKEY_SCHEME.exec(request.headers.authorization ?? '')
    return match ? ((await request.authenticators!.managementKeys.authenticate(match[1], request.authEpoch!)) ?? false) : false
  }
}
