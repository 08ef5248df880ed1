// The one place where errors become Qdrant's error envelope `{status: {error}, time}`.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { NodeError } from '../errors'

interface ErrorLog {
  error(fields: Record<string, unknown>, message: string): void
}

export function installErrorHandling(app: FastifyInstance, log: ErrorLog): void {
  app.setErrorHandler((error: FastifyError | NodeError | Error, request, reply) => {
    if (error instanceof NodeError) return send(reply, error.statusCode, error.message)
    const status = (error as FastifyError).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      const code = (error as FastifyError).code ?? ''
      const where = code.startsWith('FST_ERR_CTP') ? 'Format error in JSON body: ' : ''
      return send(reply, status, where + error.message)
    }
    log.error({ err: error, url: request.url, method: request.method }, 'request failed')
    return send(reply, 500, `Service internal error: ${error.message}`)
  })
  app.setNotFoundHandler((request, reply) => send(reply, 404, `Not found: no route for ${request.method} ${request.url.split('?')[0]}`))
}

function send(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ status: { error: message }, time: reply.elapsedTime / 1000 })
}
