// Typed errors that one exception filter renders as application/problem+json (RFC 9457).
import { HttpException } from '@nestjs/common'

export interface FieldError {
  field: string
  message: string
}

export class Problem extends HttpException {
  constructor(
    status: number,
    readonly title: string,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status)
  }

  get type(): string {
    return `urn:quiver:problem:${this.title.toLowerCase().replaceAll(' ', '-')}`
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) =>
  new Problem(400, 'Bad Request', detail, errors.length ? { errors } : {})
export const invalidField = (field: string, message: string) => badRequest(`${field}: ${message}`, [{ field, message }])
export const unauthorized = (detail = 'Missing or invalid credentials') =>
  new Problem(401, 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer' })
export const forbidden = (detail: string, missingPermissions?: string[]) =>
  new Problem(403, 'Forbidden', detail, missingPermissions ? { missingPermissions } : {})
export const notFound = (what: string) => new Problem(404, 'Not Found', `${what} not found`)
export const conflict = (detail: string) => new Problem(409, 'Conflict', detail)
export const tooManyRequests = (retryAfterSeconds: number) =>
  new Problem(429, 'Too Many Requests', `Too many attempts; retry in ${retryAfterSeconds} s`, {}, {
    'retry-after': String(retryAfterSeconds),
  })
