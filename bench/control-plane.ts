// Control plane: an authorized cluster listing by a member with a custom role, against the same
// process's unauthenticated /healthz, at 50 connections; and how soon a role change takes effect.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { LoadResult, loopbackLoad } from './lib/load'
import { BenchRow, median } from './lib/report'
import { spawnNode } from '../test/support/processes'

const SERVER = 'postgresql://postgres@127.0.0.1:5432'
const MAIN = path.resolve(__dirname, '../apps/control-plane/src/main.js')

const load = (url: string, headers: Record<string, string>, seconds: number) => loopbackLoad({ url, headers, connections: 50, seconds })

async function json(res: Response) {
  if (!res.ok) throw new Error(`${res.url} → ${res.status}: ${await res.text()}`)
  return res.json() as Promise<any>
}

export async function benchControlPlane(options: { quick: boolean }): Promise<BenchRow[]> {
  const name = `quiver_bench_${randomBytes(4).toString('hex')}`
  const api = spawnNode(MAIN, { DATABASE_URL: `${SERVER}/${name}`, PORT: '0', REDIS_PREFIX: name, LOG_LEVEL: 'info', QUIVER_DATA_DIR: `/tmp/${name}`, RUN_WORKER: 'false' })
  try {
    const { match } = await api.waitFor(/listening on (http:\/\/[^\s"]+)/, 60_000)
    const base = match![1]
    const post = (p: string, body: unknown, token?: string, method = 'POST') =>
      fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then(json)
    const owner = await post('/api/v1/auth/signup', { email: 'owner@bench.example', password: 'bench password 1', name: 'Owner' })
    const member = await post('/api/v1/auth/signup', { email: 'member@bench.example', password: 'bench password 2', name: 'Member' })
    const accountId = owner.account.id
    const client = new pg.Client({ connectionString: `${SERVER}/${name}` })
    await client.connect()
    await client.query(`INSERT INTO "Membership" (id, "accountId", "userId") VALUES (gen_random_uuid(), $1, $2)`, [accountId, member.user.id])
    await client.end()
    const role = await post(`/api/v1/accounts/${accountId}/roles`, { name: 'Viewer', permissions: ['read:clusters'] }, owner.token)
    await post(`/api/v1/accounts/${accountId}/users/${member.user.id}/roles`, { roleIds: [role.id] }, owner.token, 'PUT')
    for (let i = 0; i < 3; i++) await post(`/api/v1/accounts/${accountId}/clusters`, { name: `c${i}` }, owner.token)

    const seconds = options.quick ? 3 : 10
    const runs = options.quick ? 1 : 3
    const listUrl = `${base}/api/v1/accounts/${accountId}/clusters`
    const auth = { authorization: `Bearer ${member.token}` }
    await load(listUrl, auth, 1) // warm-up
    const health: LoadResult[] = []
    const listing: LoadResult[] = []
    for (let i = 0; i < runs; i++) {
      health.push(await load(`${base}/healthz`, {}, seconds))
      listing.push(await load(listUrl, auth, seconds))
    }

    // the very next request after a role change must see it
    const before = await fetch(listUrl, { headers: auth })
    await post(`/api/v1/accounts/${accountId}/roles/${role.id}`, { permissions: ['read:backups'] }, owner.token, 'PATCH')
    const changedAt = performance.now()
    const next = await fetch(listUrl, { headers: auth })
    const seenAfterMs = performance.now() - changedAt

    const healthRps = median(health.map((h) => h.rps))
    return [
      {
        name: 'control plane: GET clusters (member, custom role), 50 conn',
        figure: median(listing.map((l) => l.rps)), unit: 'req/s',
        reference: { name: 'GET /healthz', value: healthRps },
        target: { op: '>=', value: 0.5, on: 'ratio' },
        note: `median of ${runs} × ${seconds} s`,
      },
      {
        name: 'control plane: GET clusters p99',
        figure: median(listing.map((l) => l.p99)), unit: 'ms',
        reference: { name: 'GET /healthz p99', value: median(health.map((h) => h.p99)) },
        target: { op: '<', value: 25, on: 'figure' },
      },
      {
        name: 'control plane: role change seen by the next request',
        figure: before.status === 200 && next.status === 403 ? 1 : 0, unit: 'yes=1',
        target: { op: '>=', value: 1, on: 'figure' },
        note: `next request ${next.status} after ${seenAfterMs.toFixed(1)} ms`,
      },
    ]
  } finally {
    await api.stop()
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}
