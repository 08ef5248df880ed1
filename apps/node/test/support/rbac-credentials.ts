// The credentials of the access-control suites: the node's three static keys, tokens for every
// column of API.md's operation table, and the tokens a node must refuse (expired, wrong key,
// `alg: none`, HS512, tampered, invalid claims, revoked), the bad ones built by hand with jose.
import { DataPlaneClaims, signDataPlaneToken } from '@quiver/data-plane-auth'
import { SignJWT } from 'jose'

export const KEYS = { manage: 'rbac-manage-key-7f3a9c', alt: 'rbac-alternate-key-1d8e4b', readOnly: 'rbac-read-only-key-5b2f0e' } as const

/** A node with all three keys and JWT RBAC on. */
export const RBAC_ENV: Record<string, string> = {
  QUIVER_NODE_API_KEY: KEYS.manage,
  QUIVER_NODE_ALT_API_KEY: KEYS.alt,
  QUIVER_NODE_READ_ONLY_API_KEY: KEYS.readOnly,
  QUIVER_NODE_JWT_RBAC: 'true',
}

/** API.md's columns, plus a collection grant (rw) with a payload restriction. */
export type Column = 'r' | 'm' | 'collR' | 'collRw' | 'collPrw' | 'restricted'

export interface Credential {
  readonly name: string
  readonly headers: Readonly<Record<string, string>>
  /** The column of the table the credential falls in... */
  readonly column?: Column
  /** ...or the answer every route that needs a credential gives it. */
  readonly refused?: { readonly status: 401 | 403; readonly reason: RegExp }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const inHour = () => Math.floor(Date.now() / 1000) + 3600
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An unsigned token (`alg: none`), as an attacker would send it. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`
}

/** A token signed with the right key but another algorithm, or with claims the node must refuse. */
export function signByHand(claims: Record<string, unknown>, key: string, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(key))
}

/** `token` with its payload replaced and the original signature kept. */
export function tamperedToken(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.')
  return `${header}.${base64url(claims)}.${signature}`
}

export const sign = (claims: DataPlaneClaims, key: string = KEYS.manage) => signDataPlaneToken(claims, key)

/** The jti the suites revoke before they run. */
export const REVOKED_JTI = 'rbac-suite-revoked-token'

/** Every credential of the table; the collection grants name `collections` (the suite's collections). */
export async function tableCredentials(collections: readonly string[], restriction: Record<string, string>): Promise<Credential[]> {
  const grants = (access: 'r' | 'rw' | 'prw', extra = {}) => collections.map((collection) => ({ collection, access, ...extra }))
  const collectionR = await sign({ access: grants('r'), exp: inHour() })
  const refuse = (status: 401 | 403, reason: RegExp) => ({ refused: { status, reason } })
  return [
    { name: 'no credential', headers: {}, ...refuse(401, /^Must provide an API key or an Authorization bearer token$/) },
    { name: 'read-only key', headers: { 'api-key': KEYS.readOnly }, column: 'r' },
    { name: 'manage key', headers: { 'api-key': KEYS.manage }, column: 'm' },
    { name: 'alternate key (as Bearer)', headers: bearer(KEYS.alt), column: 'm' },
    { name: 'global r JWT (in api-key)', headers: { 'api-key': await sign({ access: 'r', exp: inHour() }) }, column: 'r' },
    { name: 'global m JWT (alternate key)', headers: bearer(await sign({ access: 'm', exp: inHour() }, KEYS.alt)), column: 'm' },
    { name: 'JWT without access (= manage)', headers: bearer(await sign({ sub: 'ops' })), column: 'm' },
    { name: 'collection r', headers: bearer(collectionR), column: 'collR' },
    { name: 'collection rw', headers: bearer(await sign({ access: grants('rw') })), column: 'collRw' },
    { name: 'collection prw', headers: bearer(await sign({ access: grants('prw') })), column: 'collPrw' },
    { name: 'glob pattern rw', headers: bearer(await sign({ access: [{ collection: 'rbac_*', access: 'rw' }] })), column: 'collRw' },
    { name: 'payload-restricted rw', headers: bearer(await sign({ access: grants('rw', { payload: restriction }) })), column: 'restricted' },
    { name: 'malformed token', headers: bearer('not-a-key-nor-a.jwt'), ...refuse(401, /^Invalid API key or JWT$/) },
    { name: 'invalid claims', headers: bearer(await signByHand({ access: 'admin' }, KEYS.manage)), ...refuse(401, /^Invalid JWT claims: access must be/) },
    { name: 'expired', headers: bearer(await sign({ access: 'm', exp: Math.floor(Date.now() / 1000) - 3600 })), ...refuse(403, /^JWT has expired$/) },
    { name: 'wrong key', headers: bearer(await sign({ access: 'm' }, 'some-other-secret')), ...refuse(403, /^Invalid JWT signature$/) },
    { name: 'signed with the read-only key', headers: bearer(await sign({ access: 'm' }, KEYS.readOnly)), ...refuse(403, /^Invalid JWT signature$/) },
    { name: 'alg: none', headers: bearer(unsignedToken({ access: 'm' })), ...refuse(401, /^Invalid JWT: only HS256 tokens are accepted$/) },
    { name: 'HS512 with the API key', headers: bearer(await signByHand({ access: 'm' }, KEYS.manage, 'HS512')), ...refuse(401, /^Invalid JWT: only HS256 tokens are accepted$/) },
    { name: 'tampered payload', headers: bearer(tamperedToken(collectionR, { access: 'm' })), ...refuse(403, /^Invalid JWT signature$/) },
    { name: 'revoked', headers: bearer(await sign({ access: 'm', jti: REVOKED_JTI, exp: inHour() })), ...refuse(403, /^JWT has been revoked$/) },
  ]
}
