// Nearest-neighbour search with a plan per request:
//  - exact scoring of every point when asked (`params.exact`) or when the collection is small;
//  - exact scoring of the filter's candidates when the payload index (or a sample, for keys without
//    an index) says they are few: below the cross-over, scoring them all beats walking the graph
//    with a filter callback. bench/node-search.ts measures it: at dim 128 it sits near 1,000
//    candidates of 10k points and 3,000 of 100k, i.e. about 10·√N (exact cost grows with the
//    candidates, the callback's with 1/selectivity);
//  - otherwise the HNSW graph on the index thread, with the filter's matches as an allow-list.
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
  /** Collections up to this many points are always scored exactly (Qdrant's full_scan_threshold). */
  readonly fullScanPoints: number
  readonly defaultEf: number
}

const CROSS_OVER_FACTOR = 10
const SAMPLE_SIZE = 256

/** Filter candidates up to which exact scoring is faster than hnswlib's filtered search. */
export function exactCandidateLimit(pointCount: number, fullScanPoints: number): number {
  return Math.max(fullScanPoints, Math.round(CROSS_OVER_FACTOR * Math.sqrt(pointCount)))
}

interface Plan {
  readonly plan: SearchPlan
  readonly labels?: Iterable<number>
  readonly candidates?: ReadonlySet<number>
  /** What is left to check per point (undefined: every candidate matches). */
  readonly check?: PointPredicate
  /** The whole condition, checked again on the graph's hits (their points may change during the walk). */
  readonly verify?: PointPredicate
}

export async function searchPoints(store: PointStore, request: SearchRequest, options: SearchOptions): Promise<{ hits: Hit[]; plan: SearchPlan }> {
  const distance = store.space.distance
  const query = prepareVector(distance, request.vector)
  const k = request.limit + request.offset
  const { plan, labels, candidates, check, verify } = choosePlan(store, request, options)
  const accept = check && ((label: number) => check(store.payloadAt(label), store.idAt(label)!))

  let hits: Hit[]
  if (plan === 'exact-all' || plan === 'exact-candidates') {
    hits = exactTopK(distance, store.vectors, query, labels ?? store.liveLabels(), k, accept)
  } else {
    const allow = candidates || accept ? allowedLabels(store, candidates, accept) : undefined
    const deletions = store.deletionCount
    const found = await store.index.search(query, k, request.hnswEf ?? options.defaultEf, allow)
    // The walk ran on the index thread while this one went on: a point deleted meanwhile is left out,
    // and one whose payload changed meanwhile must still match (a payload restriction is a filter).
    hits = found.filter(({ label }) => {
      const id = store.idAt(label)
      return id !== undefined && !store.freedSince(label, deletions) && (!verify || verify(store.payloadAt(label), id))
    })
  }
  const threshold = request.scoreThreshold
  return { hits: hits.filter((h) => meetsThreshold(distance, h.score, threshold)).slice(request.offset, k), plan }
}

/** One byte per label, 1 where a filtered graph walk may stop: the candidates, or the live points, that pass `accept`. */
function allowedLabels(store: PointStore, candidates: ReadonlySet<number> | undefined, accept: ((label: number) => boolean) | undefined): Uint8Array {
  const allow = new Uint8Array(store.labelCount)
  for (const label of candidates ?? store.liveLabels()) if (!accept || accept(label)) allow[label] = 1
  return allow
}

function choosePlan(store: PointStore, request: SearchRequest, options: SearchOptions): Plan {
  const exclude = request.exclude && request.exclude.size > 0 ? request.exclude : undefined
  const notExcluded: PointPredicate | undefined = exclude && ((_payload, id) => !exclude.has(id))
  const filter = request.filter && compileFilter(request.filter)
  const predicate: PointPredicate | undefined = filter && notExcluded ? (payload, id) => notExcluded(payload, id) && filter(payload, id) : (filter ?? notExcluded)
  if (request.exact || store.count <= options.fullScanPoints) return { plan: 'exact-all', check: predicate }
  if (!request.filter || !filter) return { plan: predicate ? 'hnsw-filtered' : 'hnsw', check: predicate, verify: predicate }
  const limit = exactCandidateLimit(store.count, options.fullScanPoints)
  const indexed = candidateLabels(request.filter, store)
  if (indexed) {
    const check = indexed.exact ? notExcluded : predicate
    if (indexed.labels.size <= limit) return { plan: 'exact-candidates', labels: indexed.labels, check }
    return { plan: 'hnsw-filtered', candidates: indexed.labels, check, verify: predicate }
  }
  // No index to ask: estimate the matches from a sample, and if they are few, find them all by scan.
  if (estimateMatches(store, predicate!) <= limit / 2) {
    const matching: number[] = []
    for (const label of store.liveLabels()) if (predicate!(store.payloadAt(label), store.idAt(label)!)) matching.push(label)
    return { plan: 'exact-candidates', labels: matching }
  }
  return { plan: 'hnsw-filtered', check: predicate, verify: predicate }
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
