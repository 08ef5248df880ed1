// Nearest-neighbour search with a plan per request:
//  - exact scoring of every point when asked (`params.exact`) or when the collection is small;
//  - exact scoring of the filter's candidates when the payload index (or a sample, for keys without
//    an index) says they are few: below the cross-over, scoring them all beats walking the graph
//    (see bench/node-search.ts, which measures it);
//  - otherwise the HNSW graph, with the filter as hnswlib's accept callback.
import { candidateLabels } from '../filters/candidates'
import { compileFilter, PointPredicate } from '../filters/evaluate'
import type { Filter } from '../filters/filter'
import { meetsThreshold, prepareVector } from '../index/distance'
import { exactTopK, Hit } from '../index/exact-search'
import type { PointId } from './ids'
import type { PointStore } from './point-store'

export interface SearchRequest {
  readonly vector: ArrayLike<number>
  readonly filter?: Filter
  readonly limit: number
  readonly offset: number
  readonly scoreThreshold?: number
  readonly hnswEf?: number
  readonly exact?: boolean
  /** Ids never returned (a query by point id leaves out that point). */
  readonly exclude?: ReadonlySet<PointId>
}

export type SearchPlan = 'exact-all' | 'exact-candidates' | 'hnsw' | 'hnsw-filtered'

export interface SearchOptions {
  /** Candidates up to which exact scoring is used instead of the graph. */
  readonly exactScanMaxPoints: number
  readonly defaultEf: number
}

const SAMPLE_SIZE = 256

export function searchPoints(store: PointStore, request: SearchRequest, options: SearchOptions): { hits: Hit[]; plan: SearchPlan } {
  const distance = store.space.distance
  const query = prepareVector(distance, request.vector)
  const k = request.limit + request.offset
  const predicate = combinedPredicate(request)
  const { plan, candidates } = choosePlan(store, request, predicate, options)

  let hits: Hit[]
  if (plan === 'exact-all' || plan === 'exact-candidates') {
    const labels = candidates ?? store.liveLabels()
    const accept = predicate && ((label: number) => predicate(store.payloadAt(label), store.idAt(label)!))
    hits = exactTopK(distance, store.vectors.rows, query, labels, k, accept)
  } else {
    const accept = predicate && acceptLabel(store, predicate, candidates)
    hits = store.index.search(Array.from(query), k, request.hnswEf ?? options.defaultEf, accept)
  }
  const threshold = request.scoreThreshold
  return { hits: hits.filter((h) => meetsThreshold(distance, h.score, threshold)).slice(request.offset, k), plan }
}

function combinedPredicate(request: SearchRequest): PointPredicate | undefined {
  const filter = request.filter && compileFilter(request.filter)
  const exclude = request.exclude && request.exclude.size > 0 ? request.exclude : undefined
  if (!exclude) return filter
  return (payload, id) => !exclude.has(id) && (!filter || filter(payload, id))
}

function choosePlan(
  store: PointStore,
  request: SearchRequest,
  predicate: PointPredicate | undefined,
  options: SearchOptions,
): { plan: SearchPlan; candidates?: Iterable<number> & { size?: number } } {
  if (request.exact || store.count <= options.exactScanMaxPoints) return { plan: 'exact-all' }
  if (!request.filter || !predicate) return { plan: predicate ? 'hnsw-filtered' : 'hnsw' }
  const indexed = candidateLabels(request.filter, store)
  if (indexed) {
    return indexed.size <= options.exactScanMaxPoints ? { plan: 'exact-candidates', candidates: indexed } : { plan: 'hnsw-filtered', candidates: indexed }
  }
  // No index to ask: estimate the matches from a sample, and if they are few, find them all by scan.
  const estimate = estimateMatches(store, predicate)
  if (estimate <= options.exactScanMaxPoints / 2) {
    const matching: number[] = []
    for (const label of store.liveLabels()) if (predicate(store.payloadAt(label), store.idAt(label)!)) matching.push(label)
    return { plan: 'exact-candidates', candidates: matching }
  }
  return { plan: 'hnsw-filtered' }
}

function estimateMatches(store: PointStore, predicate: PointPredicate): number {
  const step = Math.max(1, Math.floor(store.labelCount / SAMPLE_SIZE))
  let seen = 0
  let matched = 0
  for (let label = 0; label < store.labelCount; label += step) {
    const id = store.idAt(label)
    if (id === undefined) continue
    seen++
    if (predicate(store.payloadAt(label), id)) matched++
  }
  return seen === 0 ? 0 : (matched / seen) * store.count
}

function acceptLabel(store: PointStore, predicate: PointPredicate, candidates: Iterable<number> | undefined): (label: number) => boolean {
  if (candidates instanceof Set) return (label) => candidates.has(label) && predicate(store.payloadAt(label), store.idAt(label)!)
  return (label) => predicate(store.payloadAt(label), store.idAt(label)!)
}
