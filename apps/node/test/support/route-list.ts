// The node's route list as data, built by the same function the server is built from
// (`nodeRoutes`), for tests that walk every route.
import path from 'node:path'
import { RevocationList } from '@quiver/data-plane-auth'
import { CollectionRegistry } from '../../src/collections/registry'
import { NodeMetrics } from '../../src/http/metrics'
import { routeTable } from '../../src/http/route'
import { nodeRoutes } from '../../src/node'
import { SnapshotStore } from '../../src/snapshots/snapshot-store'

export interface DeclaredRoute {
  readonly method: string
  readonly url: string
  readonly operation: string
}

/** Every route of a node, with `dataDir` as its (unused) data directory. */
export async function declaredRoutes(dataDir: string): Promise<DeclaredRoute[]> {
  const registry = new CollectionRegistry(dataDir, { log: () => undefined }, 1 << 20)
  const revocations = await RevocationList.open(path.join(dataDir, 'revocations.json'))
  return routeTable(nodeRoutes(registry, new SnapshotStore(dataDir, registry), revocations, new NodeMetrics(registry), 'test', () => true))
}
