// Distances as Qdrant reports them. Cosine vectors are stored normalized (Qdrant does the same and
// returns the normalized vector), so Cosine and Dot both score with a dot product; Euclid scores
// with the distance itself (smaller is better), not its square.
import type { SpaceName } from 'hnswlib-node'

export const DISTANCES = ['Cosine', 'Dot', 'Euclid'] as const
export type Distance = (typeof DISTANCES)[number]

export function hnswSpace(distance: Distance): SpaceName {
  return distance === 'Euclid' ? 'l2' : 'ip'
}

/** The vector as stored and indexed: normalized for Cosine (a zero vector stays zero). */
export function prepareVector(distance: Distance, vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector)
  if (distance !== 'Cosine') return out
  let norm = 0
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i]
  if (norm === 0) return out
  const scale = 1 / Math.sqrt(norm)
  for (let i = 0; i < out.length; i++) out[i] *= scale
  return out
}

/** hnswlib's distance (`1 - dot` for ip, squared L2 for l2) as Qdrant's score. */
export function scoreFromHnsw(distance: Distance, d: number): number {
  return distance === 'Euclid' ? Math.sqrt(Math.max(0, d)) : 1 - d
}

/** The score for `query` of the stored vector that starts at `base` in `data`. */
export function exactScore(distance: Distance, query: Float32Array, data: Float32Array, base: number): number {
  const dim = query.length
  if (distance === 'Euclid') {
    let sum = 0
    for (let i = 0; i < dim; i++) {
      const diff = query[i] - data[base + i]
      sum += diff * diff
    }
    return Math.sqrt(sum)
  }
  let dot = 0
  for (let i = 0; i < dim; i++) dot += query[i] * data[base + i]
  return dot
}

/** Whether `a` ranks before `b`. */
export function ranksBefore(distance: Distance, a: number, b: number): boolean {
  return distance === 'Euclid' ? a < b : a > b
}

/** Qdrant's `score_threshold`: a minimum similarity, or for Euclid a maximum distance. */
export function meetsThreshold(distance: Distance, score: number, threshold: number | undefined): boolean {
  if (threshold === undefined) return true
  return distance === 'Euclid' ? score <= threshold : score >= threshold
}
