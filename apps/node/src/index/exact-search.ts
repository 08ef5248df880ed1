import { Distance, exactScore, ranksBefore } from './distance'
import type { VectorStore } from './vector-store'

export interface Hit {
  readonly label: number
  readonly score: number
}

/** The k best of `labels` by exact score against the stored vectors, best first; `accept` can skip labels. */
export function exactTopK(distance: Distance, vectors: VectorStore, query: Float32Array, labels: Iterable<number>, k: number, accept?: (label: number) => boolean): Hit[] {
  const top: Hit[] = []
  if (k <= 0) return top
  for (const label of labels) {
    if (accept && !accept(label)) continue
    const score = exactScore(distance, query, vectors.blockOf(label), vectors.offsetOf(label))
    if (top.length === k && !ranksBefore(distance, score, top[k - 1].score)) continue
    let i = top.length === k ? k - 1 : top.length
    while (i > 0 && ranksBefore(distance, score, top[i - 1].score)) {
      top[i] = top[i - 1]
      i--
    }
    top[i] = { label, score }
  }
  return top
}
