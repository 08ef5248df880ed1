// A node's collection and snapshot API (Qdrant's REST contract), as backups and restores use it.
import { randomUUID } from 'node:crypto'
import { BackupIntegrityError } from '@quiver/backup-store'
import { signDataPlaneToken } from '@quiver/data-plane-auth'

const CALL_TIMEOUT_MS = 60_000
/** snapshots of large collections are written and moved as one file */
const TRANSFER_TIMEOUT_MS = 2 * 3600_000
const TOKEN_TTL_S = 600

export interface NodeSnapshot {
  name: string
  size: number
  /** sha256 of the archive, hex */
  checksum: string
}

export class NodeRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** A manage token minted for a job, renewed shortly before it expires (a long backup outlives one). */
export class JobToken {
  private current?: { token: string; exp: number }

  constructor(private readonly signingKey: string) {}

  async get(): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    if (!this.current || this.current.exp - now < 60) {
      const exp = now + TOKEN_TTL_S
      this.current = { token: await signDataPlaneToken({ access: 'm', exp }, this.signingKey), exp }
    }
    return this.current.token
  }
}

export class NodeSnapshots {
  constructor(
    readonly url: string,
    private readonly token: JobToken,
  ) {}

  async collections(): Promise<string[]> {
    const result = await this.json<{ collections: { name: string }[] }>('GET', '/collections')
    return result.collections.map((c) => c.name).sort()
  }

  async createSnapshot(collection: string): Promise<NodeSnapshot> {
    return this.json('POST', `/collections/${enc(collection)}/snapshots?wait=true`, undefined, TRANSFER_TIMEOUT_MS)
  }

  /** The snapshot's bytes as the node sends them. */
  async download(collection: string, snapshot: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.call('GET', `/collections/${enc(collection)}/snapshots/${enc(snapshot)}`, undefined, TRANSFER_TIMEOUT_MS)
    if (!response.body) throw new NodeRequestError(response.status, `${this.url}: snapshot ${snapshot} came without a body`)
    return response.body as unknown as AsyncIterable<Uint8Array>
  }

  async deleteSnapshot(collection: string, snapshot: string): Promise<void> {
    await this.json('DELETE', `/collections/${enc(collection)}/snapshots/${enc(snapshot)}`).catch((error: unknown) => {
      if (!(error instanceof NodeRequestError && error.status === 404)) throw error
    })
  }

  /**
   * Replaces (or creates) `collection` from a snapshot, sent as Qdrant's multipart `snapshot` field.
   * The node checks the bytes against `checksum` before it replaces anything.
   */
  async upload(collection: string, snapshot: AsyncIterable<Uint8Array>, checksum: string): Promise<void> {
    const boundary = `quiver-${randomUUID()}`
    async function* multipart() {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="snapshot"; filename="${randomUUID()}.snapshot"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      )
      yield* snapshot
      yield Buffer.from(`\r\n--${boundary}--\r\n`)
    }
    await this.json(
      'POST',
      `/collections/${enc(collection)}/snapshots/upload?wait=true&checksum=${checksum}`,
      { body: multipart(), contentType: `multipart/form-data; boundary=${boundary}` },
      TRANSFER_TIMEOUT_MS,
    )
  }

  async deleteCollection(collection: string): Promise<void> {
    await this.json('DELETE', `/collections/${enc(collection)}`)
  }

  private async json<T>(method: string, path: string, body?: { body: AsyncIterable<Uint8Array>; contentType: string }, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const response = await this.call(method, path, body, timeoutMs)
    return ((await response.json()) as { result: T }).result
  }

  private async call(method: string, path: string, body: { body: AsyncIterable<Uint8Array>; contentType: string } | undefined, timeoutMs: number) {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token.get()}` }
    if (body) headers['content-type'] = body.contentType
    let response: Response
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body: body?.body,
        duplex: body ? 'half' : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      } as RequestInit)
    } catch (error) {
      const cause = (error as { cause?: Error }).cause
      if (cause instanceof BackupIntegrityError) throw cause // the stored bytes, not the node, failed the upload
      throw new NodeRequestError(0, `${method} ${this.url}${path.split('?')[0]}: ${cause?.message ?? (error as Error).message}`)
    }
    if (!response.ok) {
      const text = await response.text()
      let reason = text
      try {
        reason = (JSON.parse(text) as { status?: { error?: string } }).status?.error ?? text
      } catch {
        // not JSON: the text itself says what went wrong
      }
      throw new NodeRequestError(response.status, `${method} ${path.split('?')[0]} on ${this.url}: ${response.status} ${reason}`)
    }
    return response
  }
}

const enc = encodeURIComponent

/** A client for each node of the cluster that has an address, in ordinal order, sharing one job token. */
export function nodeClients(nodes: { ordinal: number; url: string | null }[], signingKey: string): { ordinal: number; client: NodeSnapshots }[] {
  const token = new JobToken(signingKey)
  return nodes
    .filter((n) => n.url)
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((n) => ({ ordinal: n.ordinal, client: new NodeSnapshots(n.url!, token) }))
}
