import type { PayloadRestriction } from './claims'
import { AccessRow, Operation, OPERATIONS } from './operations'
import { CollectionGrant, grantFor, Principal } from './principal'

/**
 * Allowed, possibly confined to the points matching `restriction` (see payload-restriction.ts for
 * what each operation must then do), or denied with a Qdrant-style reason (answer 403).
 */
export type Decision =
  | { readonly allowed: true; readonly restriction?: PayloadRestriction }
  | { readonly allowed: false; readonly reason: string }

const ALLOWED: Decision = { allowed: true }
const GLOBAL_MANAGE_REQUIRED = 'Global manage access is required'

/** Whether `principal` may perform `operation` (on `collection`, for operations that name one). */
export function authorize(principal: Principal, operation: Operation, collection?: string): Decision {
  const row: AccessRow = OPERATIONS[operation]
  if (principal.access === 'm') return ALLOWED
  if (principal.access === 'r') return row.r ? ALLOWED : deny(GLOBAL_MANAGE_REQUIRED)
  if (!row.collection) return row.collR || row.collRw || row.collPrw ? ALLOWED : deny(GLOBAL_MANAGE_REQUIRED)
  if (collection === undefined) throw new TypeError(`operation ${operation} needs a collection name`)
  if (!row.collR && !row.collRw && !row.collPrw) return deny(GLOBAL_MANAGE_REQUIRED)
  const grant = grantFor(principal.access, collection)
  if (!grant) return deny(`Access to collection ${collection} is required`)
  return decideForGrant(row, grant, collection)
}

function decideForGrant(row: AccessRow, grant: CollectionGrant, collection: string): Decision {
  const allowedForMode = { r: row.collR, rw: row.collRw, prw: row.collPrw }[grant.access]
  if (!allowedForMode) {
    if (grant.access === 'prw' && row.collRw) return deny(`Only points access is allowed for collection ${collection}`)
    if (grant.access === 'r' && row.collRw) return deny(`Write access to collection ${collection} is required`)
    return deny(`Access to collection ${collection} does not allow this operation`)
  }
  if (!grant.payload) return ALLOWED
  if (!row.restricted) {
    return deny(`This operation is not allowed when "payload" restriction is present for collection ${collection}`)
  }
  return { allowed: true, restriction: grant.payload }
}

/** The collections a listing shows this principal: those it holds any grant on. */
export function visibleCollections(principal: Principal, collections: Iterable<string>): string[] {
  return [...collections].filter((name) => authorize(principal, 'collections:exists', name).allowed)
}

function deny(reason: string): Decision {
  return { allowed: false, reason }
}
