import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common'
import type { FastifyReply } from 'fastify'
import { Problem } from './problems'

interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  [extra: string]: unknown
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
}

function fromStatus(status: number, detail: string): ProblemBody {
  const title = TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  return { type: `urn:quiver:problem:${title.toLowerCase().replaceAll(' ', '-')}`, title, status, detail }
}

/** The one place where errors become application/problem+json; unknown errors are 500 and logged. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter')

  catch(error: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>()
    let body: ProblemBody
    let headers: Record<string, string> = {}
    if (error instanceof Problem) {
      body = { type: error.type, title: error.title, status: error.getStatus(), detail: error.detail, ...error.extras }
      headers = error.headers
    } else if (error instanceof HttpException) {
      const response = error.getResponse()
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message
      body = fromStatus(error.getStatus(), Array.isArray(message) ? message.join('; ') : String(message ?? error.message))
    } else if (prismaCode(error) === 'P2002') {
      body = fromStatus(409, 'A resource with these values already exists')
    } else if (prismaCode(error) === 'P2025') {
      body = fromStatus(404, 'The resource no longer exists')
    } else if (isClientError(error)) {
      // Fastify's own errors: malformed JSON, body too large, wrong content type
      body = fromStatus(error.statusCode, error.message.replace(/^FST_\w+: /, ''))
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
      body = fromStatus(500, 'An unexpected error occurred')
    }
    reply.status(body.status).headers({ ...headers, 'content-type': 'application/problem+json' }).send(body)
  }
}

function isClientError(error: unknown): error is { statusCode: number; message: string } {
  const status = (error as { statusCode?: unknown })?.statusCode
  return typeof status === 'number' && status >= 400 && status < 500
}

function prismaCode(error: unknown): string | undefined {
  const { code, clientVersion } = (error ?? {}) as { code?: unknown; clientVersion?: unknown }
  return typeof code === 'string' && typeof clientVersion === 'string' ? code : undefined
}
