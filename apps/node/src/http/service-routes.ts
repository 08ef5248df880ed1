import { Unavailable } from '../errors'
import type { NodeMetrics } from './metrics'
import type { NodeRoute } from './route'

/** The version of Qdrant's REST API this node speaks: Qdrant clients check it against their own. */
export const QDRANT_API_VERSION = '1.19.0'

export function serviceRoutes(metrics: NodeMetrics, version: string, isReady: () => boolean): NodeRoute[] {
  return [
    { method: 'GET', url: '/', operation: 'public', handler: ({ reply }) => reply.send({ title: 'quiver', version: QDRANT_API_VERSION, quiver_version: version }), raw: true },
    { method: 'GET', url: '/healthz', operation: 'public', raw: true, handler: ({ reply }) => reply.type('text/plain').send('healthz check passed') },
    { method: 'GET', url: '/livez', operation: 'public', raw: true, handler: ({ reply }) => reply.type('text/plain').send('healthz check passed') },
    {
      method: 'GET',
      url: '/readyz',
      operation: 'public',
      raw: true,
      handler: ({ reply }) => {
        if (!isReady()) throw new Unavailable('the node is not ready')
        return reply.type('text/plain').send('all shards are ready')
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      operation: 'public',
      raw: true,
      handler: async ({ reply }) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    },
  ]
}
