// The rows of the table-driven access suite: one per route of the node, each in the group of API.md's
// operation table it belongs to, with a call (through @qdrant/js-client-rest where the client has
// one), the state it needs before each credential, and what an allowed call must have done.
import assert from 'node:assert/strict'
import type { QdrantClient } from '@qdrant/js-client-rest'

/** API.md's rows; `public` needs no credential, `internal` is the revocation push (global manage). */
export type Group = 'public' | 'collection-read' | 'point-read' | 'point-write' | 'snapshot-read' | 'snapshot-write' | 'manage' | 'internal'

export const MAIN = 'rbac_main'
export const SCRATCH = 'rbac_scratch'
/** Not covered by any collection grant of the suite (nor by the glob `rbac_*`). */
export const OUTSIDE = 'outside_rbac'
export const RESTRICTION = { tenant: 'a' }
export const DIMENSION = 4
/** The points of MAIN before every row: 1 and 3 are tenant a's, 2 and 4 tenant b's. */
export const FIXTURE_POINTS = [1, 2, 3, 4].map((id) => ({ id, vector: [id, 1, 0, 1], payload: { tenant: id % 2 ? 'a' : 'b', n: id } }))
const ALL = [1, 2, 3, 4]
const TENANT_A = [1, 3]

/** A call as a client sees it: the official client, or a raw request that throws like it on non-2xx. */
export interface Caller {
  readonly client: QdrantClient
  raw(method: string, path: string, body?: unknown): Promise<any>
}

export interface Fixtures {
  readonly manage: Caller
  /** file:// URL and bytes of a snapshot of MAIN taken with the fixture points. */
  readonly snapshot: { readonly name: string; readonly location: string; readonly bytes: Buffer }
  /** A snapshot of MAIN for the delete row to remove (re-created when it is gone). */
  doomedSnapshot?: string
  resetPoints(): Promise<void>
  scratch(exists: boolean): Promise<void>
  pointIds(filter?: unknown): Promise<number[]>
}

export interface CheckContext {
  readonly fx: Fixtures
  /** The credential is confined to tenant a's points. */
  readonly confined: boolean
  /** The credential holds collection grants (a listing shows only those). */
  readonly scoped: boolean
}

export interface Row {
  /** `METHOD url` exactly as the node declares the route. */
  readonly route: string
  readonly group: Group
  /** The collection the call names (reasons name it). */
  readonly collection?: string
  /** What a payload-restricted rw grant gets, where it is not what its group says. */
  readonly restricted?: 'allowed' | RegExp
  readonly prepare?: (fx: Fixtures) => Promise<void>
  readonly call: (caller: Caller, fx: Fixtures) => Promise<unknown>
  readonly check?: (result: any, ctx: CheckContext) => Promise<void> | void
}

const visible = (confined: boolean) => (confined ? TENANT_A : ALL)
const ids = (points: readonly { id: unknown }[]) => points.map((p) => Number(p.id)).sort((a, b) => a - b)
const EVERYTHING = { must: [] }
const QUERY = [1, 1, 1, 1]
const payloadRestrictionDenied = new RegExp(`"payload" restriction is present for collection ${MAIN}`)

const publicRow = (url: string): Row => ({ route: `GET ${url}`, group: 'public', call: (c) => c.raw('GET', url) })

