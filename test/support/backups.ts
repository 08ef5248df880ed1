// Backups through the API, and a complete picture of a cluster's data to compare before and after.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { QdrantClient } from '@qdrant/js-client-rest'
import type { Queue } from 'bullmq'
import { HttpClient } from './http'
import { TestUser } from './users'

export const backupsPath = (owner: TestUser, backupId = '') => `/api/v1/accounts/${owner.accountId}/backups${backupId ? `/${backupId}` : ''}`
export const schedulesPath = (owner: TestUser, scheduleId = '') => `/api/v1/accounts/${owner.accountId}/backup-schedules${scheduleId ? `/${scheduleId}` : ''}`
export const clusterBackupsPath = (owner: TestUser, clusterId: string) => `/api/v1/accounts/${owner.accountId}/clusters/${clusterId}/backups`

/** Polls the backup until `done` holds for it. */
export async function waitForBackup(http: HttpClient, owner: TestUser, backupId: string, done: (backup: any) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await http.get(backupsPath(owner, backupId), { token: owner.token })
    if (last.status === 200 && done(last.body)) return last.body
    await sleep(100)
  }
  throw new Error(`the backup never got there: ${JSON.stringify(last?.body)}`)
}

export async function backUp(http: HttpClient, owner: TestUser, clusterId: string, body?: Record<string, unknown>) {
  const res = await http.post(clusterBackupsPath(owner, clusterId), body, { token: owner.token })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  assert.equal(res.body.status, 'PENDING')
  const done = await waitForBackup(http, owner, res.body.id, (b) => b.status === 'SUCCEEDED' || b.status === 'FAILED')
  assert.equal(done.status, 'SUCCEEDED', done.statusReason)
  return done
}

export async function restoreBackup(http: HttpClient, owner: TestUser, backupId: string, body?: Record<string, unknown>) {
  const res = await http.post(`${backupsPath(owner, backupId)}/restore`, body, { token: owner.token })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  assert.equal(res.body.lastRestore.status, 'PENDING')
  const restoreId = res.body.lastRestore.id
  const done = await waitForBackup(http, owner, backupId, (b) => b.lastRestore?.id === restoreId && ['SUCCEEDED', 'FAILED'].includes(b.lastRestore.status))
  return done.lastRestore as { id: string; status: string; statusReason: string | null; clusterId: string }
}

/** Flips one bit in the middle of a stored file, as a failing disk would. */
export function damageFile(file: string): void {
  const bytes = readFileSync(file)
  bytes[Math.floor(bytes.length / 2)] ^= 0x01
  writeFileSync(file, bytes)
}

/** Runs a backup schedule's next occurrence now: its scheduler's own delayed job (id repeat:<scheduler>:<time>), promoted. */
export async function fireScheduleOccurrence(queue: Queue, scheduleId: string): Promise<string> {
  const scheduler = await queue.getJobScheduler(`backup-schedule:${scheduleId}`)
  assert.ok(scheduler?.next, 'the scheduler exists')
  const jobId = `repeat:backup-schedule:${scheduleId}:${scheduler.next}`
  const job = await queue.getJob(jobId)
  assert.equal(await job?.getState(), 'delayed')
  await job!.promote()
  return jobId
}

/** Every collection's settings and every point (id, vector, payload), in a stable order. */
export async function clusterData(client: QdrantClient) {
  const { collections } = await client.getCollections()
  const data: Record<string, unknown> = {}
  for (const { name } of collections.sort((a, b) => a.name.localeCompare(b.name))) {
    const info = await client.getCollection(name)
    const { points } = await client.scroll(name, { limit: 100_000, with_payload: true, with_vector: true })
    data[name] = {
      config: info.config.params,
      payloadSchema: info.payload_schema,
      points: points.map((p) => ({ id: p.id, vector: p.vector, payload: p.payload })).sort((a, b) => String(a.id).localeCompare(String(b.id))),
    }
  }
  return data
}

/** Collections of different metrics, id kinds and payload shapes. */
export async function seedCollections(client: QdrantClient, scale = 1) {
  await client.createCollection('products', { vectors: { size: 8, distance: 'Cosine' } })
  await client.upsert('products', {
    wait: true,
    points: Array.from({ length: 400 * scale }, (_, i) => ({
      id: i + 1,
      vector: Array.from({ length: 8 }, (_, d) => Math.sin(i * 7 + d) + 0.01),
      payload: { tag: `t${i % 5}`, price: i * 1.25, stock: { warehouse: i % 3, tags: [`a${i % 2}`, 'b'] }, title: `Product ${i} — ünïcode` },
    })),
  })
  await client.createPayloadIndex('products', { field_name: 'tag', field_schema: 'keyword', wait: true })
  await client.createCollection('users', { vectors: { size: 4, distance: 'Dot' } })
  await client.upsert('users', {
    wait: true,
    points: Array.from({ length: 150 * scale }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      vector: [i / 10, -i / 7, 0.5, i % 2],
      payload: { email: `u${i}@example.com`, active: i % 2 === 0, score: null },
    })),
  })
  await client.createCollection('events', { vectors: { size: 3, distance: 'Euclid' } })
  await client.upsert('events', { wait: true, points: Array.from({ length: 250 * scale }, (_, i) => ({ id: 10_000 + i, vector: [i, i / 2, -i], payload: {} })) })
}
