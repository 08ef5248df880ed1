// API.md's operation × access table, enforced by a real node: every route of the node (one row
// each, grouped as API.md groups them) against every credential (static keys, JWTs of each column,
// and the tokens a node must refuse), asserting the exact allow/deny, status code and reason. An
// allowed call must have done its work (a restricted grant only on tenant a's points); a refused
// write must have changed nothing. One node for the whole table; fixtures are reset per row.
import assert from 'node:assert/strict'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { QdrantClient } from '@qdrant/js-client-rest'
import { Column, Credential, KEYS, RBAC_ENV, REVOKED_JTI, tableCredentials } from './support/rbac-credentials'
import { Caller, DIMENSION, Fixtures, FIXTURE_POINTS, Group, MAIN, OUTSIDE, RESTRICTION, Row, ROWS, SCRATCH } from './support/rbac-rows'
import { NodeProcess, removeDir, startNode, tempDataDir } from './support/node-process'
import { declaredRoutes } from './support/route-list'

const Y = true
const N = false
type TableColumn = Exclude<Column, 'restricted'>

// API.md's table, binding. prw's "–" on list/get/exists is read as Qdrant reads it: its own collection.
const API_TABLE: Record<Exclude<Group, 'public'>, Record<TableColumn, boolean>> = {
  'collection-read': { r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y },
  'point-read': { r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y },
  'point-write': { r: N, collR: N, collRw: Y, collPrw: Y, m: Y },
  'snapshot-read': { r: Y, collR: Y, collRw: Y, collPrw: N, m: Y },
  'snapshot-write': { r: N, collR: N, collRw: Y, collPrw: N, m: Y },
  manage: { r: N, collR: N, collRw: N, collPrw: N, m: Y },
  internal: { r: N, collR: N, collRw: N, collPrw: N, m: Y },
}

type Expected = { readonly allowed: true } | { readonly allowed: false; readonly status: number; readonly reason: RegExp }
const ALLOWED: Expected = { allowed: true }
const GLOBAL_MANAGE = /^Global manage access is required$/
const denied = (reason: RegExp): Expected => ({ allowed: false, status: 403, reason })

function expectation(row: Row, credential: Credential): Expected {
  if (row.group === 'public') return ALLOWED
  if (credential.refused) return { allowed: false, ...credential.refused }
  const column = credential.column!
  if (column === 'restricted') return restrictedExpectation(row)
  if (API_TABLE[row.group][column]) return ALLOWED
  if (column === 'r' || row.group === 'manage' || row.group === 'internal') return denied(GLOBAL_MANAGE)
  if (column === 'collR') return denied(new RegExp(`^Write access to collection ${row.collection} is required$`))
  if (column === 'collPrw') return denied(new RegExp(`^Only points access is allowed for collection ${row.collection}$`))
  throw new Error(`no reason for ${column} on ${row.route}`)
}

/** A payload-restricted grant keeps what the node can confine to its points, and nothing else. */
function restrictedExpectation(row: Row): Expected {
  if (row.restricted === 'allowed') return ALLOWED
  if (row.restricted instanceof RegExp) return denied(row.restricted)
  if (row.group === 'point-read' || row.group === 'point-write') return ALLOWED
  if (row.group === 'manage' || row.group === 'internal') return denied(GLOBAL_MANAGE)
  return denied(new RegExp(`^This operation is not allowed when "payload" restriction is present for collection ${row.collection}$`))
}

class CallFailed extends Error {
  constructor(
    readonly status: number,
    readonly data: any,
  ) {
    super(`HTTP ${status}`)
  }
}

function caller(url: string, headers: Readonly<Record<string, string>>): Caller {
  return {
    client: new QdrantClient({ url, checkCompatibility: false, headers: { ...headers } }),
    async raw(method, route, body) {
      const init: RequestInit & { headers: Record<string, string> } = { method, headers: { ...headers } }
      if (body instanceof FormData) init.body = body
      else if (body !== undefined) {
        init.body = JSON.stringify(body)
        init.headers['content-type'] = 'application/json'
      }
      const response = await fetch(url + route, init)
      const bytes = Buffer.from(await response.arrayBuffer())
      const json = (response.headers.get('content-type') ?? '').includes('json')
      const parsed = json ? JSON.parse(bytes.toString('utf8')) : bytes
      if (response.status < 200 || response.status > 299) throw new CallFailed(response.status, parsed)
      return json && parsed.result !== undefined ? parsed.result : parsed
    },
  }
}

/** A call's outcome whichever way it was made: the client and `raw` both throw `{status, data}` on non-2xx. */
async function attempt(run: () => Promise<unknown>): Promise<{ status: number; result?: any; error?: string }> {
  try {
    return { status: 200, result: await run() }
  } catch (error) {
    const { status, data } = error as { status?: unknown; data?: any }
    if (typeof status !== 'number') throw error
    return { status, error: data?.status?.error }
  }
}