export const ROWS: readonly Row[] = [
  ...['/', '/healthz', '/readyz', '/livez', '/metrics'].map(publicRow),

  // list/get/exists collection
  {
    route: 'GET /collections',
    group: 'collection-read',
    restricted: 'allowed',
    call: (c) => c.client.getCollections(),
    check: (r, { scoped }) => {
      const names = r.collections.map((c: { name: string }) => c.name).sort()
      assert.deepEqual(names, scoped ? [MAIN, SCRATCH] : [OUTSIDE, MAIN, SCRATCH])
    },
  },
  { route: 'GET /collections/:collection_name', group: 'collection-read', collection: MAIN, restricted: payloadRestrictionDenied, call: (c) => c.client.getCollection(MAIN), check: (r) => assert.equal(r.points_count, 4) },
  { route: 'GET /collections/:collection_name/exists', group: 'collection-read', collection: MAIN, restricted: 'allowed', call: (c) => c.client.collectionExists(MAIN), check: (r) => assert.deepEqual(r, { exists: true }) },

  // point reads: get, scroll, search, query, count (a restricted grant sees tenant a's points only)
  { route: 'POST /collections/:collection_name/points', group: 'point-read', collection: MAIN, call: (c) => c.client.retrieve(MAIN, { ids: ALL }), check: (r, { confined }) => assert.deepEqual(ids(r), visible(confined)) },
  {
    route: 'GET /collections/:collection_name/points/:id',
    group: 'point-read',
    collection: MAIN,
    call: async (c) => (await c.client.api().getPoint({ collection_name: MAIN, id: 3 })).data.result,
    check: (r) => assert.deepEqual(r.payload, { tenant: 'a', n: 3 }),
  },
  { route: 'POST /collections/:collection_name/points/scroll', group: 'point-read', collection: MAIN, call: (c) => c.client.scroll(MAIN, { limit: 10 }), check: (r, { confined }) => assert.deepEqual(ids(r.points), visible(confined)) },
  { route: 'POST /collections/:collection_name/points/count', group: 'point-read', collection: MAIN, call: (c) => c.client.count(MAIN, { exact: true }), check: (r, { confined }) => assert.equal(r.count, visible(confined).length) },
  // the official client (1.19) no longer has the deprecated search endpoints
  { route: 'POST /collections/:collection_name/points/search', group: 'point-read', collection: MAIN, call: (c) => c.raw('POST', `/collections/${MAIN}/points/search`, { vector: QUERY, limit: 10 }), check: (r, { confined }) => assert.deepEqual(ids(r), visible(confined)) },
  {
    route: 'POST /collections/:collection_name/points/search/batch',
    group: 'point-read',
    collection: MAIN,
    call: (c) => c.raw('POST', `/collections/${MAIN}/points/search/batch`, { searches: [{ vector: QUERY, limit: 10 }, { vector: QUERY, limit: 1, filter: { must: [{ key: 'tenant', match: { value: 'b' } }] } }] }),
    check: (r, { confined }) => assert.deepEqual([ids(r[0]), ids(r[1])], [visible(confined), confined ? [] : [4]]),
  },
  { route: 'POST /collections/:collection_name/points/query', group: 'point-read', collection: MAIN, call: (c) => c.client.query(MAIN, { query: QUERY, limit: 10 }), check: (r, { confined }) => assert.deepEqual(ids(r.points), visible(confined)) },
  {
    route: 'POST /collections/:collection_name/points/query/batch',
    group: 'point-read',
    collection: MAIN,
    call: (c) => c.client.queryBatch(MAIN, { searches: [{ query: QUERY, limit: 10 }, { limit: 10 }] }),
    check: (r, { confined }) => assert.deepEqual([ids(r[0].points), ids(r[1].points)], [visible(confined), visible(confined)]),
  },

  // point writes: upsert, delete, set/overwrite/delete payload (a restricted grant touches tenant a's points only)
  ...pointWriteRows(),

  // snapshots: list, download; create, delete
  { route: 'GET /collections/:collection_name/snapshots', group: 'snapshot-read', collection: MAIN, call: (c) => c.client.listSnapshots(MAIN), check: (r, { fx }) => assert.ok(r.some((s: { name: string }) => s.name === fx.snapshot.name)) },
  {
    route: 'GET /collections/:collection_name/snapshots/:snapshot_name',
    group: 'snapshot-read',
    collection: MAIN,
    call: (c, fx) => c.raw('GET', `/collections/${MAIN}/snapshots/${fx.snapshot.name}`),
    check: (r, { fx }) => assert.ok(Buffer.isBuffer(r) && r.equals(fx.snapshot.bytes), 'the download is the snapshot'),
  },
  {
    route: 'POST /collections/:collection_name/snapshots',
    group: 'snapshot-write',
    collection: MAIN,
    call: (c) => c.client.createSnapshot(MAIN),
    check: async (r, { fx }) => {
      assert.match(r.name, /^rbac_main-.+\.snapshot$/)
      assert.equal(await fx.manage.client.deleteSnapshot(MAIN, r.name), true)
    },
  },
  {
    route: 'DELETE /collections/:collection_name/snapshots/:snapshot_name',
    group: 'snapshot-write',
    collection: MAIN,
    prepare: async (fx) => {
      fx.doomedSnapshot ??= (await fx.manage.client.createSnapshot(MAIN))!.name
    },
    call: (c, fx) => c.client.deleteSnapshot(MAIN, fx.doomedSnapshot!),
    check: async (_r, { fx }) => {
      assert.ok(!(await fx.manage.client.listSnapshots(MAIN)).some((s) => s.name === fx.doomedSnapshot))
      fx.doomedSnapshot = undefined
    },
  },

  // create/update/delete collection, snapshot upload/recover (global manage only)
  ...manageRows(),

  {
    route: 'POST /internal/revocations',
    group: 'internal',
    call: (c) => c.raw('POST', '/internal/revocations', { revocations: [{ jti: `table-${Math.random()}`, exp: Math.floor(Date.now() / 1000) + 60 }] }),
    check: (r) => assert.equal(r.revoked, 1),
  },
]

