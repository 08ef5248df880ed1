// Where backups live. `local` (a directory on this host) is the embedded default; other drivers
// (object storage) implement the same interface. Keys are `/`-separated paths of safe segments.
import type { Readable } from 'node:stream'

export interface StoredObject {
  readonly key: string
  readonly sizeBytes: number
  /** sha256 of the bytes, lowercase hex */
  readonly checksum: string
}

export interface BackupStore {
  /**
   * Stores the bytes of `source` under `key`, replacing nothing until all of them are written and
   * their sha256 equals `expectedChecksum`; on a mismatch nothing is stored and BackupIntegrityError is thrown.
   */
  put(key: string, source: AsyncIterable<Uint8Array>, expectedChecksum: string): Promise<StoredObject>
  /** Reads the whole object: BackupIntegrityError if it is missing or its sha256 is not `expectedChecksum`. */
  verify(key: string, expectedChecksum: string): Promise<StoredObject>
  /** The object's bytes; the stream fails (BackupIntegrityError) at its end if they do not hash to `expectedChecksum`. */
  read(key: string, expectedChecksum: string): Readable
  /** Removes every object whose key starts with `prefix/`; removing nothing is not an error. */
  deletePrefix(prefix: string): Promise<void>
  /** The next segment of every key below `prefix` (`''` for the top level). */
  listPrefixes(prefix: string): Promise<string[]>
}

/** A stored object is missing, damaged or not what it claims to be. */
export class BackupIntegrityError extends Error {}

const SEGMENT = /^[A-Za-z0-9_%-][A-Za-z0-9._%-]*$/

/** Splits a key into its segments, refusing anything that could leave the store (`..`, absolute paths, hidden files). */
export function keySegments(key: string): string[] {
  const segments = key.split('/')
  if (key === '' || segments.some((s) => !SEGMENT.test(s) || s.length > 255)) throw new TypeError(`invalid backup store key ${JSON.stringify(key)}`)
  return segments
}

/** A key segment for an arbitrary name (a collection's), reversible and safe. */
export function keySegment(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*~.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export const BACKUP_STORE = Symbol('BackupStore')
