// `Idempotency-Key` on creates: the same key and body within 24 h replays the first response and
// creates nothing new; the same key with another body is 409.
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import { ApiHeader } from '@nestjs/swagger'
import { applyDecorators } from '@nestjs/common'
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { from, Observable, of, switchMap, catchError, throwError } from 'rxjs'
import { conflict, invalidField } from '@quiver/common'
import { Prisma, PrismaService } from '@quiver/database'

const IDEMPOTENT = 'quiver:idempotent'
const WINDOW_MS = 24 * 3600_000
const IN_PROGRESS = 0

interface IdempotentOptions {
  /** Response fields never stored: a replay returns the resource without them (secrets are shown once). */
  secretFields?: string[]
}

/** On the routes that create; every other route runs without the interceptor (and its Observable chain). */
export const Idempotent = (options: IdempotentOptions = {}) =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'replays the first response for 24 h' }),
  )

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly prisma: PrismaService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>()
    const key = request.headers['idempotency-key']
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, context.getHandler())
    if (key === undefined || !options || !request.user) return next.handle()
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw invalidField('Idempotency-Key', 'must be 1-255 visible ASCII characters')
    }
    const principal = request.user
    const who = principal.kind === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`
    const scope = `${who} ${request.method} ${request.url.split('?')[0]}`
    const requestHash = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex')
    const reply = context.switchToHttp().getResponse<FastifyReply>()

    return from(this.reserve(scope, key, requestHash)).pipe(
      switchMap((previous) => {
        if (previous) {
          reply.status(previous.status).header('idempotent-replayed', 'true')
          return of(previous.body)
        }
        return next.handle().pipe(
          switchMap((body) =>
            from(this.complete(scope, key, reply.statusCode, withoutFields(body, options.secretFields))).pipe(switchMap(() => of(body))),
          ),
          catchError((error) => from(this.release(scope, key)).pipe(switchMap(() => throwError(() => error)))),
        )
      }),
    )
  }

  /** Reserves the key, or returns the stored response of an earlier identical request. */
  private async reserve(scope: string, key: string, requestHash: string) {
    await this.prisma.idempotencyRecord.deleteMany({ where: { scope, key, createdAt: { lt: new Date(Date.now() - WINDOW_MS) } } })
    try {
      await this.prisma.idempotencyRecord.create({
        data: { scope, key, requestHash, responseStatus: IN_PROGRESS, responseBody: Prisma.JsonNull },
      })
      return null
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error
    }
    const record = await this.prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } })
    if (!record) throw conflict('A request with this Idempotency-Key was just abandoned; retry')
    if (record.requestHash !== requestHash) throw conflict('This Idempotency-Key was used with a different request body')
    if (record.responseStatus === IN_PROGRESS) throw conflict('A request with this Idempotency-Key is still in progress')
    return { status: record.responseStatus, body: record.responseBody }
  }

  private async complete(scope: string, key: string, status: number, body: unknown) {
    await this.prisma.idempotencyRecord.update({
      where: { scope_key: { scope, key } },
      data: { responseStatus: status, responseBody: (body ?? null) as Prisma.InputJsonValue },
    })
  }

  private async release(scope: string, key: string) {
    await this.prisma.idempotencyRecord.deleteMany({ where: { scope, key, responseStatus: IN_PROGRESS } })
  }
}

function withoutFields(body: unknown, fields: string[] = []): unknown {
  if (!fields.length || typeof body !== 'object' || body === null) return body
  return Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)))
}