function pointWriteRows(): Row[] {
  const write = (route: string, call: Row['call'], check: Row['check'], restricted?: RegExp): Row => ({
    route,
    group: 'point-write',
    collection: MAIN,
    prepare: (fx) => fx.resetPoints(),
    call,
    check,
    ...(restricted && { restricted }),
  })
  const keyless = (key: string) => ({ must: [{ is_empty: { key } }] })
  return [
    write(
      'PUT /collections/:collection_name/points',
      (c) => c.client.upsert(MAIN, { wait: true, points: [{ id: 100, vector: [1, 0, 0, 0], payload: { tenant: 'a', n: 100 } }] }),
      async (_r, { fx }) => assert.deepEqual(await fx.pointIds(), [...ALL, 100]),
    ),
    write(
      'POST /collections/:collection_name/points/delete',
      (c) => c.client.delete(MAIN, { wait: true, filter: EVERYTHING }),
      async (_r, { fx, confined }) => assert.deepEqual(await fx.pointIds(), confined ? [2, 4] : []),
    ),
    write(
      'POST /collections/:collection_name/points/payload',
      (c) => c.client.setPayload(MAIN, { wait: true, payload: { flag: true }, filter: EVERYTHING }),
      async (_r, { fx, confined }) => assert.deepEqual(await fx.pointIds({ must: [{ key: 'flag', match: { value: true } }] }), visible(confined)),
    ),
    write(
      'PUT /collections/:collection_name/points/payload',
      (c) => c.client.overwritePayload(MAIN, { wait: true, payload: { tenant: 'a', over: true }, filter: EVERYTHING }),
      async (_r, { fx, confined }) => assert.deepEqual(await fx.pointIds({ must: [{ key: 'over', match: { value: true } }] }), visible(confined)),
    ),
    write(
      'DELETE /collections/:collection_name/points/payload',
      (c) => c.raw('DELETE', `/collections/${MAIN}/points/payload?wait=true`, { keys: ['n'], filter: EVERYTHING }),
      async (_r, { fx, confined }) => assert.deepEqual(await fx.pointIds(keyless('n')), visible(confined)),
    ),
    write(
      'POST /collections/:collection_name/points/payload/delete',
      (c) => c.client.deletePayload(MAIN, { wait: true, keys: ['n'], filter: EVERYTHING }),
      async (_r, { fx, confined }) => assert.deepEqual(await fx.pointIds(keyless('n')), visible(confined)),
    ),
    // clearing a payload would drop the restricted key, so a restricted grant cannot
    write(
      'POST /collections/:collection_name/points/payload/clear',
      (c) => c.client.clearPayload(MAIN, { wait: true, filter: EVERYTHING }),
      async (_r, { fx }) => assert.deepEqual(await fx.pointIds(keyless('tenant')), ALL),
      /^The new payload must set payload key "tenant" to "a" \(payload restriction\)$/,
    ),
  ]
}

function manageRows(): Row[] {
  const manage = (route: string, prepare: Row['prepare'], call: Row['call'], check: Row['check']): Row => ({ route, group: 'manage', collection: SCRATCH, prepare, call, check })
  const exists = async (fx: Fixtures) => (await fx.manage.client.collectionExists(SCRATCH)).exists
  const fields = async (fx: Fixtures) => Object.keys((await fx.manage.client.getCollection(SCRATCH)).payload_schema)
  const recovered = async (fx: Fixtures) => assert.equal((await fx.manage.client.count(SCRATCH)).count, 4)
  return [
    manage(
      'PUT /collections/:collection_name',
      (fx) => fx.scratch(false),
      (c) => c.client.createCollection(SCRATCH, { vectors: { size: DIMENSION, distance: 'Dot' } }),
      async (_r, { fx }) => assert.equal(await exists(fx), true),
    ),
    manage(
      'DELETE /collections/:collection_name',
      (fx) => fx.scratch(true),
      (c) => c.client.deleteCollection(SCRATCH),
      async (_r, { fx }) => assert.equal(await exists(fx), false),
    ),
    manage(
      'PUT /collections/:collection_name/index',
      (fx) => fx.scratch(true),
      (c) => c.client.createPayloadIndex(SCRATCH, { wait: true, field_name: 'tenant', field_schema: 'keyword' }),
      async (_r, { fx }) => {
        assert.deepEqual(await fields(fx), ['tenant'])
        await fx.manage.client.deletePayloadIndex(SCRATCH, 'tenant', { wait: true })
      },
    ),
    manage(
      'DELETE /collections/:collection_name/index/:field_name',
      async (fx) => {
        await fx.scratch(true)
        await fx.manage.client.createPayloadIndex(SCRATCH, { wait: true, field_name: 'tenant', field_schema: 'keyword' })
      },
      (c) => c.client.deletePayloadIndex(SCRATCH, 'tenant', { wait: true }),
      async (_r, { fx }) => assert.deepEqual(await fields(fx), []),
    ),
    manage(
      'PUT /collections/:collection_name/snapshots/recover',
      (fx) => fx.scratch(false),
      (c, fx) => c.client.recoverSnapshot(SCRATCH, { location: fx.snapshot.location }),
      (_r, { fx }) => recovered(fx),
    ),
    manage(
      'POST /collections/:collection_name/snapshots/upload',
      (fx) => fx.scratch(false),
      (c, fx) => {
        const form = new FormData()
        form.append('snapshot', new Blob([fx.snapshot.bytes]), 'main.snapshot')
        return c.raw('POST', `/collections/${SCRATCH}/snapshots/upload`, form)
      },
      (_r, { fx }) => recovered(fx),
    ),
  ]
}
