import { credentialFrom, IncomingHeaders, StaticKeyKind, StaticKeyRing, StaticKeys } from './credentials'
import { AuthFailure, forbidden, INVALID_CREDENTIAL, NO_CREDENTIAL, REVOKED, unauthorized } from './failures'
import { Principal, principalFromClaims, staticPrincipal } from './principal'
import type { RevocationList } from './revocations'
import { TokenCacheLimits, VerifiedTokenCache } from './token-cache'
import { tokenValidUntil, verifyDataPlaneToken } from './token'

export interface NodeAuthConfig extends StaticKeys {
  /** Accept JWTs signed with the API key or the alternate key (QUIVER_NODE_JWT_RBAC). */
  readonly jwtRbac?: boolean
}

export interface AuthenticatorOptions {
  readonly revocations?: Pick<RevocationList, 'isRevoked'>
  readonly cache?: TokenCacheLimits
  readonly now?: () => number
}

export type Authentication = { readonly ok: true; readonly principal: Principal } | AuthFailure

// One principal per static credential, so that whatever the node derives from a principal
// (its access scope) can be kept for the next request.
const authenticated = (kind: Exclude<Principal['credential'], 'jwt'>): Authentication => Object.freeze({ ok: true, principal: Object.freeze(staticPrincipal(kind)) })
const OPEN = authenticated('open')
const STATIC: Readonly<Record<StaticKeyKind, Authentication>> = {
  'api-key': authenticated('api-key'),
  'alt-api-key': authenticated('alt-api-key'),
  'read-only-api-key': authenticated('read-only-api-key'),
}

/**
 * Turns a request's headers into a principal: static keys first, then (with JWT RBAC) a verified
 * token, cached until its expiry so a repeated token costs a map lookup. A revocation wins over the
 * cache. `value_exists` is left to the node (it needs the node's data): see `principal.valueExists`.
 */
export class DataPlaneAuthenticator {
  private readonly keys: StaticKeyRing
  private readonly cache: VerifiedTokenCache
  private readonly now: () => number

  constructor(
    private readonly config: NodeAuthConfig,
    private readonly options: AuthenticatorOptions = {},
  ) {
    this.keys = new StaticKeyRing(config)
    this.cache = new VerifiedTokenCache(options.cache)
    this.now = options.now ?? Date.now
  }

  /** No key configured: every request is global manage. The node must say so loudly at start-up. */
  get isOpen(): boolean {
    return this.keys.isEmpty
  }

  get acceptsJwt(): boolean {
    return !!this.config.jwtRbac && !!(this.config.apiKey || this.config.altApiKey)
  }

  /** Tokens currently cached (for metrics). */
  get cachedTokens(): number {
    return this.cache.size
  }

  authenticate(headers: IncomingHeaders): Promise<Authentication> {
    return this.authenticateCredential(credentialFrom(headers))
  }

  async authenticateCredential(credential: string | undefined): Promise<Authentication> {
    if (this.isOpen) return OPEN
    if (credential === undefined) return unauthorized(NO_CREDENTIAL)
    const now = this.now()
    // A cached token was verified as a JWT after it matched no static key, so it can skip the
    // key comparison (a sha256 of the token, the largest part of a repeated JWT's cost).
    const cached = this.acceptsJwt ? this.cache.get(credential, now) : undefined
    if (cached) return this.unlessRevoked(credential, cached)
    const staticKey = this.keys.match(credential)
    if (staticKey) return STATIC[staticKey]
    if (!this.acceptsJwt) return unauthorized(INVALID_CREDENTIAL)

    const verified = await verifyDataPlaneToken(credential, { primary: this.config.apiKey, alternate: this.config.altApiKey }, now)
    if (!verified.ok) return verified
    const principal = principalFromClaims(verified.claims)
    this.cache.set(credential, principal, tokenValidUntil(principal.exp))
    return this.unlessRevoked(credential, principal)
  }

  private unlessRevoked(token: string, principal: Principal): Authentication {
    if (principal.jti !== undefined && this.options.revocations?.isRevoked(principal.jti)) {
      this.cache.delete(token)
      return forbidden(REVOKED)
    }
    return { ok: true, principal }
  }
}
