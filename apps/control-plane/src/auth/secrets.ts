import { createHash, randomBytes } from 'node:crypto'

/** A random secret with a recognizable prefix (`qvs_` sessions, `qvm_` management keys, ...). */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`
}

/** Secrets are high-entropy, so a fast hash is enough; lookups go by this hash, never by the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
