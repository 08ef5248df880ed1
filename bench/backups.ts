// Backups: a whole control plane (API and worker) and a real node, one collection of N×128 vectors;
// the time from POST .../backups to SUCCEEDED and from POST .../restore to a HEALTHY cluster with
// the collection back, against copying the same bytes from file to file (copy + fsync, as the store does).
import { randomBytes } from 'node:crypto'
import { copyFile, open, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { LocalProvisioner } from '@quiver/provisioner'
import { seededRandom } from '../apps/node/test/support/node-process'
import { BenchRow, median } from './lib/report'
import { clearRedisPrefix, spawnNode } from '../test/support/processes'

const SERVER = 'postgresql://postgres@127.0.0.1:5432'
const MAIN = path.resolve(__dirname, '../apps/control-plane/src/main.js')
const DIMENSION = 128
const COLLECTION = 'bench'

async function call(base: string, method: string, p: string, body?: unknown, token?: string): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`)
    await sleep(25)
  }
}

/** N seeded vectors into the node, 500 per request, 4 requests at a time. */
async function ingest(url: string, token: string, count: number): Promise<void> {
  await call(url, 'PUT', `/collections/${COLLECTION}`, { vectors: { size: DIMENSION, distance: 'Cosine' } }, token)
  const random = seededRandom(20_261_122)
  const batches: string[] = []
  for (let start = 0; start < count; start += 500) {
    const points = Array.from({ length: Math.min(500, count - start) }, (_, k) => ({
      id: start + k,
      vector: Array.from({ length: DIMENSION }, () => random() * 2 - 1),
      payload: { n: start + k, bucket: (start + k) % 100 },
    }))
    batches.push(JSON.stringify({ points }))
  }
  let next = 0
  const uploader = async () => {
    while (next < batches.length) {
      const body = batches[next++]
      const res = await fetch(`${url}/collections/${COLLECTION}/points?wait=true`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })
      if (!res.ok) throw new Error(`upsert: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: 4 }, uploader))
}

/** Copies the file and syncs the copy: what the store must do at the least for the same bytes. */
async function rawCopyMs(source: string, target: string): Promise<number> {
  const started = performance.now()
  await copyFile(source, target)
  const handle = await open(target, 'r')
  await handle.sync()
  await handle.close()
  const ms = performance.now() - started
  await rm(target)
  return ms
}

export async function benchBackups(options: { quick: boolean }): Promise<BenchRow[]> {
  const count = options.quick ? 5_000 : 100_000
  const runs = options.quick ? 1 : 3
  const name = `quiver_bench_${randomBytes(4).toString('hex')}`
  const dataDir = `/tmp/${name}`
  const api = spawnNode(MAIN, { DATABASE_URL: `${SERVER}/${name}`, PORT: '0', REDIS_PREFIX: name, LOG_LEVEL: 'info', QUIVER_DATA_DIR: dataDir, BACKUP_RETENTION_INTERVAL_MS: '3600000' })
  try {
    const { match } = await api.waitFor(/listening on (http:\/\/[^\s"]+)/, 60_000)
    const base = match![1]
    const owner = await call(base, 'POST', '/api/v1/auth/signup', { email: 'owner@bench.example', password: 'bench password 1', name: 'Owner' })
    const account = `/api/v1/accounts/${owner.account.id}`
    const created = await call(base, 'POST', `${account}/clusters`, { name: 'backups' }, owner.token)
    const cluster = await until(() => call(base, 'GET', `${account}/clusters/${created.id}`, undefined, owner.token), (c) => c.status === 'HEALTHY', 60_000)
    const manage = await call(base, 'POST', `${account}/clusters/${cluster.id}/data-access-token`, { access: 'm' }, owner.token)
    await ingest(cluster.endpoint.url, manage.token, count)

    const backups: number[] = []
    const restores: number[] = []
    const copies: number[] = []
    let sizeBytes = 0
    for (let run = 0; run < runs; run++) {
      let started = performance.now()
      const requested = await call(base, 'POST', `${account}/clusters/${cluster.id}/backups`, {}, owner.token)
      const backup = await until(() => call(base, 'GET', `${account}/backups/${requested.id}`, undefined, owner.token), (b) => b.status === 'SUCCEEDED' || b.status === 'FAILED')
      if (backup.status !== 'SUCCEEDED') throw new Error(`backup failed: ${backup.statusReason}`)
      backups.push(performance.now() - started)
      sizeBytes = backup.sizeBytes

      const stored = path.join(dataDir, 'backups', owner.account.id, backup.id, 'node-0', `${COLLECTION}.snapshot`)
      if ((await stat(stored)).size !== sizeBytes) throw new Error('the stored file is not the size the backup reports')
      copies.push(await rawCopyMs(stored, `${stored}.copy`))

      await call(cluster.endpoint.url, 'DELETE', `/collections/${COLLECTION}`, undefined, manage.token)
      started = performance.now()
      const restoring = await call(base, 'POST', `${account}/backups/${backup.id}/restore`, {}, owner.token)
      const restored = await until(() => call(base, 'GET', `${account}/backups/${backup.id}`, undefined, owner.token), (b) => b.lastRestore?.id === restoring.lastRestore.id && ['SUCCEEDED', 'FAILED'].includes(b.lastRestore.status))
      if (restored.lastRestore.status !== 'SUCCEEDED') throw new Error(`restore failed: ${restored.lastRestore.statusReason}`)
      await until(() => call(base, 'GET', `${account}/clusters/${cluster.id}`, undefined, owner.token), (c) => c.status === 'HEALTHY')
      restores.push(performance.now() - started)
      const counted = await call(cluster.endpoint.url, 'POST', `/collections/${COLLECTION}/points/count`, { exact: true }, manage.token)
      if (counted.result.count !== count) throw new Error(`restored ${counted.result.count} of ${count} points`)
    }

    const mb = (sizeBytes / 2 ** 20).toFixed(0)
    const note = `${count.toLocaleString('en')}×${DIMENSION}, ${mb} MiB stored, median of ${runs}`
    return [
      {
        name: `backups: back up one ${count / 1000}k×${DIMENSION} collection (POST to SUCCEEDED)`,
        figure: median(backups), unit: 'ms',
        reference: { name: 'raw copy + fsync of the same bytes', value: median(copies) },
        note: `${note}; snapshot on the node, HTTP transfer, sha256 on both sides, fsync`,
      },
      {
        name: `backups: restore it into its cluster (POST to HEALTHY)`,
        figure: median(restores), unit: 'ms',
        reference: { name: 'raw copy + fsync of the same bytes', value: median(copies) },
        note: `${note}; verify, upload, node check and reload of the HNSW index`,
      },
    ]
  } finally {
    await api.stop()
    await new LocalProvisioner(dataDir).removeOrphans(new Set())
    await rm(dataDir, { recursive: true, force: true })
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
    await clearRedisPrefix(name)
  }
}
