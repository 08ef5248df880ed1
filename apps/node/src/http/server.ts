// The node's HTTP server: Fastify with JSON bodies up to 32 MiB (Qdrant's default), upload bodies
// passed through as streams, Qdrant's envelope, and the route table behind one authorize hook.
import Fastify, { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { RequestAuthorizer } from './access'
import { installErrorHandling } from './errors'
import type { NodeMetrics } from './metrics'
import { NodeRoute, registerRoutes } from './route'

const MAX_JSON_BYTES = 32 * 2 ** 20

export function buildServer(routes: readonly NodeRoute[], authorizer: RequestAuthorizer, metrics: NodeMetrics, log: Logger): FastifyInstance {
  const app = Fastify({ bodyLimit: MAX_JSON_BYTES, logger: false, forceCloseConnections: true, return503OnClosing: true, routerOptions: { maxParamLength: 1024 } })
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_JSON_BYTES }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      const problem = Object.assign(new Error(`Format error in JSON body: ${(error as Error).message}`), { statusCode: 400 })
      done(problem, undefined)
    }
  })
  for (const type of ['multipart/form-data', 'application/octet-stream']) {
    app.addContentTypeParser(type, (_request, payload, done) => done(null, payload))
  }
  installErrorHandling(app, log)
  metrics.observeRequests(app)
  registerRoutes(app, routes, authorizer)
  return app
}
