import { hash, timingSafeEqual } from 'node:crypto'

export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

/** The credential of a request: the `api-key` header, else `Authorization: Bearer <token>`. */
export function credentialFrom(headers: IncomingHeaders): string | undefined {
  const apiKey = first(headers['api-key'])?.trim()
  if (apiKey) return apiKey
  const bearer = /^bearer\s+(.+)$/i.exec(first(headers['authorization'])?.trim() ?? '')
  return bearer?.[1].trim() || undefined
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0]
}

export interface StaticKeys {
  readonly apiKey?: string
  readonly altApiKey?: string
  readonly readOnlyApiKey?: string
}

export type StaticKeyKind = 'api-key' | 'alt-api-key' | 'read-only-api-key'

/** The node's static keys, compared in constant time: digests make every comparison equal-length. */
export class StaticKeyRing {
  private readonly digests: readonly (readonly [StaticKeyKind, Buffer])[]

  constructor(keys: StaticKeys) {
    const entries: [StaticKeyKind, string | undefined][] = [
      ['api-key', keys.apiKey],
      ['alt-api-key', keys.altApiKey],
      ['read-only-api-key', keys.readOnlyApiKey],
    ]
    // An empty key counts as unset, as in Qdrant: it must never match an empty credential.
    this.digests = entries.filter((e): e is [StaticKeyKind, string] => !!e[1]).map(([kind, key]) => [kind, digest(key)] as const)
  }

  /** No key at all: the node is open (development only). */
  get isEmpty(): boolean {
    return this.digests.length === 0
  }

  /** Which static key `credential` is, if any. Every configured key is compared, match or not. */
  match(credential: string): StaticKeyKind | undefined {
    const presented = digest(credential)
    let matched: StaticKeyKind | undefined
    for (const [kind, expected] of this.digests) {
      if (timingSafeEqual(presented, expected) && matched === undefined) matched = kind
    }
    return matched
  }
}

// One-shot: no Hash object per request (each one is a native handle the garbage collector must track).
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer')
}
