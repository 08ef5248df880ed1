// The node's authorizer over libs/data-plane-auth: static keys and JWTs become a principal, the
// operation table decides, and a payload-restricted grant becomes a scope the routes enforce.
import {
  authorize,
  checkDeletePayload,
  checkOverwritePayload,
  checkReplacedPoints,
  checkSetPayload,
  checkUpsert,
  DataPlaneAuthenticator,
  OPERATIONS,
  PayloadRestriction,
  Principal,
  restrictFilter,
  RestrictionCheck,
  RevocationList,
  ValueExists,
  valueExistsFailure,
  valueExistsFilter,
} from '@quiver/data-plane-auth'
import type { CollectionRegistry } from '../collections/registry'
import type { NodeAuthSettings } from '../config'
import { AccessDenied } from '../errors'
import { candidateLabels } from '../filters/candidates'
import { compileFilter } from '../filters/evaluate'
import { Filter, parseFilter } from '../filters/filter'
import type { PointStore } from '../points/point-store'
import type { Operation as WriteOperation } from '../storage/operations'
import { AccessScope, openAuthorizer, RequestAuthorizer } from './access'

export function authorizerFor(settings: NodeAuthSettings, registry: CollectionRegistry, revocations?: RevocationList): RequestAuthorizer {
  const authenticator = new DataPlaneAuthenticator(settings, { revocations })
  if (authenticator.isOpen) return openAuthorizer
  return {
    describe: () => `API keys configured${authenticator.acceptsJwt ? '; JWT RBAC on' : ''}`,
    async authorize(request, operation, collection) {
      const authentication = await authenticator.authenticate(request.headers)
      if (!authentication.ok) throw new AccessDenied(authentication.status, authentication.reason)
      const principal = authentication.principal
      if (principal.valueExists) checkValueExists(principal, registry)
      const decision = authorize(principal, operation, OPERATIONS[operation].collection ? collection : undefined)
      if (!decision.allowed) throw new AccessDenied(403, decision.reason)
      return scopeFor(principal, decision.restriction)
    },
  }
}

// A principal's scope depends only on it and on the restriction of the grant in use, so it is built
// once (principals of cached tokens and of static keys are the same object from request to request).
const scopes = new WeakMap<Principal, Map<PayloadRestriction | undefined, AccessScope>>()

function scopeFor(principal: Principal, restriction: PayloadRestriction | undefined): AccessScope {
  let byRestriction = scopes.get(principal)
  if (!byRestriction) scopes.set(principal, (byRestriction = new Map()))
  let scope = byRestriction.get(restriction)
  if (!scope) {
    const canSee = (name: string) => authorize(principal, 'collections:exists', name).allowed
    scope = restriction
      ? { canSee, pointFilter: restrictFilter(undefined, restriction), checkWrite: (op, store) => checkRestrictedWrite(op, store, restriction) }
      : { canSee }
    byRestriction.set(restriction, scope)
  }
  return scope
}

const valueExistsFilters = new WeakMap<ValueExists, Filter>()

/** Qdrant's `value_exists`: the token holds only while a point with those values exists. */
function checkValueExists(principal: Principal, registry: CollectionRegistry): void {
  const valueExists = principal.valueExists!
  if (!registry.has(valueExists.collection)) {
    const failure = valueExistsFailure(false)
    throw new AccessDenied(failure.status, failure.reason)
  }
  let filter = valueExistsFilters.get(valueExists)
  if (!filter) valueExistsFilters.set(valueExists, (filter = parseFilter(valueExistsFilter(valueExists))!))
  if (!anyPointMatches(registry.get(valueExists.collection).store, filter)) {
    const failure = valueExistsFailure(true)
    throw new AccessDenied(failure.status, failure.reason)
  }
}

/** Whether some point matches: the payload index's answer when it is exact, else the first match among its candidates (or all points). */
function anyPointMatches(store: PointStore, filter: Filter): boolean {
  const candidates = candidateLabels(filter, store)
  if (candidates?.exact) return candidates.labels.size > 0
  const accept = compileFilter(filter)
  for (const label of candidates?.labels ?? store.liveLabels()) if (accept(store.payloadAt(label), store.idAt(label)!)) return true
  return false
}

/** A restricted writer may only write points that stay inside its restriction. */
function checkRestrictedWrite(op: WriteOperation, store: PointStore, restriction: PayloadRestriction): void {
  let check: RestrictionCheck
  switch (op.type) {
    case 'upsert': {
      check = checkUpsert(op.points, restriction)
      if (check.ok) {
        const replaced = op.points.flatMap((p) => {
          const label = store.labelOf(p.id)
          return label === undefined ? [] : [{ id: p.id, payload: store.payloadAt(label) }]
        })
        check = checkReplacedPoints(replaced, restriction)
      }
      break
    }
    case 'set_payload':
      check = checkSetPayload({ payload: op.payload, key: op.key }, restriction)
      break
    case 'overwrite_payload':
      check = checkOverwritePayload(op.payload, restriction)
      break
    case 'delete_payload':
      check = checkDeletePayload(op.keys, restriction)
      break
    case 'clear_payload':
      check = checkOverwritePayload({}, restriction)
      break
    case 'delete':
      check = { ok: true }
      break
    default:
      check = { ok: false, reason: 'This operation is not allowed when "payload" restriction is present' }
  }
  if (!check.ok) throw new AccessDenied(403, check.reason)
}
