import { collectionNameProblem } from './collection-pattern'

/** Global access: `r` reads everything, `m` manages everything. */
export type GlobalAccess = 'r' | 'm'
/** Per-collection access: read, read-write, or points read-write (no snapshots). */
export type CollectionAccessMode = 'r' | 'rw' | 'prw'
/** A payload value a token can name: what Qdrant's `match: {value}` compares. */
export type PayloadScalar = string | number | boolean
/** One restricted key's value: exactly this scalar, or any one of these strings or integers. */
export type RestrictedValue = PayloadScalar | readonly string[] | readonly number[]
/** Top-level payload key → the value every point this token touches must carry. */
export type PayloadRestriction = Readonly<Record<string, RestrictedValue>>

export interface CollectionAccess {
  /** A collection name or a glob pattern (`tenant_42_*`). */
  readonly collection: string
  readonly access: CollectionAccessMode
  readonly payload?: PayloadRestriction
}

export interface ValueExists {
  readonly collection: string
  readonly matches: readonly { readonly key: string; readonly value: PayloadScalar }[]
}

/** The claims of a data-plane JWT: Qdrant's, plus `jti` and our `collection`/`payload` extensions. */
export interface DataPlaneClaims {
  readonly exp?: number
  readonly sub?: string
  /** Absent means global manage, as in Qdrant. */
  readonly access?: GlobalAccess | readonly CollectionAccess[]
  readonly value_exists?: ValueExists
  readonly jti?: string
}

export type ClaimsParse = { readonly ok: true; readonly claims: DataPlaneClaims } | { readonly ok: false; readonly error: string }

export const MAX_COLLECTION_GRANTS = 1000
export const MAX_RESTRICTED_KEYS = 16
export const MAX_RESTRICTED_VALUES = 100
export const MAX_JTI_LENGTH = 256

class ClaimsError extends Error {}

/**
 * Validates untrusted claims (a decoded JWT payload, or what the control plane is about to sign)
 * and returns them normalized: unknown top-level claims (iat, iss, ...) are dropped, unknown
 * fields inside `access` entries and `value_exists` are errors, because a misspelled `payload`
 * would otherwise silently widen a token.
 */
export function parseClaims(input: unknown): ClaimsParse {
  try {
    return { ok: true, claims: readClaims(input) }
  } catch (error) {
    if (error instanceof ClaimsError) return { ok: false, error: error.message }
    throw error
  }
}

function readClaims(input: unknown): DataPlaneClaims {
  const raw = object(input, 'claims')
  const claims: { -readonly [K in keyof DataPlaneClaims]: DataPlaneClaims[K] } = {}
  if (raw.exp !== undefined) {
    if (typeof raw.exp !== 'number' || !Number.isFinite(raw.exp) || raw.exp < 0) fail('exp', 'must be a NumericDate (seconds since the epoch)')
    claims.exp = raw.exp
  }
  if (raw.sub !== undefined) {
    if (typeof raw.sub !== 'string') fail('sub', 'must be a string')
    claims.sub = raw.sub
  }
  if (raw.jti !== undefined) {
    if (typeof raw.jti !== 'string' || raw.jti.length === 0 || raw.jti.length > MAX_JTI_LENGTH) {
      fail('jti', `must be a non-empty string of at most ${MAX_JTI_LENGTH} characters`)
    }
    claims.jti = raw.jti
  }
  if (raw.access !== undefined) claims.access = readAccess(raw.access)
  if (raw.value_exists !== undefined) claims.value_exists = readValueExists(raw.value_exists)
  return claims
}

