// The node benchmark's data: clustered vectors from a fixed seed, queries from the same clusters,
// two integer payload fields with 10% and 1% selectivity, and exact ground truth (cached, it is
// the slow part) for plain and filtered top-10.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { seededRandom } from '../../apps/node/test/support/node-process'

export interface Dataset {
  readonly count: number
  readonly dimension: number
  /** Row-major, normalized (the benchmark uses Cosine). */
  readonly vectors: Float32Array
  readonly queries: Float32Array
  readonly queryCount: number
  /** `bucket10[i] = i % 10` (10% selectivity per value), `bucket100[i] = i % 100` (1%). */
  readonly truth: Int32Array[]
  readonly truth10: Int32Array[]
  readonly truth100: Int32Array[]
}

export const K = 10
const CLUSTERS = 100
const SEED = 20_240_601
const CACHE = path.resolve(__dirname, '../../../bench/.cache')

/** The filter value a query uses: query q asks for bucket q % modulus. */
export const filterValue = (q: number, modulus: number) => q % modulus

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

function clustered(random: () => number, centers: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * CLUSTERS)
    let norm = 0
    for (let d = 0; d < dim; d++) {
      const x = centers[c * dim + d] + 0.35 * gaussian(random)
      out[i * dim + d] = x
      norm += x * x
    }
    const scale = 1 / Math.sqrt(norm)
    for (let d = 0; d < dim; d++) out[i * dim + d] *= scale
  }
  return out
}

export function buildDataset(count: number, dimension: number, queryCount: number, log: (s: string) => void): Dataset {
  const random = seededRandom(SEED)
  const centers = new Float32Array(CLUSTERS * dimension).map(() => random() * 2 - 1)
  const vectors = clustered(random, centers, count, dimension)
  const queries = clustered(random, centers, queryCount, dimension)
  const file = path.join(CACHE, `truth-${count}x${dimension}-q${queryCount}-s${SEED}.json`)
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { truth: number[][]; truth10: number[][]; truth100: number[][] }
    return { count, dimension, vectors, queries, queryCount, truth: cached.truth.map((t) => Int32Array.from(t)), truth10: cached.truth10.map((t) => Int32Array.from(t)), truth100: cached.truth100.map((t) => Int32Array.from(t)) }
  }
  log(`computing exact ground truth for ${queryCount} queries over ${count} vectors (cached in ${path.relative(process.cwd(), file)})`)
  const truth: Int32Array[] = []
  const truth10: Int32Array[] = []
  const truth100: Int32Array[] = []
  for (let q = 0; q < queryCount; q++) {
    const query = queries.subarray(q * dimension, (q + 1) * dimension)
    truth.push(exactTopK(vectors, dimension, query, () => true))
    const v10 = filterValue(q, 10)
    const v100 = filterValue(q, 100)
    truth10.push(exactTopK(vectors, dimension, query, (i) => i % 10 === v10))
    truth100.push(exactTopK(vectors, dimension, query, (i) => i % 100 === v100))
  }
  mkdirSync(CACHE, { recursive: true })
  writeFileSync(file, JSON.stringify({ truth: truth.map((t) => [...t]), truth10: truth10.map((t) => [...t]), truth100: truth100.map((t) => [...t]) }))
  return { count, dimension, vectors, queries, queryCount, truth, truth10, truth100 }
}

function exactTopK(vectors: Float32Array, dim: number, query: Float32Array, accept: (i: number) => boolean): Int32Array {
  const ids = new Int32Array(K).fill(-1)
  const scores = new Float64Array(K).fill(-Infinity)
  const n = vectors.length / dim
  for (let i = 0; i < n; i++) {
    if (!accept(i)) continue
    let dot = 0
    const base = i * dim
    for (let d = 0; d < dim; d++) dot += vectors[base + d] * query[d]
    if (dot <= scores[K - 1]) continue
    let j = K - 1
    while (j > 0 && scores[j - 1] < dot) {
      scores[j] = scores[j - 1]
      ids[j] = ids[j - 1]
      j--
    }
    scores[j] = dot
    ids[j] = i
  }
  return ids
}

export function recallAtK(found: ArrayLike<number>[], truth: Int32Array[]): number {
  let hits = 0
  let total = 0
  found.forEach((ids, q) => {
    const expected = new Set(truth[q])
    total += truth[q].length
    for (let i = 0; i < Math.min(ids.length, K); i++) if (expected.has(ids[i])) hits++
  })
  return hits / total
}

export function row(vectors: Float32Array, dim: number, i: number): number[] {
  return Array.from(vectors.subarray(i * dim, (i + 1) * dim))
}
