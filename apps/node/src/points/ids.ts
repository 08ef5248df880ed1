import { InvalidRequest } from '../errors'

/** A point id as Qdrant has them: an unsigned integer or a UUID (kept lower-case, hyphenated). */
export type PointId = number | string

const UUID = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i

/** The canonical UUID, or undefined when `text` is not one. */
export function canonicalUuid(text: string): string | undefined {
  const m = UUID.exec(text)
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : undefined
}

/** A point id from a JSON body. Integers above 2^53 cannot be represented exactly in JSON numbers here, so they are refused. */
export function parsePointId(value: unknown, field: string): PointId {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER) return value
    throw new InvalidRequest('JSON body', `${field}: point id must be an unsigned integer up to ${Number.MAX_SAFE_INTEGER} or a UUID, got ${value}`)
  }
  if (typeof value === 'string') {
    const uuid = canonicalUuid(value)
    if (uuid) return uuid
    throw new InvalidRequest('JSON body', `${field}: point id must be an unsigned integer or a UUID, got ${JSON.stringify(value)}`)
  }
  throw new InvalidRequest('JSON body', `${field}: point id must be an unsigned integer or a UUID, got ${describeType(value)}`)
}

/** A point id from a URL path segment (`/points/42`, `/points/<uuid>`). */
export function parsePathPointId(text: string): PointId {
  if (/^\d+$/.test(text)) {
    const value = Number(text)
    if (value <= Number.MAX_SAFE_INTEGER) return value
  }
  const uuid = canonicalUuid(text)
  if (uuid) return uuid
  throw new InvalidRequest('path', `point id must be an unsigned integer or a UUID, got ${JSON.stringify(text)}`)
}

export function parsePointIds(value: unknown, field: string): PointId[] {
  if (!Array.isArray(value)) throw new InvalidRequest('JSON body', `${field}: expected an array of point ids, got ${describeType(value)}`)
  return value.map((v, i) => parsePointId(v, `${field}[${i}]`))
}

/** Qdrant's id order: integers ascending, then UUIDs in byte order (= canonical text order). */
export function comparePointIds(a: PointId, b: PointId): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1
  if (typeof b === 'number') return 1
  return a < b ? -1 : a > b ? 1 : 0
}

export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`
}
