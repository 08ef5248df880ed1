// Checkpoints: a consistent image of a collection's points at log position `lsn`, in a directory
//   checkpoints/<lsn>/{index.hnsw, vectors.f32, points.ndjson, manifest.json}
// named by the CURRENT file. Written while the collection holds its writes (searches go on), every
// file hashed into the manifest and checked again on load.
import { open, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { FieldSchema } from '../index/payload-index'
import { VectorIndex } from '../index/vector-index'
import { VectorStore } from '../index/vector-store'
import type { PointId } from '../points/ids'
import { Payload, PointStore, VectorSpace } from '../points/point-store'
import { fsyncDirectory, fsyncFile, writeFileAtomic, writeFileSynced } from './files'
import { sha256File } from './hashing'

export const CHECKPOINT_FILES = ['index.hnsw', 'vectors.f32', 'points.ndjson'] as const

export interface CheckpointManifest {
  readonly format: 1
  readonly lsn: number
  readonly labelCount: number
  readonly pointsCount: number
  readonly fieldIndexes: readonly { readonly field: string; readonly schema: FieldSchema }[]
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>
}

const CURRENT = 'CURRENT'
const POINTS_PER_CHUNK = 500

export class CorruptCheckpoint extends Error {}

/** The directory of the current checkpoint, or undefined for a collection that never had one. */
export async function currentCheckpoint(collectionDir: string): Promise<string | undefined> {
  try {
    const name = (await readFile(path.join(collectionDir, CURRENT), 'utf8')).trim()
    return path.join(collectionDir, 'checkpoints', name)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Writes a checkpoint of `store` at `lsn`; the caller keeps the store unchanged until this resolves. */
export async function writeCheckpoint(collectionDir: string, store: PointStore, lsn: number): Promise<string> {
  const root = path.join(collectionDir, 'checkpoints')
  const name = String(lsn).padStart(20, '0')
  const temp = path.join(root, `tmp-${name}-${process.pid}-${Date.now()}`)
  await mkdir(temp, { recursive: true })
  const files: Record<string, { bytes: number; sha256: string }> = {}

  await store.index.save(path.join(temp, 'index.hnsw'))
  await fsyncFile(path.join(temp, 'index.hnsw'))
  files['index.hnsw'] = { bytes: (await stat(path.join(temp, 'index.hnsw'))).size, sha256: await sha256File(path.join(temp, 'index.hnsw')) }

  files['vectors.f32'] = await writeHashed(path.join(temp, 'vectors.f32'), store.vectors.bytes(store.labelCount))

  files['points.ndjson'] = await writeHashed(path.join(temp, 'points.ndjson'), pointLines(store))

  const manifest: CheckpointManifest = {
    format: 1,
    lsn,
    labelCount: store.labelCount,
    pointsCount: store.count,
    fieldIndexes: store.payloadIndex.list().map((f) => ({ field: f.field, schema: f.schema })),
    files,
  }
  await writeFileSynced(path.join(temp, 'manifest.json'), JSON.stringify(manifest, null, 1))
  await fsyncDirectory(temp)
  const final = path.join(root, name)
  await rm(final, { recursive: true, force: true })
  await rename(temp, final)
  await fsyncDirectory(root)
  await writeFileAtomic(path.join(collectionDir, CURRENT), name)
  return final
}

/** Removes checkpoint directories other than the current one and those `keep` names (pinned by a snapshot). */
export async function pruneCheckpoints(collectionDir: string, keep: ReadonlySet<string>): Promise<void> {
  const current = await currentCheckpoint(collectionDir)
  const root = path.join(collectionDir, 'checkpoints')
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    const dir = path.join(root, entry)
    if (dir !== current && !keep.has(dir)) await rm(dir, { recursive: true, force: true })
  }
}

/** Writes `chunks` to `file`, hashing them and yielding between them so searches keep being served. */
async function writeHashed(file: string, chunks: Iterable<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const handle = await open(file, 'w')
  const hash = createHash('sha256')
  let bytes = 0
  try {
    for (const chunk of chunks) {
      hash.update(chunk)
      await handle.write(chunk)
      bytes += chunk.byteLength
      await yieldToEventLoop()
    }
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { bytes, sha256: hash.digest('hex') }
}

function* pointLines(store: PointStore): Generator<Uint8Array> {
  let lines: string[] = []
  for (const label of store.liveLabels()) {
    lines.push(JSON.stringify([label, store.idAt(label), store.versionAt(label), store.payloadAt(label)]))
    if (lines.length === POINTS_PER_CHUNK) {
      yield Buffer.from(lines.join('\n') + '\n')
      lines = []
    }
  }
  if (lines.length > 0) yield Buffer.from(lines.join('\n') + '\n')
}

/** Checks every file of a checkpoint against its manifest (sizes and sha256). */
export async function verifyCheckpoint(dir: string): Promise<CheckpointManifest> {
  let manifest: CheckpointManifest
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest
  } catch (error) {
    throw new CorruptCheckpoint(`${dir}: unreadable manifest (${(error as Error).message})`)
  }
  if (manifest.format !== 1) throw new CorruptCheckpoint(`${dir}: unknown checkpoint format ${String(manifest.format)}`)
  for (const name of CHECKPOINT_FILES) {
    const expected = manifest.files?.[name]
    const file = path.join(dir, name)
    const actual = expected && (await sha256File(file).catch(() => undefined))
    if (!expected || actual !== expected.sha256) throw new CorruptCheckpoint(`${name}: checksum mismatch (the checkpoint is damaged)`)
  }
  return manifest
}

/** Reads and verifies a checkpoint into a new store. */
export async function readCheckpoint(dir: string, space: VectorSpace): Promise<{ store: PointStore; manifest: CheckpointManifest }> {
  const manifest = await verifyCheckpoint(dir)
  const index = await VectorIndex.load(path.join(dir, 'index.hnsw'), space.distance, space.size)
  try {
    const vectors = new VectorStore(space.size)
    const file = await open(path.join(dir, 'vectors.f32'))
    await vectors.load(file, manifest.labelCount).finally(() => file.close())
    const store = new PointStore(space, index, vectors)
    const text = await readFile(path.join(dir, 'points.ndjson'), 'utf8')
    for (const line of text.split('\n')) {
      if (line === '') continue
      const [label, id, version, payload] = JSON.parse(line) as [number, PointId, number, Payload]
      store.restore(label, id, payload, version)
    }
    store.finishRestore(manifest.labelCount)
    for (const { field, schema } of manifest.fieldIndexes) {
      store.payloadIndex.create(field, schema, [...store.liveLabels()].map((l) => [l, store.payloadAt(l)] as [number, unknown]))
    }
    if (store.count !== manifest.pointsCount) throw new CorruptCheckpoint(`${dir}: holds ${store.count} points, manifest says ${manifest.pointsCount}`)
    return { store, manifest }
  } catch (error) {
    index.release()
    throw error
  }
}
