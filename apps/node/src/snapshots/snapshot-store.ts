// Collection snapshots: <dataDir>/snapshots/<collection>/<name>.snapshot (a tar of collection.json
// and a checkpoint) with a <name>.snapshot.checksum file holding its sha256, as Qdrant keeps them.
// A snapshot archives a checkpoint taken for it, so it is consistent while writes go on.
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { CollectionRegistry } from '../collections/registry'
import { CONFIG_FILE, StoredCollectionConfig } from '../collections/registry'
import { parseCreateCollection, qdrantConfig, validateCollectionName } from '../collections/collection-config'
import { NotFound, WrongInput } from '../errors'
import { CHECKPOINT_FILES, verifyCheckpoint } from '../storage/checkpoint'
import { fsyncDirectory, writeFileAtomic } from '../storage/files'
import { sha256File } from '../storage/hashing'
import { readTar, writeTar } from './tar'

export interface SnapshotDescription {
  readonly name: string
  readonly creation_time: string
  readonly size: number
  readonly checksum: string
}

const SNAPSHOT_NAME = /^[^/\\\0]+\.snapshot$/
const ARCHIVED_CHECKPOINT_FILES = ['manifest.json', ...CHECKPOINT_FILES]

export class SnapshotStore {
  readonly root: string

  constructor(
    dataDir: string,
    private readonly registry: CollectionRegistry,
  ) {
    this.root = path.join(dataDir, 'snapshots')
  }

  async create(collectionName: string): Promise<SnapshotDescription> {
    const collection = this.registry.get(collectionName)
    const dir = path.join(this.root, collectionName)
    await mkdir(dir, { recursive: true })
    const name = `${collectionName}-${timestamp()}.snapshot`
    const temp = path.join(dir, `.${name}.tmp-${randomUUID()}`)
    const pin = await collection.pinCheckpoint()
    let checksum: string
    try {
      checksum = await writeTar(temp, [
        { name: CONFIG_FILE, file: path.join(collection.dir, CONFIG_FILE) },
        ...ARCHIVED_CHECKPOINT_FILES.map((f) => ({ name: `checkpoint/${f}`, file: path.join(pin.dir, f) })),
      ])
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    } finally {
      pin.release()
    }
    await writeFileAtomic(path.join(dir, `${name}.checksum`), checksum)
    await rename(temp, path.join(dir, name))
    await fsyncDirectory(dir)
    return this.describe(collectionName, name)
  }

  async list(collectionName: string): Promise<SnapshotDescription[]> {
    const names = await readdir(path.join(this.root, collectionName)).catch(() => [] as string[])
    const snapshots = await Promise.all(names.filter((n) => SNAPSHOT_NAME.test(n) && !n.startsWith('.')).map((n) => this.describe(collectionName, n)))
    return snapshots.sort((a, b) => a.creation_time.localeCompare(b.creation_time) || a.name.localeCompare(b.name))
  }

  /** The file of snapshot `name`, or 404. */
  async file(collectionName: string, name: string): Promise<string> {
    if (!SNAPSHOT_NAME.test(name) || name.startsWith('.')) throw new NotFound(`Snapshot ${name} not found`)
    const file = path.join(this.root, collectionName, name)
    try {
      await stat(file)
    } catch {
      throw new NotFound(`Snapshot ${name} not found`)
    }
    return file
  }

  async delete(collectionName: string, name: string): Promise<void> {
    const file = await this.file(collectionName, name)
    await unlink(file)
    await rm(`${file}.checksum`, { force: true })
  }

  /** A temporary file for an incoming snapshot (an upload or a download), on the data directory's file system. */
  async incomingFile(): Promise<string> {
    const dir = path.join(this.root, '.incoming')
    await mkdir(dir, { recursive: true })
    return path.join(dir, `${randomUUID()}.snapshot`)
  }

  /** The checksum recorded next to a snapshot of this node, if `file` is one. */
  async recordedChecksum(file: string): Promise<string | undefined> {
    return readFile(`${file}.checksum`, 'utf8').then((s) => s.trim(), () => undefined)
  }

  /**
   * Replaces (or creates) collection `collectionName` from the snapshot in `file`. The archive's
   * sha256 must equal `expectedChecksum` when one is given, and every file must match the checkpoint
   * manifest inside; nothing is replaced unless all of it checks out.
   */
  async recover(collectionName: string, file: string, expectedChecksum: string | undefined): Promise<void> {
    validateCollectionName(collectionName)
    if (expectedChecksum !== undefined) {
      const actual = await sha256File(file)
      if (actual !== expectedChecksum.toLowerCase()) throw new WrongInput(`Snapshot checksum mismatch: expected ${expectedChecksum}, got ${actual}`)
    }
    const staging = await this.registry.stagingDir()
    try {
      const extracted = path.join(staging, 'checkpoints', 'extracted')
      await mkdir(extracted, { recursive: true })
      const names = await readTar(file, (name) => {
        if (name === CONFIG_FILE) return path.join(staging, CONFIG_FILE)
        const inner = name.startsWith('checkpoint/') ? name.slice('checkpoint/'.length) : ''
        if (ARCHIVED_CHECKPOINT_FILES.includes(inner)) return path.join(extracted, inner)
        throw new Error(`unexpected entry ${JSON.stringify(name)}`)
      })
      if (!names.includes(CONFIG_FILE)) throw new Error(`missing ${CONFIG_FILE}`)
      const manifest = await verifyCheckpoint(extracted)
      await checkStoredConfig(path.join(staging, CONFIG_FILE))
      const checkpointName = String(manifest.lsn).padStart(20, '0')
      await rename(extracted, path.join(staging, 'checkpoints', checkpointName))
      await writeFile(path.join(staging, 'CURRENT'), checkpointName)
      await fsyncDirectory(staging)
    } catch (error) {
      await rm(staging, { recursive: true, force: true })
      throw new WrongInput(`Snapshot is not a valid collection snapshot: ${(error as Error).message}`)
    }
    await this.registry.replace(collectionName, staging)
  }

  private async describe(collectionName: string, name: string): Promise<SnapshotDescription> {
    const file = path.join(this.root, collectionName, name)
    const info = await stat(file)
    return {
      name,
      creation_time: info.mtime.toISOString().slice(0, 19),
      size: info.size,
      checksum: (await this.recordedChecksum(file)) ?? (await sha256File(file)),
    }
  }
}

/** The collection settings inside a snapshot must be ones this node would have accepted at creation. */
async function checkStoredConfig(file: string): Promise<void> {
  const stored = JSON.parse(await readFile(file, 'utf8')) as StoredCollectionConfig
  const c = stored.config
  const shown = qdrantConfig(c) as { hnsw_config: Record<string, unknown> }
  parseCreateCollection({ vectors: c?.vectors, hnsw_config: shown.hnsw_config })
}

function timestamp(): string {
  const d = new Date()
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`
}
