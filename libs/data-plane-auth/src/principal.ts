import type { CollectionAccess, DataPlaneClaims, GlobalAccess, ValueExists } from './claims'
import { compileCollectionPattern, isCollectionName, isCollectionPattern } from './collection-pattern'

/** How the caller proved who it is. `open`: the node has no key configured (development only). */
export type CredentialKind = 'open' | 'api-key' | 'alt-api-key' | 'read-only-api-key' | 'jwt'

export interface CollectionGrant extends CollectionAccess {
  readonly covers: (collection: string) => boolean
  readonly isPattern: boolean
}

/** Who is calling and what it may touch: the input to `authorize`. */
export interface Principal {
  readonly credential: CredentialKind
  readonly access: GlobalAccess | readonly CollectionGrant[]
  /** From the JWT: revocable id, expiry (seconds), and the stateful check the node runs per request. */
  readonly jti?: string
  readonly exp?: number
  readonly valueExists?: ValueExists
}

export function staticPrincipal(credential: Exclude<CredentialKind, 'jwt'>): Principal {
  return { credential, access: credential === 'read-only-api-key' ? 'r' : 'm' }
}

/** The principal of verified, validated claims; patterns are compiled once here. */
export function principalFromClaims(claims: DataPlaneClaims): Principal {
  const access = claims.access ?? 'm'
  return {
    credential: 'jwt',
    access: typeof access === 'string' ? access : access.map(compileGrant),
    ...(claims.jti !== undefined && { jti: claims.jti }),
    ...(claims.exp !== undefined && { exp: claims.exp }),
    ...(claims.value_exists !== undefined && { valueExists: claims.value_exists }),
  }
}

function compileGrant(grant: CollectionAccess): CollectionGrant {
  return { ...grant, covers: compileCollectionPattern(grant.collection), isPattern: isCollectionPattern(grant.collection) }
}

/**
 * The grant that governs `collection`: a grant naming it exactly wins; otherwise the first pattern
 * in the token's order that covers it (like firewall rules, so the token author decides). None
 * governs a string that cannot be a collection's name (`t_*` must not reach `t_/../other`).
 */
export function grantFor(grants: readonly CollectionGrant[], collection: string): CollectionGrant | undefined {
  if (!isCollectionName(collection)) return undefined
  return grants.find((g) => !g.isPattern && g.collection === collection) ?? grants.find((g) => g.isPattern && g.covers(collection))
}
