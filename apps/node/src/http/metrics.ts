import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { CollectionRegistry } from '../collections/registry'

/** The node's Prometheus metrics: requests by operation, collections, points, checkpoints. */
export class NodeMetrics {
  readonly registry = new Registry()
  private readonly requests = new Counter({ name: 'quiver_node_requests_total', help: 'Requests by operation and status code', labelNames: ['operation', 'status'], registers: [this.registry] })
  private readonly latency = new Histogram({
    name: 'quiver_node_request_duration_seconds',
    help: 'Request latency by operation',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  })
  private readonly checkpoints = new Histogram({
    name: 'quiver_node_checkpoint_duration_seconds',
    help: 'Time to write a checkpoint',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  })

  constructor(collections: CollectionRegistry) {
    collectDefaultMetrics({ register: this.registry, prefix: 'quiver_node_' })
    new Gauge({
      name: 'quiver_node_collections',
      help: 'Collections on this node',
      registers: [this.registry],
      collect() {
        this.set(collections.names().length)
      },
    })
    new Gauge({
      name: 'quiver_node_points',
      help: 'Points per collection',
      labelNames: ['collection'],
      registers: [this.registry],
      collect() {
        this.reset()
        for (const c of collections.all()) this.set({ collection: c.name }, c.store.count)
      },
    })
  }

  observeRequests(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const operation = request.routeOptions.config?.operation ?? 'unknown'
      this.requests.inc({ operation, status: String(reply.statusCode) })
      this.latency.observe({ operation }, reply.elapsedTime / 1000)
    })
  }

  checkpointWritten(millis: number): void {
    this.checkpoints.observe(millis / 1000)
  }
}
