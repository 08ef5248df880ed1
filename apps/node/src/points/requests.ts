// Request bodies of the points API, checked against the collection and turned into operations
// (writes) or typed requests (reads). Every failure names the field.
import { InvalidRequest, WrongInput } from '../errors'
import { Filter, parseFilter } from '../filters/filter'
import type { Operation, PointSelector, UpsertPoint } from '../storage/operations'
import { asObject, bodyObject, JsonObject, optional, readBoolean, readInteger, readNumber, readString, readStringList, readVector, refuseUnsupported } from '../validation'
import { describeType, parsePointId, parsePointIds, PointId } from './ids'
import type { Payload } from './point-store'
import { parseWithPayload, parseWithVector, PayloadSelector } from './records'

export const MAX_LIMIT = 100_000

export function parseUpsert(body: unknown, dimension: number): Extract<Operation, { type: 'upsert' }> {
  const obj = bodyObject(body)
  if (obj.points !== undefined) {
    if (!Array.isArray(obj.points)) throw new InvalidRequest('JSON body', `points: expected an array of points, got ${describeType(obj.points)}`)
    return { type: 'upsert', points: obj.points.map((p, i) => parseUpsertPoint(p, `points[${i}]`, dimension)) }
  }
  if (obj.batch !== undefined) return { type: 'upsert', points: parseBatch(asObject(obj.batch, 'batch'), dimension) }
  throw new InvalidRequest('JSON body', 'expected `points` (a list of points) or `batch` ({ids, vectors, payloads})')
}

function parseUpsertPoint(value: unknown, field: string, dimension: number): UpsertPoint {
  const obj = asObject(value, field)
  if (obj.id === undefined) throw new InvalidRequest('JSON body', `${field}.id: missing field \`id\``)
  if (obj.vector === undefined) throw new InvalidRequest('JSON body', `${field}.vector: missing field \`vector\``)
  return { id: parsePointId(obj.id, `${field}.id`), vector: readVector(unnamed(obj.vector), `${field}.vector`, dimension), payload: parsePayload(obj.payload, `${field}.payload`) }
}

function parseBatch(batch: JsonObject, dimension: number): UpsertPoint[] {
  const ids = parsePointIds(batch.ids, 'batch.ids')
  const vectors = unnamed(batch.vectors)
  if (!Array.isArray(vectors)) throw new InvalidRequest('JSON body', 'batch.vectors: expected an array of vectors')
  if (vectors.length !== ids.length) throw new WrongInput(`batch.vectors: ${vectors.length} vectors for ${ids.length} ids`)
  const payloads = batch.payloads === undefined || batch.payloads === null ? [] : batch.payloads
  if (!Array.isArray(payloads)) throw new InvalidRequest('JSON body', 'batch.payloads: expected an array of payloads')
  if (payloads.length > 0 && payloads.length !== ids.length) throw new WrongInput(`batch.payloads: ${payloads.length} payloads for ${ids.length} ids`)
  return ids.map((id, i) => ({ id, vector: readVector(vectors[i], `batch.vectors[${i}]`, dimension), payload: parsePayload(payloads[i], `batch.payloads[${i}]`) }))
}

/** A vector given as `{"": [...]}` is the unnamed vector; other names are not supported. */
function unnamed(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && Object.hasOwn(value, '')) {
    return (value as Record<string, unknown>)['']
  }
  return value
}

export function parsePayload(value: unknown, field: string): Payload {
  if (value === undefined || value === null) return {}
  return asObject(value, field)
}

/** `points` and/or `filter` of a delete or payload request (both: a point must be listed and match). */
export function parseSelector(obj: JsonObject, required: boolean): PointSelector {
  const ids = obj.points === undefined || obj.points === null ? undefined : parsePointIds(obj.points, 'points')
  const filter = obj.filter === undefined || obj.filter === null ? undefined : obj.filter
  if (filter !== undefined) parseFilter(filter) // refuse a bad filter now, not at apply time
  if (required && ids === undefined && filter === undefined) throw new InvalidRequest('JSON body', 'expected `points` (a list of ids) or `filter`')
  return { ...(ids && { ids }), ...(filter !== undefined && { filter }) }
}

export function parseSetPayload(body: unknown, type: 'set_payload' | 'overwrite_payload'): Operation {
  const obj = bodyObject(body)
  if (obj.payload === undefined) throw new InvalidRequest('JSON body', 'payload: missing field `payload`')
  const payload = asObject(obj.payload, 'payload')
  const selector = parseSelector(obj, true)
  if (type === 'overwrite_payload') return { type, payload, ...selector }
  const key = optional(obj, 'key', readString)
  return { type, payload, ...selector, ...(key !== undefined && { key }) }
}

export function parseDeletePayload(body: unknown): Operation {
  const obj = bodyObject(body)
  if (obj.keys === undefined) throw new InvalidRequest('JSON body', 'keys: missing field `keys`')
  return { type: 'delete_payload', keys: readStringList(obj.keys, 'keys'), ...parseSelector(obj, true) }
}

export interface RetrieveRequest {
  readonly ids: PointId[]
  readonly withPayload: PayloadSelector
  readonly withVector: boolean
}

export function parseRetrieve(body: unknown): RetrieveRequest {
  const obj = bodyObject(body)
  if (obj.ids === undefined) throw new InvalidRequest('JSON body', 'ids: missing field `ids`')
  return { ids: parsePointIds(obj.ids, 'ids'), withPayload: parseWithPayload(obj.with_payload, true), withVector: parseWithVector(obj.with_vector, false) }
}

