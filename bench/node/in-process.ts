// The reference side: hnswlib-node used directly in this process, with the node's own parameters,
// and the measurement of where exact scoring of filter candidates beats hnswlib's filter callback.
import { HierarchicalNSW } from 'hnswlib-node'
import { exactTopK } from '../../apps/node/src/index/exact-search'
import { VectorStore } from '../../apps/node/src/index/vector-store'
import { Dataset, filterValue, K, recallAtK, row } from './dataset'

export interface InProcessFigures {
  readonly qps: number
  readonly recall: number
  readonly filtered: Record<'10' | '100', { qps: number; recall: number }>
}

export interface CrossOverPoint {
  readonly candidates: number
  readonly graphMs: number
  readonly exactMs: number
}

export function buildIndex(ds: Dataset, m: number, efConstruction: number): { index: HierarchicalNSW; addRate: number } {
  const rows = Array.from({ length: ds.count }, (_, i) => row(ds.vectors, ds.dimension, i))
  const index = new HierarchicalNSW('ip', ds.dimension)
  index.initIndex(ds.count, m, efConstruction, 100)
  const started = performance.now()
  for (let i = 0; i < ds.count; i++) index.addPoint(rows[i], i)
  return { index, addRate: ds.count / ((performance.now() - started) / 1000) }
}

/** Queries per second of `search` over the query set, for about `seconds`. */
export function measureQps(queryCount: number, seconds: number, search: (q: number) => void): number {
  let done = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  while (performance.now() < deadline) {
    for (let q = 0; q < queryCount && performance.now() < deadline; q++) {
      search(q)
      done++
    }
  }
  return done / ((performance.now() - started) / 1000)
}

export function inProcessFigures(ds: Dataset, index: HierarchicalNSW, ef: number, seconds: number): InProcessFigures {
  const queries = Array.from({ length: ds.queryCount }, (_, q) => row(ds.queries, ds.dimension, q))
  index.setEf(ef)
  const found = queries.map((q) => index.searchKnn(q, K).neighbors)
  const qps = measureQps(queries.length, seconds, (q) => index.searchKnn(queries[q], K))
  const filtered = (modulus: number, truth: Int32Array[]) => {
    const accept = (q: number) => {
      const v = filterValue(q, modulus)
      return (label: number) => label % modulus === v
    }
    const hits = queries.map((query, q) => index.searchKnn(query, K, accept(q)).neighbors)
    return { qps: measureQps(queries.length, seconds, (q) => index.searchKnn(queries[q], K, accept(q))), recall: recallAtK(hits, truth) }
  }
  return { qps, recall: recallAtK(found, ds.truth), filtered: { '10': filtered(10, ds.truth10), '100': filtered(100, ds.truth100) } }
}

/**
 * For a growing number of filter candidates: the time of hnswlib's filtered search (callback) and
 * of scoring every candidate exactly, as the node's planner does. The cross-over is where they meet.
 */
export function crossOver(ds: Dataset, index: HierarchicalNSW, ef: number, queriesPerPoint = 40): CrossOverPoint[] {
  index.setEf(ef)
  const vectors = new VectorStore(ds.dimension)
  for (let i = 0; i < ds.count; i++) vectors.set(i, ds.vectors.subarray(i * ds.dimension, (i + 1) * ds.dimension))
  const points: CrossOverPoint[] = []
  for (const candidates of [250, 500, 1000, 2000, 4000, 8000, 16_000, 32_000]) {
    if (candidates > ds.count / 2) break
    const modulus = Math.round(ds.count / candidates)
    const labels = Int32Array.from({ length: Math.floor(ds.count / modulus) }, (_, i) => i * modulus)
    let graph = 0
    let exact = 0
    for (let q = 0; q < queriesPerPoint; q++) {
      const query = row(ds.queries, ds.dimension, q % ds.queryCount)
      const t0 = performance.now()
      index.searchKnn(query, K, (label) => label % modulus === 0)
      const t1 = performance.now()
      exactTopK('Cosine', vectors, Float32Array.from(query), labels, K)
      exact += performance.now() - t1
      graph += t1 - t0
    }
    points.push({ candidates: labels.length, graphMs: graph / queriesPerPoint, exactMs: exact / queriesPerPoint })
  }
  return points
}
