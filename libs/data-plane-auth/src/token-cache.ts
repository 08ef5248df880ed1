import type { Principal } from './principal'

export interface TokenCacheLimits {
  /** Most tokens kept. */
  readonly maxEntries?: number
  /** Most characters of tokens kept, summed; a larger token is simply not cached. */
  readonly maxChars?: number
}

interface Entry {
  readonly principal: Principal
  /** Epoch ms after which the token is no longer accepted (exp + leeway), or Infinity. */
  readonly validUntil: number
}

/** Verified tokens → their principals, least recently used evicted first (Map keeps insertion order). */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>()
  private chars = 0
  private readonly maxEntries: number
  private readonly maxChars: number

  constructor(limits: TokenCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? 10_000
    this.maxChars = limits.maxChars ?? 16 * 1024 * 1024
  }

  get size(): number {
    return this.entries.size
  }

  get(token: string, now: number): Principal | undefined {
    const entry = this.entries.get(token)
    if (!entry) return undefined
    this.entries.delete(token)
    if (now >= entry.validUntil) {
      this.chars -= token.length
      return undefined
    }
    this.entries.set(token, entry)
    return entry.principal
  }

  set(token: string, principal: Principal, validUntil: number): void {
    if (this.maxEntries <= 0 || token.length > this.maxChars) return
    this.delete(token)
    this.entries.set(token, { principal, validUntil })
    this.chars += token.length
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break
      this.delete(oldest)
    }
  }

  delete(token: string): void {
    if (this.entries.delete(token)) this.chars -= token.length
  }
}
