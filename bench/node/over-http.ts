// The node side: a real node process on loopback, loaded through HTTP the way a Qdrant client does.
import { readFileSync } from 'node:fs'
import { NodeProcess } from '../../apps/node/test/support/node-process'
import { loopbackLoad, LoadResult } from '../lib/load'
import { Dataset, filterValue, K, recallAtK, row } from './dataset'

export const COLLECTION = 'bench'
const BATCH = 100

async function request(node: NodeProcess, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(node.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  const json = (await res.json()) as { result?: unknown; status: unknown }
  if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json.status)}`)
  return json.result
}

/**
 * Creates the collection with payload indexes and uploads every vector with wait=true in batches of
 * 100: points per second, and the node's RSS (MB) with the collection still empty.
 */
export async function ingest(node: NodeProcess, ds: Dataset, m: number, efConstruction: number, connections: number): Promise<{ rate: number; rssEmpty: number }> {
  await request(node, 'PUT', `/collections/${COLLECTION}`, { vectors: { size: ds.dimension, distance: 'Cosine' }, hnsw_config: { m, ef_construct: efConstruction } })
  for (const field of ['bucket10', 'bucket100']) await request(node, 'PUT', `/collections/${COLLECTION}/index?wait=true`, { field_name: field, field_schema: 'integer' })
  const rssEmpty = rssMegabytes(node.child.pid!)
  const batches = Array.from({ length: Math.ceil(ds.count / BATCH) }, (_, b) => b)
  const bodies = batches.map((b) => {
    const ids = Array.from({ length: Math.min(BATCH, ds.count - b * BATCH) }, (_, k) => b * BATCH + k)
    return JSON.stringify({ points: ids.map((id) => ({ id, vector: row(ds.vectors, ds.dimension, id), payload: { bucket10: id % 10, bucket100: id % 100 } })) })
  })
  let next = 0
  const started = performance.now()
  const uploader = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]
      const res = await fetch(`${node.url}/collections/${COLLECTION}/points?wait=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body })
      if (res.status !== 200) throw new Error(`upsert: HTTP ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: connections }, uploader))
  return { rate: ds.count / ((performance.now() - started) / 1000), rssEmpty }
}

export function searchBody(ds: Dataset, q: number, ef: number, modulus?: number): Record<string, unknown> {
  return {
    vector: row(ds.queries, ds.dimension, q),
    limit: K,
    params: { hnsw_ef: ef },
    ...(modulus !== undefined && { filter: { must: [{ key: `bucket${modulus}`, match: { value: filterValue(q, modulus) } }] } }),
  }
}

/** Recall@10 of one sequential pass over the queries. */
export async function httpRecall(node: NodeProcess, ds: Dataset, ef: number, truth: Int32Array[], modulus?: number): Promise<number> {
  const found: number[][] = []
  for (let q = 0; q < ds.queryCount; q++) {
    const hits = (await request(node, 'POST', `/collections/${COLLECTION}/points/search`, searchBody(ds, q, ef, modulus))) as { id: number }[]
    found.push(hits.map((h) => h.id))
  }
  return recallAtK(found, truth)
}

/** Search load at `connections` over the rotating query bodies (optionally filtered). */
export function httpLoad(node: NodeProcess, ds: Dataset, ef: number, seconds: number, connections: number, modulus?: number): Promise<LoadResult> {
  return searchLoad(node, Array.from({ length: ds.queryCount }, (_, q) => searchBody(ds, q, ef, modulus)), { seconds, connections })
}

/** Search load with these request bodies, sent in turn, and extra headers (a credential). */
export function searchLoad(node: NodeProcess, bodies: unknown[], options: { seconds: number; connections: number; headers?: Record<string, string> }): Promise<LoadResult> {
  return loopbackLoad({
    url: `${node.url}/collections/${COLLECTION}/points/search`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    bodies: bodies.map((body) => JSON.stringify(body)),
    connections: options.connections,
    seconds: options.seconds,
  })
}

/**
 * The worst latency of back-to-back searches while the node writes a checkpoint and a snapshot of
 * the loaded collection (made dirty first), next to the worst over the same time without one.
 */
export async function checkpointStall(node: NodeProcess, ds: Dataset, ef: number): Promise<{ worstDuring: number; worstQuiet: number; snapshotMs: number }> {
  const searchLoop = async (until: () => boolean) => {
    let worst = 0
    for (let q = 0; !until(); q = (q + 1) % ds.queryCount) {
      const t = performance.now()
      await request(node, 'POST', `/collections/${COLLECTION}/points/search`, searchBody(ds, q, ef))
      worst = Math.max(worst, performance.now() - t)
    }
    return worst
  }
  await request(node, 'PUT', `/collections/${COLLECTION}/points?wait=true`, { points: [{ id: 0, vector: row(ds.vectors, ds.dimension, 0), payload: { bucket10: 0, bucket100: 0 } }] })
  let done = false
  const started = performance.now()
  const snapshot = request(node, 'POST', `/collections/${COLLECTION}/snapshots`).finally(() => (done = true))
  const [worstDuring] = await Promise.all([searchLoop(() => done), snapshot])
  const snapshotMs = performance.now() - started
  const quietUntil = performance.now() + snapshotMs
  const worstQuiet = await searchLoop(() => performance.now() > quietUntil)
  return { worstDuring, worstQuiet, snapshotMs }
}

export function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return kb / 1024
}
