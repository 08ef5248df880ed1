// Readers for request bodies: each checks one field's type and range and names the field when it fails.
import { InvalidRequest, WrongInput } from './errors'
import { describeType } from './points/ids'

export type JsonObject = Record<string, unknown>

export function asObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequest('JSON body', `${field}: expected an object, got ${describeType(value)}`)
  }
  return value as JsonObject
}

/** The body itself; a missing body counts as `{}` where every field is optional. */
export function bodyObject(body: unknown): JsonObject {
  return body === undefined || body === null ? {} : asObject(body, 'body')
}

export function readInteger(value: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidRequest('JSON body', `${field}: expected an integer, got ${describeType(value)}`)
  }
  if (value < min || value > max) throw new InvalidRequest('JSON body', `${field}: must be between ${min} and ${max}, got ${value}`)
  return value
}

export function readNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidRequest('JSON body', `${field}: expected a finite number, got ${describeType(value)}`)
  }
  return value
}

export function readBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidRequest('JSON body', `${field}: expected true or false, got ${describeType(value)}`)
  return value
}

export function readString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidRequest('JSON body', `${field}: expected a string, got ${describeType(value)}`)
  return value
}

export function readStringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new InvalidRequest('JSON body', `${field}: expected an array of strings, got ${describeType(value)}`)
  return value.map((v, i) => readString(v, `${field}[${i}]`))
}

/** `obj[key]` read with `read` when present and not null, else `fallback`. */
export function optional<T>(obj: JsonObject, key: string, read: (value: unknown, field: string) => T, prefix = ''): T | undefined {
  const value = obj[key]
  return value === undefined || value === null ? undefined : read(value, prefix + key)
}

/** A dense vector of `dimension` finite numbers. */
export function readVector(value: unknown, field: string, dimension: number): number[] {
  if (!Array.isArray(value)) {
    if (typeof value === 'object' && value !== null) {
      throw new WrongInput(`${field}: named and sparse vectors are not supported; send the vector as an array of ${dimension} numbers`)
    }
    throw new InvalidRequest('JSON body', `${field}: expected an array of ${dimension} numbers, got ${describeType(value)}`)
  }
  if (value.length !== dimension) throw new WrongInput(`Vector dimension error: expected dim: ${dimension}, got ${value.length}`)
  for (let i = 0; i < value.length; i++) {
    const x = value[i]
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new InvalidRequest('JSON body', `${field}[${i}]: expected a finite number, got ${describeType(x)}`)
    }
  }
  return value as number[]
}

/** Refuse a field this node does not implement, rather than silently ignoring what changes the answer. */
export function refuseUnsupported(obj: JsonObject, keys: readonly string[], what: string): void {
  for (const key of keys) {
    if (obj[key] !== undefined && obj[key] !== null) throw new WrongInput(`\`${key}\` is not supported by this node (${what})`)
  }
}
