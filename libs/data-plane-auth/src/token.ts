import { errors, jwtVerify, SignJWT } from 'jose'
import { DataPlaneClaims, parseClaims } from './claims'
import { AuthFailure, BAD_SIGNATURE, EXPIRED, forbidden, INVALID_CREDENTIAL, ONLY_HS256, unauthorized } from './failures'

export const JWT_ALGORITHM = 'HS256'
/** Clock skew tolerated on `exp`, as in Qdrant. */
export const EXP_LEEWAY_SECONDS = 30

/** The node's API key signs tokens; the alternate key keeps tokens valid through a key rotation. */
export interface SigningKeys {
  readonly primary?: string
  readonly alternate?: string
}

export type TokenVerification = { readonly ok: true; readonly claims: DataPlaneClaims } | AuthFailure

export class InvalidClaimsError extends Error {}

/** Signs claims with HS256 after validating them, so the control plane never mints a token the node refuses. */
export async function signDataPlaneToken(claims: DataPlaneClaims, key: string): Promise<string> {
  if (key.length === 0) throw new TypeError('the signing key is empty')
  const parsed = parseClaims(claims)
  if (!parsed.ok) throw new InvalidClaimsError(`invalid data-plane claims: ${parsed.error}`)
  return new SignJWT({ ...parsed.claims }).setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT' }).sign(encode(key))
}

/**
 * Verifies a token against the primary key, then the alternate one. Not a JWT, another algorithm
 * or invalid claims → 401; a bad signature or `exp` more than 30 s past → 403 (Qdrant's split).
 */
export async function verifyDataPlaneToken(token: string, keys: SigningKeys, now: number = Date.now()): Promise<TokenVerification> {
  const candidates = [keys.primary, keys.alternate].filter((k): k is string => !!k)
  let failure: AuthFailure = unauthorized(INVALID_CREDENTIAL)
  for (const key of candidates) {
    try {
      const { payload } = await jwtVerify(token, encode(key), {
        algorithms: [JWT_ALGORITHM],
        clockTolerance: EXP_LEEWAY_SECONDS,
        currentDate: new Date(now),
      })
      const parsed = parseClaims(payload)
      return parsed.ok ? parsed : unauthorized(`Invalid JWT claims: ${parsed.error}`)
    } catch (error) {
      // Only a signature mismatch can depend on the key; every other outcome is the same for both.
      if (error instanceof errors.JWSSignatureVerificationFailed) failure = forbidden(BAD_SIGNATURE)
      else return failureOf(error)
    }
  }
  return failure
}

function failureOf(error: unknown): AuthFailure {
  if (error instanceof errors.JWTExpired) return forbidden(EXPIRED)
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized(ONLY_HS256)
  if (error instanceof errors.JWTClaimValidationFailed) return unauthorized(`Invalid JWT claims: ${error.message}`)
  if (error instanceof errors.JOSEError) return unauthorized(INVALID_CREDENTIAL)
  throw error
}

const encoder = new TextEncoder()

function encode(key: string): Uint8Array {
  return encoder.encode(key)
}

/** Epoch ms from which a token with this `exp` is refused: jose accepts while `exp > floor(now s) - leeway`. */
export function tokenValidUntil(exp: number | undefined): number {
  return exp === undefined ? Infinity : Math.ceil(exp + EXP_LEEWAY_SECONDS) * 1000
}
