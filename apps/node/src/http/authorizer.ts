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
  valueExistsFailure,
  valueExistsFilter,
} from '@quiver/data-plane-auth'
import type { CollectionRegistry } from '../collections/registry'
import type { NodeAuthSettings } from '../config'
import { AccessDenied } from '../errors'
import { parseFilter } from '../filters/filter'
import type { PointStore } from '../points/point-store'
import { scrollPoints } from '../points/reads'
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
      const scope: AccessScope = { canSee: (name) => authorize(principal, 'collections:exists', name).allowed }
      const restriction = decision.restriction
      if (!restriction) return scope
      return { ...scope, pointFilter: restrictFilter(undefined, restriction), checkWrite: (op, store) => checkRestrictedWrite(op, store, restriction) }
    },
  }
}

/** Qdrant's `value_exists`: the token holds only while a point with those values exists. */
function checkValueExists(principal: Principal, registry: CollectionRegistry): void {
  const valueExists = principal.valueExists!
  if (!registry.has(valueExists.collection)) {
    const failure = valueExistsFailure(false)
    throw new AccessDenied(failure.status, failure.reason)
  }
  const store = registry.get(valueExists.collection).store
  const page = scrollPoints(store, { limit: 1, filter: parseFilter(valueExistsFilter(valueExists)), withPayload: { kind: 'none' }, withVector: false }, undefined)
  if (page.points.length === 0) {
    const failure = valueExistsFailure(true)
    throw new AccessDenied(failure.status, failure.reason)
  }
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