function fixtures(node: NodeProcess, manage: Caller, snapshot: Fixtures['snapshot']): Fixtures & { state(): Promise<string> } {
  const { client } = manage
  const scrollIds = async (filter?: unknown) => (await client.scroll(MAIN, { limit: 100, ...(filter !== undefined && { filter: filter as never }) })).points.map((p) => Number(p.id))
  return {
    manage,
    snapshot,
    async resetPoints() {
      await client.delete(MAIN, { wait: true, filter: { must_not: [{ has_id: FIXTURE_POINTS.map((p) => p.id) }] } })
      await client.upsert(MAIN, { wait: true, points: FIXTURE_POINTS })
    },
    async scratch(exists) {
      if ((await client.collectionExists(SCRATCH)).exists === exists) return
      if (exists) await client.createCollection(SCRATCH, { vectors: { size: DIMENSION, distance: 'Dot' } })
      else await client.deleteCollection(SCRATCH)
    },
    pointIds: scrollIds,
    /** Everything a write could have changed. */
    async state() {
      const points = await client.scroll(MAIN, { limit: 100, with_payload: true, with_vector: true })
      const scratch = (await client.collectionExists(SCRATCH)).exists ? await client.getCollection(SCRATCH) : null
      const snapshots = (await client.listSnapshots(MAIN)).map((s) => s.name).sort()
      return JSON.stringify({ points, scratch: scratch && { count: scratch.points_count, fields: scratch.payload_schema }, snapshots, dir: node.dataDir })
    },
  }
}

const WRITES: readonly Group[] = ['point-write', 'snapshot-write', 'manage']

describe('node: the operation × credential table (API.md)', () => {
  let node: NodeProcess
  let fx: ReturnType<typeof fixtures>
  let credentials: Credential[]
  let callers: Map<string, Caller>

  before(async () => {
    node = await startNode({ env: RBAC_ENV })
    const manage = caller(node.url, { 'api-key': KEYS.manage })
    for (const name of [MAIN, SCRATCH, OUTSIDE]) await manage.client.createCollection(name, { vectors: { size: DIMENSION, distance: 'Dot' } })
    await manage.client.upsert(MAIN, { wait: true, points: FIXTURE_POINTS })
    const { name } = (await manage.client.createSnapshot(MAIN))!
    const bytes: Buffer = await manage.raw('GET', `/collections/${MAIN}/snapshots/${name}`)
    const location = pathToFileURL(path.join(node.dataDir, 'snapshots', MAIN, name)).href
    fx = fixtures(node, manage, { name, location, bytes })
    await manage.raw('POST', '/internal/revocations', { revocations: [{ jti: REVOKED_JTI, exp: null }] })
    credentials = await tableCredentials([MAIN, SCRATCH], RESTRICTION)
    callers = new Map(credentials.map((c) => [c.name, caller(node.url, c.headers)]))
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })

  test('the table has exactly one row per route the node declares', async () => {
    const dir = tempDataDir('quiver-rbac-routes-')
    try {
      const declared = (await declaredRoutes(dir)).map((r) => `${r.method} ${r.url}`).sort()
      assert.deepEqual(ROWS.map((r) => r.route).sort(), declared)
    } finally {
      removeDir(dir)
    }
  })

  for (const row of ROWS) {
    test(row.route, async () => {
      await fx.resetPoints()
      await fx.scratch(true)
      const problems: string[] = []
      for (const credential of credentials) {
        await row.prepare?.(fx)
        const expected = expectation(row, credential)
        const before = !expected.allowed && WRITES.includes(row.group) ? await fx.state() : undefined
        const outcome = await attempt(() => row.call(callers.get(credential.name)!, fx))
        const cell = `${credential.name}:`
        if (expected.allowed) {
          if (outcome.status !== 200) problems.push(`${cell} expected allowed, got ${outcome.status} ${outcome.error}`)
          else {
            const scoped = ['collR', 'collRw', 'collPrw', 'restricted'].includes(credential.column!)
            await Promise.resolve(row.check?.(outcome.result, { fx, confined: credential.column === 'restricted', scoped })).catch((e: Error) => problems.push(`${cell} allowed, but ${e.message}`))
          }
        } else if (outcome.status !== expected.status || !expected.reason.test(outcome.error ?? '')) {
          problems.push(`${cell} expected ${expected.status} ${expected.reason}, got ${outcome.status} ${outcome.error ?? JSON.stringify(outcome.result)}`)
        } else if (before !== undefined && (await fx.state()) !== before) {
          problems.push(`${cell} refused, but the call changed the node's data`)
        }
      }
      assert.deepEqual(problems, [])
    })
  }
})
