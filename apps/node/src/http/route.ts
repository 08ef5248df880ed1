// Routes are declared once, as data: method, path, the operation they perform (or `public`) and a
// handler that receives the authorized scope. The handler's return value becomes Qdrant's envelope
// `{result, status: "ok", time}`; a `raw` route writes its own reply (downloads, metrics).
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessScope, Operation, RequestAuthorizer } from './access'
import { UNLIMITED } from './access'
import { InvalidRequest } from '../errors'

export interface RouteContext {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly scope: AccessScope
  /** The `{collection_name}` path parameter, for routes that have one. */
  readonly collection: string
  readonly params: Record<string, string>
  readonly query: Record<string, string | undefined>
}

export interface NodeRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
  readonly url: string
  readonly operation: Operation | 'public'
  readonly raw?: boolean
  /** Stream the request body to the handler instead of parsing it (uploads). */
  readonly streamBody?: boolean
  readonly handler: (context: RouteContext) => Promise<unknown> | unknown
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation | 'public'
  }
  interface FastifyRequest {
    accessScope: AccessScope
  }
}

export function registerRoutes(app: FastifyInstance, routes: readonly NodeRoute[], authorizer: RequestAuthorizer): void {
  app.decorateRequest('accessScope', null as unknown as AccessScope)
  // onRequest, not preHandler: the caller is known before its body is read, so a request without a
  // credential gets its 401 (not a 400 for bad JSON) and costs no parsing of up to 32 MiB.
  app.addHook('onRequest', async (request) => {
    const operation = request.routeOptions.config.operation
    if (operation === undefined || operation === 'public') {
      request.accessScope = UNLIMITED
      return
    }
    const collection = (request.params as Record<string, string> | undefined)?.collection_name
    request.accessScope = await authorizer.authorize(request, operation, collection)
  })
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: { operation: route.operation },
      handler: async (request, reply) => {
        if (!route.streamBody && request.body instanceof Readable) {
          request.body.resume()
          throw new InvalidRequest('JSON body', `expected Content-Type: application/json, got ${request.headers['content-type']}`)
        }
        const params = (request.params ?? {}) as Record<string, string>
        const result = await route.handler({
          request,
          reply,
          scope: request.accessScope,
          collection: params.collection_name ?? '',
          params,
          query: (request.query ?? {}) as Record<string, string | undefined>,
        })
        if (route.raw) return reply
        return { result, status: 'ok', time: reply.elapsedTime / 1000 }
      },
    })
  }
}

/** The node's route table as data (method, path, operation), for tests that walk it against the operation table. */
export function routeTable(routes: readonly NodeRoute[]): { method: string; url: string; operation: string }[] {
  return routes.map((r) => ({ method: r.method, url: r.url, operation: r.operation }))
}
