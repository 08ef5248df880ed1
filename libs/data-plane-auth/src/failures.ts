/** Why a request was not authenticated, with the status the node answers (401 or 403). */
export interface AuthFailure {
  readonly ok: false
  readonly status: 401 | 403
  readonly reason: string
}

export function unauthorized(reason: string): AuthFailure {
  return { ok: false, status: 401, reason }
}

export function forbidden(reason: string): AuthFailure {
  return { ok: false, status: 403, reason }
}

// Qdrant's wording where Qdrant has one, so its users recognize the answers.
export const NO_CREDENTIAL = 'Must provide an API key or an Authorization bearer token'
export const INVALID_CREDENTIAL = 'Invalid API key or JWT'
export const ONLY_HS256 = 'Invalid JWT: only HS256 tokens are accepted'
export const BAD_SIGNATURE = 'Invalid JWT signature'
export const EXPIRED = 'JWT has expired'
export const REVOKED = 'JWT has been revoked'
export const STATEFUL_VALIDATION_FAILED = 'Invalid JWT, stateful validation failed'