export interface ScrollRequest {
  readonly offset?: PointId
  readonly limit: number
  readonly filter?: Filter
  readonly withPayload: PayloadSelector
  readonly withVector: boolean
}

export function parseScroll(body: unknown): ScrollRequest {
  const obj = bodyObject(body)
  refuseUnsupported(obj, ['order_by'], 'scroll is always in id order')
  const offset = optional(obj, 'offset', parsePointId)
  return {
    ...(offset !== undefined && { offset }),
    limit: optional(obj, 'limit', (v, f) => readInteger(v, f, 1, MAX_LIMIT)) ?? 10,
    filter: parseFilter(obj.filter),
    withPayload: parseWithPayload(obj.with_payload, true),
    withVector: parseWithVector(obj.with_vector, false),
  }
}

export function parseCount(body: unknown): { filter?: Filter } {
  const obj = bodyObject(body)
  if (obj.exact !== undefined && obj.exact !== null) readBoolean(obj.exact, 'exact') // counts are always exact here
  return { filter: parseFilter(obj.filter) }
}

/** What search and query share: paging, filter, threshold, `params`, output selectors. */
export interface NearestRequest {
  readonly limit: number
  readonly offset: number
  readonly filter?: Filter
  readonly scoreThreshold?: number
  readonly hnswEf?: number
  readonly exact?: boolean
  readonly withPayload: PayloadSelector
  readonly withVector: boolean
}

export function parseNearestCommon(obj: JsonObject, limitRequired: boolean): NearestRequest {
  if (limitRequired && (obj.limit === undefined || obj.limit === null)) throw new InvalidRequest('JSON body', 'limit: missing field `limit`')
  const params = obj.params === undefined || obj.params === null ? {} : asObject(obj.params, 'params')
  refuseUnsupported(params, ['quantization'], 'no quantization')
  return {
    limit: optional(obj, 'limit', (v, f) => readInteger(v, f, 1, MAX_LIMIT)) ?? 10,
    offset: optional(obj, 'offset', (v, f) => readInteger(v, f, 0, MAX_LIMIT)) ?? 0,
    filter: parseFilter(obj.filter),
    scoreThreshold: optional(obj, 'score_threshold', readNumber),
    hnswEf: optional(params, 'hnsw_ef', (v, f) => readInteger(v, f, 1, 100_000), 'params.'),
    exact: optional(params, 'exact', readBoolean, 'params.'),
    withPayload: parseWithPayload(obj.with_payload, false),
    withVector: parseWithVector(obj.with_vector, false),
  }
}

export function parseSearch(body: unknown, dimension: number): NearestRequest & { vector: number[] } {
  const obj = bodyObject(body)
  let vector = obj.vector
  if (typeof vector === 'object' && vector !== null && !Array.isArray(vector) && 'vector' in vector) {
    const named = vector as { name?: unknown; vector: unknown }
    if (named.name !== '' && named.name !== undefined) throw new WrongInput(`vector name ${JSON.stringify(named.name)}: named vectors are not supported by this node`)
    vector = named.vector
  }
  if (vector === undefined) throw new InvalidRequest('JSON body', 'vector: missing field `vector`')
  return { ...parseNearestCommon(obj, true), vector: readVector(vector, 'vector', dimension) }
}

/** The `query` of the universal query API: a vector, a point id (its vector, that point excluded), or none. */
export type QueryInput = { readonly kind: 'vector'; readonly vector: number[] } | { readonly kind: 'point'; readonly id: PointId } | { readonly kind: 'none' }

export function parseQuery(body: unknown, dimension: number): NearestRequest & { query: QueryInput } {
  const obj = bodyObject(body)
  refuseUnsupported(obj, ['prefetch', 'lookup_from'], 'single-stage queries only')
  if (obj.using !== undefined && obj.using !== null && obj.using !== '') throw new WrongInput('`using`: named vectors are not supported by this node')
  return { ...parseNearestCommon(obj, false), query: parseQueryInput(obj.query, dimension) }
}

function parseQueryInput(value: unknown, dimension: number): QueryInput {
  if (value === undefined || value === null) return { kind: 'none' }
  if (Array.isArray(value)) return { kind: 'vector', vector: readVector(value, 'query', dimension) }
  if (typeof value === 'number' || typeof value === 'string') return { kind: 'point', id: parsePointId(value, 'query') }
  const obj = asObject(value, 'query')
  if (obj.nearest !== undefined) {
    const nearest = obj.nearest
    if (typeof nearest === 'number' || typeof nearest === 'string') return { kind: 'point', id: parsePointId(nearest, 'query.nearest') }
    return { kind: 'vector', vector: readVector(nearest, 'query.nearest', dimension) }
  }
  const kind = Object.keys(obj)[0] ?? '(empty)'
  throw new WrongInput(`query \`${kind}\` is not supported by this node (a vector, a point id or {nearest} are)`)
}

/** `?wait=true` (Qdrant's default for the REST API is false). */
export function parseWait(query: unknown): boolean {
  const value = (query as Record<string, unknown> | undefined)?.wait
  if (value === undefined || value === '' ) return false
  if (value === 'true') return true
  if (value === 'false') return false
  throw new InvalidRequest('query parameters', `wait: expected true or false, got ${JSON.stringify(value)}`)
}
