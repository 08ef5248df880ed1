import type { PayloadRestriction, RestrictedValue } from './claims'

/*
 * Payload-restricted access that also holds for writes. A grant's `payload` ({tenant: "a"}) confines
 * the token to "its" points: those the restriction filter matches. When `authorize` returns a
 * `restriction`, the node must, per operation:
 *  - points:search/query/scroll/count: run with `restrictFilter(request.filter, r)`; for query, also
 *    every prefetch's filter. Refuse `lookup_from`, and query/recommend by point id unless the
 *    referenced points match, or another tenant's vector would steer the search.
 *  - points:get (by ids): return only points for which `matchesRestriction(payload, r)`; others
 *    behave as absent (404 for a single id), so ids of other tenants are not revealed.
 *  - points:delete (ids or filter): delete by `restrictTargets(request, r)`.
 *  - points:upsert (points or batch, normalized to points first): `checkUpsert`, and
 *    `checkReplacedPoints` on the stored points with the same ids, since an upsert replaces them.
 *  - payload:set: `checkSetPayload`; apply to `restrictTargets(request, r)`.
 *  - payload:overwrite: `checkOverwritePayload`; apply to `restrictTargets(request, r)`.
 *  - payload:delete: `checkDeletePayload`; apply to `restrictTargets(request, r)`.
 *  - anything else that edits points (clear payload, vector updates): refuse; the table does not
 *    grant it to a restricted token.
 * A failed check answers 403 with its reason. Reads follow Qdrant's `match` (an array payload value
 * matches if it contains the value); writes demand the exact scalar, so a restricted writer cannot
 * make a point visible to a second tenant with `tenant: ["a", "b"]`.
 */

export type PointId = string | number
export type FilterCondition = Readonly<Record<string, unknown>>
/** The parts of a Qdrant filter this module reads; everything else passes through untouched. */
export interface Filter {
  readonly must?: unknown
  readonly should?: unknown
  readonly must_not?: unknown
  readonly [field: string]: unknown
}
export type RestrictionCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string }

const OK: RestrictionCheck = { ok: true }

/** The restriction as Qdrant conditions, one per key, all required. */
export function restrictionConditions(restriction: PayloadRestriction): FilterCondition[] {
  return Object.entries(restriction).map(([key, value]) =>
    Array.isArray(value) ? { key, match: { any: [...value] } } : { key, match: { value } },
  )
}

/** `filter` AND the restriction, by appending to `must` (no nested filter needed). */
export function restrictFilter(filter: Filter | null | undefined, restriction: PayloadRestriction | undefined): Filter | undefined {
  if (!restriction) return filter ?? undefined
  return { ...filter, must: [...asList(filter?.must), ...restrictionConditions(restriction)] }
}

/** The points a delete or payload operation may touch: its ids and/or filter, AND the restriction. */
export function restrictTargets(
  request: { readonly points?: readonly PointId[] | null; readonly filter?: Filter | null },
  restriction: PayloadRestriction,
): Filter {
  const byId = request.points ? [{ has_id: [...request.points] }] : []
  const filter = request.filter ?? {}
  return { ...filter, must: [...byId, ...asList(filter.must), ...restrictionConditions(restriction)] }
}

/** Whether a stored point is one of the token's points (read semantics, as the filter would say). */
export function matchesRestriction(payload: unknown, restriction: PayloadRestriction): boolean {
  const fields = asPayload(payload)
  return Object.entries(restriction).every(([key, allowed]) => {
    const stored = fields && Object.hasOwn(fields, key) ? fields[key] : undefined
    return Array.isArray(stored) ? stored.some((v) => isAllowed(v, allowed)) : isAllowed(stored, allowed)
  })
}

/** Every upserted point must set each restricted key to an allowed scalar. */
export function checkUpsert(points: readonly { readonly id: PointId; readonly payload?: unknown }[], restriction: PayloadRestriction): RestrictionCheck {
  for (const point of points) {
    const problem = payloadProblem(point.payload, restriction)
    if (problem) return deny(`Point ${point.id} ${problem}`)
  }
  return OK
}

/** An upsert replaces stored points with the same ids; each must already be one of the token's. */
export function checkReplacedPoints(stored: readonly { readonly id: PointId; readonly payload?: unknown }[], restriction: PayloadRestriction): RestrictionCheck {
  const foreign = stored.find((point) => !matchesRestriction(point.payload, restriction))
  return foreign ? deny(`Point ${foreign.id} is outside this token's payload restriction`) : OK
}

/** Overwrite replaces the whole payload, so the new one must carry the restriction like an upsert. */
export function checkOverwritePayload(payload: unknown, restriction: PayloadRestriction): RestrictionCheck {
  const problem = payloadProblem(payload, restriction)
  return problem ? deny(`The new payload ${problem}`) : OK
}

/** Set payload merges keys: a restricted key may only be "set" to an allowed value; `key` must not reach into one. */
export function checkSetPayload(request: { readonly payload: unknown; readonly key?: string | null }, restriction: PayloadRestriction): RestrictionCheck {
  if (request.key != null) {
    const touched = restrictedKeyOf(request.key, restriction)
    return touched === undefined ? OK : deny(`Payload key "${touched}" is restricted by this token and cannot be changed`)
  }
  const fields = asPayload(request.payload) ?? {}
  for (const [key, allowed] of Object.entries(restriction)) {
    if (Object.hasOwn(fields, key) && !isAllowed(fields[key], allowed)) {
      return deny(`Payload key "${key}" is restricted by this token and cannot be changed`)
    }
  }
  return OK
}

/** Delete payload must not remove a restricted key or anything inside it. */
export function checkDeletePayload(keys: readonly string[], restriction: PayloadRestriction): RestrictionCheck {
  for (const path of keys) {
    const touched = restrictedKeyOf(path, restriction)
    if (touched !== undefined) return deny(`Payload key "${touched}" is restricted by this token and cannot be deleted`)
  }
  return OK
}

function payloadProblem(payload: unknown, restriction: PayloadRestriction): string | undefined {
  const fields = asPayload(payload) ?? {}
  for (const [key, allowed] of Object.entries(restriction)) {
    if (!Object.hasOwn(fields, key) || !isAllowed(fields[key], allowed)) {
      return `must set payload key "${key}" to ${describe(allowed)} (payload restriction)`
    }
  }
  return undefined
}

// Strict: same type and value; an array never passes for a scalar.
function isAllowed(value: unknown, allowed: RestrictedValue): boolean {
  return Array.isArray(allowed) ? (allowed as readonly unknown[]).includes(value) : value === allowed
}

/** The restricted key a JSON path (`tenant`, `tenant.x`, `tenant[0]`, `"tenant"`) starts in, if any. */
function restrictedKeyOf(path: string, restriction: PayloadRestriction): string | undefined {
  const key = topLevelKey(path)
  return Object.hasOwn(restriction, key) ? key : undefined
}

function topLevelKey(path: string): string {
  const trimmed = path.trim()
  if (!trimmed.startsWith('"')) return trimmed.split(/[.[]/, 1)[0].trim()
  const end = trimmed.indexOf('"', 1)
  return end < 0 ? trimmed.slice(1) : trimmed.slice(1, end)
}

function asPayload(payload: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined
}

function asList(conditions: unknown): unknown[] {
  if (conditions === undefined || conditions === null) return []
  return Array.isArray(conditions) ? conditions : [conditions]
}

function describe(allowed: RestrictedValue): string {
  return Array.isArray(allowed) ? `one of ${JSON.stringify(allowed)}` : JSON.stringify(allowed)
}

function deny(reason: string): RestrictionCheck {
  return { ok: false, reason }
}
