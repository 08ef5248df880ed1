// The read side of the points API over one collection's store. `scope` is a filter every read must
// also satisfy (a payload-restricted credential); the caller ANDs it in, these functions obey it.
import { PointNotFound } from '../errors'
import { candidateLabels } from '../filters/candidates'
import { compileFilter } from '../filters/evaluate'
import { andFilters, Filter } from '../filters/filter'
import { comparePointIds, PointId } from './ids'
import type { PointStore } from './point-store'
import { pointView, PointView, scoredView } from './records'
import type { NearestRequest, QueryInput, RetrieveRequest, ScrollRequest } from './requests'
import { searchPoints, SearchOptions } from './search'

export function retrievePoints(store: PointStore, request: RetrieveRequest, scope: Filter | undefined): PointView[] {
  const visible = scope && compileFilter(scope)
  const out: PointView[] = []
  const seen = new Set<PointId>()
  for (const id of request.ids) {
    const label = store.labelOf(id)
    if (label === undefined || seen.has(id) || (visible && !visible(store.payloadAt(label), id))) continue
    seen.add(id)
    out.push(pointView(store, label, request.withPayload, request.withVector))
  }
  return out
}

export function getPoint(store: PointStore, id: PointId, scope: Filter | undefined): PointView {
  const label = store.labelOf(id)
  const visible = scope && compileFilter(scope)
  if (label === undefined || (visible && !visible(store.payloadAt(label), id))) throw new PointNotFound(id)
  return pointView(store, label, { kind: 'all' }, true)
}

export function scrollPoints(store: PointStore, request: ScrollRequest, scope: Filter | undefined): { points: PointView[]; next_page_offset: PointId | null } {
  const filter = andFilters(request.filter, scope)
  const accept = filter && compileFilter(filter)
  const ids = orderedCandidates(store, filter)
  let start = 0
  if (request.offset !== undefined) start = lowerBound(ids, request.offset)
  const points: PointView[] = []
  for (let i = start; i < ids.length; i++) {
    const label = store.labelOf(ids[i])!
    if (accept && !accept(store.payloadAt(label), ids[i])) continue
    if (points.length === request.limit) return { points, next_page_offset: ids[i] }
    points.push(pointView(store, label, request.withPayload, request.withVector))
  }
  return { points, next_page_offset: null }
}

export function countPoints(store: PointStore, filter: Filter | undefined): number {
  if (!filter) return store.count
  const candidates = candidateLabels(filter, store)
  if (candidates?.exact) return candidates.labels.size
  const accept = compileFilter(filter)
  let count = 0
  for (const label of candidates?.labels ?? store.liveLabels()) if (accept(store.payloadAt(label), store.idAt(label)!)) count++
  return count
}

export async function searchNearest(
  store: PointStore,
  vector: ArrayLike<number>,
  request: NearestRequest,
  scope: Filter | undefined,
  options: SearchOptions,
  exclude?: ReadonlySet<PointId>,
): Promise<PointView[]> {
  const { hits } = await searchPoints(store, { ...request, vector, filter: andFilters(request.filter, scope), exclude }, options)
  return hits.map((h) => scoredView(store, h.label, h.score, request.withPayload, request.withVector))
}

export async function queryPoints(store: PointStore, request: NearestRequest & { query: QueryInput }, scope: Filter | undefined, options: SearchOptions): Promise<PointView[]> {
  const { query } = request
  if (query.kind === 'vector') return searchNearest(store, query.vector, request, scope, options)
  if (query.kind === 'point') {
    const label = store.labelOf(query.id)
    const visible = scope && compileFilter(scope)
    if (label === undefined || (visible && !visible(store.payloadAt(label), query.id))) throw new PointNotFound(query.id)
    return searchNearest(store, store.vectors.get(label), request, scope, options, new Set([query.id]))
  }
  // No query: points in id order, as Qdrant answers it, with a score of 0.
  const page = scrollPoints(store, { limit: request.limit + request.offset, filter: request.filter, withPayload: request.withPayload, withVector: request.withVector }, scope)
  return page.points.slice(request.offset).map((p) => ({ id: p.id, version: store.versionAt(store.labelOf(p.id)!), score: 0, ...(p.payload && { payload: p.payload }), ...(p.vector && { vector: p.vector }) }))
}

/** Ids in Qdrant's order that may match `filter`: the index's few candidates, or every id. */
function orderedCandidates(store: PointStore, filter: Filter | undefined): readonly PointId[] {
  const candidates = filter && candidateLabels(filter, store)?.labels
  if (candidates && candidates.size < store.count / 4) return [...candidates].map((l) => store.idAt(l)!).sort(comparePointIds)
  return store.sortedIds()
}

function lowerBound(ids: readonly PointId[], target: PointId): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (comparePointIds(ids[mid], target) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
