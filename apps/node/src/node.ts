// Assembles a node: collections from the data directory, snapshots, metrics, the HTTP server, and
// the checkpoint schedule; `stop` is the graceful shutdown (no new requests, a final checkpoint).
import { RevocationList } from '@quiver/data-plane-auth'
import type { FastifyInstance } from 'fastify'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { CollectionRegistry } from './collections/registry'
import { collectionRoutes } from './collections/routes'
import type { NodeConfig } from './config'
import { authorizerFor } from './http/authorizer'
import { internalRoutes } from './http/internal-routes'
import { NodeMetrics } from './http/metrics'
import type { NodeRoute } from './http/route'
import { buildServer } from './http/server'
import { serviceRoutes } from './http/service-routes'
import { pointRoutes } from './points/routes'
import { DataDirLock } from './storage/data-dir-lock'
import { snapshotRoutes } from './snapshots/routes'
import { SnapshotStore } from './snapshots/snapshot-store'

export interface RunningNode {
  readonly app: FastifyInstance
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/** Every route of the node, for the server and for tests that check them against the operation table. */
export function nodeRoutes(
  registry: CollectionRegistry,
  snapshots: SnapshotStore,
  revocations: RevocationList,
  metrics: NodeMetrics,
  version: string,
  isReady: () => boolean,
): NodeRoute[] {
  return [
    ...serviceRoutes(metrics, version, isReady),
    ...collectionRoutes(registry),
    ...pointRoutes(registry),
    ...snapshotRoutes(registry, snapshots),
    ...internalRoutes(revocations),
  ]
}

export async function startNode(config: NodeConfig, log: Logger, version: string): Promise<RunningNode> {
  await mkdir(config.dataDir, { recursive: true })
  const lock = await DataDirLock.acquire(config.dataDir)
  // eslint-disable-next-line prefer-const -- assigned once the registry exists; its callbacks read it
  let metrics: NodeMetrics | undefined
  const registry = new CollectionRegistry(
    config.dataDir,
    {
      log: (level, message, fields) => log[level](fields ?? {}, message),
      checkpointWritten: (collection, millis) => {
        metrics?.checkpointWritten(millis)
        log.info({ collection, millis: Math.round(millis) }, 'checkpoint written')
      },
    },
    config.checkpointWalBytes,
  )
  await registry.loadAll()
  metrics = new NodeMetrics(registry)
  const snapshots = new SnapshotStore(config.dataDir, registry)
  let ready = true
  const revocations = await RevocationList.open(path.join(config.dataDir, 'revocations.json'))
  const authorizer = authorizerFor(config.auth, registry, revocations)
  log.warn(authorizer.describe())
  const app = buildServer(nodeRoutes(registry, snapshots, revocations, metrics, version, () => ready), authorizer, metrics, log)
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port

  const checkpointAll = async () => {
    for (const collection of registry.all()) {
      if (collection.dirty && !collection.isClosed) await collection.checkpoint().catch((e: Error) => log.error({ collection: collection.name, err: e }, 'checkpoint failed'))
    }
  }
  let scheduled: Promise<void> = Promise.resolve()
  const timer =
    config.checkpointIntervalSeconds > 0 ? setInterval(() => (scheduled = scheduled.then(checkpointAll)), config.checkpointIntervalSeconds * 1000) : undefined
  timer?.unref()

  return {
    app,
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    stop: async () => {
      ready = false
      if (timer) clearInterval(timer)
      await app.close()
      await scheduled
      await registry.closeAll(true)
      await lock.release()
    },
  }
}
