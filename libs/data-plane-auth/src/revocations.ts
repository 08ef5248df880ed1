import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import path from 'node:path'
import { MAX_JTI_LENGTH } from './claims'
import { tokenValidUntil } from './token'

/** A revoked token id, kept until its token could no longer be accepted anyway (`exp: null` = forever). */
export interface Revocation {
  readonly jti: string
  readonly exp: number | null
}

export type RevocationsParse = { readonly ok: true; readonly revocations: Revocation[] } | { readonly ok: false; readonly error: string }

export const MAX_REVOCATIONS_PER_REQUEST = 10_000

/** The body of `POST /internal/revocations`: `{"revocations": [{"jti": "...", "exp": 1767225600}]}`. */
export function parseRevocationRequest(body: unknown): RevocationsParse {
  const list = revocationsOf(body)
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_REVOCATIONS_PER_REQUEST) {
    return { ok: false, error: `revocations must be a list of 1 to ${MAX_REVOCATIONS_PER_REQUEST} {jti, exp}` }
  }
  return readRevocations(list)
}

function revocationsOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { revocations?: unknown }).revocations : undefined
}

function readRevocations(list: readonly unknown[]): RevocationsParse {
  const revocations: Revocation[] = []
  for (const [i, entry] of list.entries()) {
    const { jti, exp = null } = (typeof entry === 'object' && entry !== null ? entry : {}) as { jti?: unknown; exp?: unknown }
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
      return { ok: false, error: `revocations[${i}].jti must be a non-empty string of at most ${MAX_JTI_LENGTH} characters` }
    }
    if (exp !== null && (typeof exp !== 'number' || !Number.isFinite(exp))) {
      return { ok: false, error: `revocations[${i}].exp must be a NumericDate or null` }
    }
    revocations.push({ jti, exp })
  }
  return { ok: true, revocations }
}

/**
 * The node's revoked token ids: in memory for the per-request check, persisted as one JSON file
 * replaced atomically (temp file, fsync, rename), so a crash leaves the old list or the new one.
 */
export class RevocationList {
  private writing: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, number | null>,
    private readonly now: () => number,
  ) {}

  /** Loads the list at `file` (none yet = empty). An unreadable file throws: forgetting revocations is not an option. */
  static async open(file: string, now: () => number = Date.now): Promise<RevocationList> {
    const entries = new Map<string, number | null>()
    let text: string | undefined
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    if (text !== undefined) {
      const parsed = parseFile(text)
      if (!parsed.ok) throw new Error(`revocation list ${file} is unreadable: ${parsed.error}`)
      for (const { jti, exp } of parsed.revocations) entries.set(jti, exp)
    }
    const list = new RevocationList(file, entries, now)
    list.prune()
    return list
  }

  get size(): number {
    return this.entries.size
  }

  isRevoked(jti: string): boolean {
    return this.entries.has(jti)
  }

  /** Revokes at once in memory; resolves when the list is on disk. */
  revoke(revocations: readonly Revocation[]): Promise<void> {
    for (const { jti, exp } of revocations) {
      const kept = this.entries.get(jti)
      // Keep the longest life seen: the same jti must not come back early.
      const longest = kept === null || exp === null ? null : Math.max(kept ?? exp, exp)
      this.entries.set(jti, longest)
    }
    this.prune()
    const write = this.writing.catch(() => undefined).then(() => this.persist())
    this.writing = write
    return write
  }

  private prune(): void {
    const now = this.now()
    for (const [jti, exp] of this.entries) {
      if (exp !== null && now >= tokenValidUntil(exp)) this.entries.delete(jti)
    }
  }

  private async persist(): Promise<void> {
    const revocations = [...this.entries].map(([jti, exp]) => ({ jti, exp }))
    await mkdir(path.dirname(this.file), { recursive: true })
    const temporary = `${this.file}.${randomUUID()}.tmp`
    try {
      const handle = await open(temporary, 'w', 0o600)
      try {
        await handle.writeFile(JSON.stringify({ revocations }))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temporary, this.file)
      await syncDirectory(path.dirname(this.file))
    } catch (error) {
      await unlink(temporary).catch(() => undefined)
      throw error
    }
  }
}

function parseFile(text: string): RevocationsParse {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    return { ok: false, error: (error as Error).message }
  }
  const list = revocationsOf(body)
  return Array.isArray(list) ? readRevocations(list) : { ok: false, error: 'no "revocations" list' }
}

// The rename is durable only once the directory entry is; some platforms cannot fsync a directory.
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined)
  if (!handle) return
  await handle.sync().catch(() => undefined)
  await handle.close()
}
