// Qdrant's filter language, parsed once per request into a small tree with every field checked.
import { InvalidRequest, WrongInput } from '../errors'
import { parsePointIds, PointId } from '../points/ids'
import { asObject, JsonObject, readInteger, readNumber } from '../validation'
import { parsePath, PathError, PathStep } from './payload-path'

export type Scalar = string | number | boolean

export interface Bounds {
  readonly gt?: number
  readonly gte?: number
  readonly lt?: number
  readonly lte?: number
}

export type Condition =
  | { readonly kind: 'match'; readonly key: string; readonly path: PathStep[]; readonly value: Scalar }
  | { readonly kind: 'any'; readonly key: string; readonly path: PathStep[]; readonly values: ReadonlySet<Scalar> }
  | { readonly kind: 'except'; readonly key: string; readonly path: PathStep[]; readonly values: ReadonlySet<Scalar> }
  | { readonly kind: 'text'; readonly key: string; readonly path: PathStep[]; readonly text: string }
  | { readonly kind: 'range'; readonly key: string; readonly path: PathStep[]; readonly bounds: Bounds }
  | { readonly kind: 'values_count'; readonly key: string; readonly path: PathStep[]; readonly bounds: Bounds }
  | { readonly kind: 'is_empty'; readonly key: string; readonly path: PathStep[] }
  | { readonly kind: 'is_null'; readonly key: string; readonly path: PathStep[] }
  | { readonly kind: 'has_id'; readonly ids: ReadonlySet<PointId> }
  | { readonly kind: 'filter'; readonly filter: Filter }

export interface Filter {
  readonly must: readonly Condition[]
  readonly should: readonly Condition[]
  readonly mustNot: readonly Condition[]
}

const MAX_DEPTH = 32

/** The filter of a request, or undefined when the field is absent or null. */
export function parseFilter(value: unknown, field = 'filter'): Filter | undefined {
  if (value === undefined || value === null) return undefined
  return parseFilterObject(value, field, 0)
}

/** `a AND b`, for an extra filter (e.g. a token's payload restriction) on top of the request's. */
export function andFilters(a: Filter | undefined, b: Filter | undefined): Filter | undefined {
  if (!a) return b
  if (!b) return a
  return { must: [{ kind: 'filter', filter: a }, { kind: 'filter', filter: b }], should: [], mustNot: [] }
}

function parseFilterObject(value: unknown, field: string, depth: number): Filter {
  if (depth > MAX_DEPTH) throw new WrongInput(`${field}: filters nest deeper than ${MAX_DEPTH} levels`)
  const obj = asObject(value, field)
  if (obj.min_should !== undefined && obj.min_should !== null) throw new WrongInput(`${field}.min_should is not supported by this node`)
  return {
    must: conditionList(obj.must, `${field}.must`, depth),
    should: conditionList(obj.should, `${field}.should`, depth),
    mustNot: conditionList(obj.must_not, `${field}.must_not`, depth),
  }
}

function conditionList(value: unknown, field: string, depth: number): Condition[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.map((c, i) => parseCondition(c, `${field}[${i}]`, depth))
  return [parseCondition(value, field, depth)]
}

function parseCondition(value: unknown, field: string, depth: number): Condition {
  const obj = asObject(value, field)
  if (obj.has_id !== undefined) return { kind: 'has_id', ids: new Set(parsePointIds(obj.has_id, `${field}.has_id`)) }
  if (obj.is_empty !== undefined) return { kind: 'is_empty', ...keyOf(asObject(obj.is_empty, `${field}.is_empty`), `${field}.is_empty`) }
  if (obj.is_null !== undefined) return { kind: 'is_null', ...keyOf(asObject(obj.is_null, `${field}.is_null`), `${field}.is_null`) }
  if (obj.must !== undefined || obj.should !== undefined || obj.must_not !== undefined) {
    return { kind: 'filter', filter: parseFilterObject(obj, field, depth + 1) }
  }
  for (const unsupported of ['nested', 'has_vector', 'geo_radius', 'geo_bounding_box', 'geo_polygon']) {
    if (obj[unsupported] !== undefined && obj[unsupported] !== null) throw new WrongInput(`${field}: \`${unsupported}\` conditions are not supported by this node`)
  }
  if (obj.key === undefined) throw new InvalidRequest('JSON body', `${field}: expected a condition (key with match/range, has_id, is_empty, is_null or a nested filter)`)
  return parseFieldCondition(obj, field)
}

function keyOf(obj: JsonObject, field: string): { key: string; path: PathStep[] } {
  if (typeof obj.key !== 'string') throw new InvalidRequest('JSON body', `${field}.key: expected a payload key`)
  try {
    return { key: obj.key, path: parsePath(obj.key) }
  } catch (error) {
    if (error instanceof PathError) throw new WrongInput(`${field}.key: ${error.message}`)
    throw error
  }
}

function parseFieldCondition(obj: JsonObject, field: string): Condition {
  const { key, path } = keyOf(obj, field)
  if (obj.match !== undefined && obj.match !== null) return parseMatch(asObject(obj.match, `${field}.match`), key, path, `${field}.match`)
  if (obj.range !== undefined && obj.range !== null) return { kind: 'range', key, path, bounds: parseBounds(obj.range, `${field}.range`, readNumber) }
  if (obj.values_count !== undefined && obj.values_count !== null) {
    return { kind: 'values_count', key, path, bounds: parseBounds(obj.values_count, `${field}.values_count`, (v, f) => readInteger(v, f)) }
  }
  if (obj.is_empty === true) return { kind: 'is_empty', key, path }
  if (obj.is_null === true) return { kind: 'is_null', key, path }
  throw new InvalidRequest('JSON body', `${field}: a condition on key "${key}" needs match, range or values_count`)
}

function parseMatch(match: JsonObject, key: string, path: PathStep[], field: string): Condition {
  if (match.value !== undefined) return { kind: 'match', key, path, value: scalar(match.value, `${field}.value`) }
  if (match.any !== undefined) return { kind: 'any', key, path, values: scalarSet(match.any, `${field}.any`) }
  if (match.except !== undefined) return { kind: 'except', key, path, values: scalarSet(match.except, `${field}.except`) }
  if (typeof match.text === 'string') return { kind: 'text', key, path, text: match.text }
  throw new InvalidRequest('JSON body', `${field}: expected one of value, any, except or text`)
}

function scalar(value: unknown, field: string): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isInteger(value)) return value
  throw new InvalidRequest('JSON body', `${field}: expected a string, an integer or a boolean, got ${JSON.stringify(value)}`)
}

function scalarSet(value: unknown, field: string): Set<Scalar> {
  if (!Array.isArray(value)) throw new InvalidRequest('JSON body', `${field}: expected an array of strings or integers`)
  const items = value.map((v, i) => scalar(v, `${field}[${i}]`))
  const kinds = new Set(items.map((v) => typeof v))
  if (kinds.size > 1 || kinds.has('boolean')) throw new InvalidRequest('JSON body', `${field}: expected only strings or only integers`)
  return new Set(items)
}

function parseBounds(value: unknown, field: string, read: (v: unknown, f: string) => number): Bounds {
  const obj = asObject(value, field)
  const bounds: { gt?: number; gte?: number; lt?: number; lte?: number } = {}
  for (const b of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (obj[b] === undefined || obj[b] === null) continue
    if (typeof obj[b] === 'string') throw new WrongInput(`${field}.${b}: datetime ranges are not supported by this node`)
    bounds[b] = read(obj[b], `${field}.${b}`)
  }
  return bounds
}