function readAccess(input: unknown): GlobalAccess | CollectionAccess[] {
  if (input === 'r' || input === 'm') return input
  if (!Array.isArray(input)) fail('access', 'must be "r", "m" or a list of {collection, access, payload?}')
  if (input.length > MAX_COLLECTION_GRANTS) fail('access', `must list at most ${MAX_COLLECTION_GRANTS} collections`)
  const seen = new Set<string>()
  return input.map((entry, i) => {
    const at = `access[${i}]`
    const raw = object(entry, at)
    onlyKeys(raw, ['collection', 'access', 'payload'], at)
    const problem = collectionNameProblem(raw.collection, true)
    if (problem) fail(`${at}.collection`, problem)
    const collection = raw.collection as string
    if (seen.has(collection)) fail(`${at}.collection`, `"${collection}" is listed twice`)
    seen.add(collection)
    if (raw.access !== 'r' && raw.access !== 'rw' && raw.access !== 'prw') fail(`${at}.access`, 'must be "r", "rw" or "prw"')
    const grant: CollectionAccess = { collection, access: raw.access }
    return raw.payload === undefined ? grant : { ...grant, payload: readRestriction(raw.payload, `${at}.payload`) }
  })
}

// Only top-level keys: a write check can then never be fooled by JSON-path syntax (`a.b`, `a[0]`).
const RESTRICTED_KEY = /^[^.[\]"]+$/

function readRestriction(input: unknown, at: string): PayloadRestriction {
  const raw = object(input, at)
  const keys = Object.keys(raw)
  if (keys.length === 0) fail(at, 'must restrict at least one key')
  if (keys.length > MAX_RESTRICTED_KEYS) fail(at, `must restrict at most ${MAX_RESTRICTED_KEYS} keys`)
  // fromEntries defines own properties, so a key named "__proto__" stays a plain key.
  return Object.fromEntries(
    keys.map((key) => {
      if (!RESTRICTED_KEY.test(key) || key.trim() !== key) {
        fail(at, `key "${key}" must be a top-level payload key (no ".", "[", "]", quotes or surrounding spaces)`)
      }
      return [key, readRestrictedValue(raw[key], `${at}.${key}`)]
    }),
  )
}

function readRestrictedValue(input: unknown, at: string): RestrictedValue {
  if (isPayloadScalar(input)) return input
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_RESTRICTED_VALUES) {
    fail(at, `must be a string, an integer, a boolean, or a list of 1 to ${MAX_RESTRICTED_VALUES} strings or integers`)
  }
  if (input.every((v) => typeof v === 'string')) return input as string[]
  if (input.every((v) => Number.isSafeInteger(v))) return input as number[]
  fail(at, 'a list must hold only strings or only integers')
}

function readValueExists(input: unknown): ValueExists {
  const raw = object(input, 'value_exists')
  onlyKeys(raw, ['collection', 'matches'], 'value_exists')
  const problem = collectionNameProblem(raw.collection, false)
  if (problem) fail('value_exists.collection', problem)
  if (!Array.isArray(raw.matches)) fail('value_exists.matches', 'must be a list of {key, value}')
  const matches = raw.matches.map((entry, i) => {
    const at = `value_exists.matches[${i}]`
    const match = object(entry, at)
    onlyKeys(match, ['key', 'value'], at)
    if (typeof match.key !== 'string' || match.key.length === 0) fail(`${at}.key`, 'must be a non-empty string')
    if (!isPayloadScalar(match.value)) fail(`${at}.value`, 'must be a string, an integer or a boolean')
    return { key: match.key, value: match.value }
  })
  return { collection: raw.collection as string, matches }
}

/** Strings, booleans and safe integers: the values Qdrant's `match: {value}` accepts. */
export function isPayloadScalar(value: unknown): value is PayloadScalar {
  return typeof value === 'string' || typeof value === 'boolean' || Number.isSafeInteger(value)
}

function object(input: unknown, at: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail(at, 'must be a JSON object')
  return input as Record<string, unknown>
}

function onlyKeys(raw: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const unknown = Object.keys(raw).find((k) => !allowed.includes(k))
  if (unknown !== undefined) fail(at, `has an unknown field "${unknown}"`)
}

function fail(at: string, message: string): never {
  throw new ClaimsError(`${at} ${message}`)
}
