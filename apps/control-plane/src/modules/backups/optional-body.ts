import { createParamDecorator, ExecutionContext } from '@nestjs/common'
import type { FastifyRequest } from 'fastify'
import { badRequest } from '@quiver/common'

/**
 * A body every field of which is optional, so a POST may come without one (`curl -X POST`); still
 * validated against its DTO by the global pipe (custom decorators are validated too).
 */
export const OptionalBody = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body
  if (body === undefined || body === null || body === '') return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object')
  return body
})
