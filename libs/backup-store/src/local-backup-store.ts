// The embedded driver: objects are files below one directory. A write goes to a hidden temporary
// file that is renamed into place only once every byte is on disk and hashes to the expected
// checksum, so a crash or a failed transfer never leaves a partial object under its key.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BackupIntegrityError, BackupStore, keySegments, StoredObject } from './backup-store'

/** Hashes and counts the bytes passing through; `check` fails the stream at its end on a mismatch. */
function hashing(check?: (checksum: string, size: number) => Error | null) {
  const hash = createHash('sha256')
  let size = 0
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    },
    flush(done) {
      result.checksum = hash.digest('hex')
      result.size = size
      done(check?.(result.checksum, size) ?? null)
    },
  })
  const result = { stream, checksum: '', size: 0 }
  return result
}

async function fsync(target: string): Promise<void> {
  const handle = await open(target, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const mismatch = (key: string, expected: string, actual: string) =>
  new BackupIntegrityError(`${key}: checksum mismatch (expected sha256 ${expected}, stored bytes hash to ${actual})`)

const missing = (key: string) => new BackupIntegrityError(`${key}: not in the backup store`)

export class LocalBackupStore implements BackupStore {
  constructor(readonly root: string) {}

  /** The file holding `key` (for tests and tools; callers go through the interface). */
  pathOf(key: string): string {
    return path.join(this.root, ...keySegments(key))
  }

  async put(key: string, source: AsyncIterable<Uint8Array>, expectedChecksum: string): Promise<StoredObject> {
    const file = this.pathOf(key)
    const dir = path.dirname(file)
    await mkdir(dir, { recursive: true })
    const temp = path.join(dir, `.${path.basename(file)}.tmp-${randomUUID()}`)
    const expected = expectedChecksum.toLowerCase()
    const hashed = hashing()
    try {
      await pipeline(Readable.from(source), hashed.stream, createWriteStream(temp, { flags: 'wx' }))
      if (hashed.checksum !== expected) throw mismatch(key, expected, hashed.checksum)
      await fsync(temp)
      await rename(temp, file)
      await fsync(dir)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    return { key, sizeBytes: hashed.size, checksum: hashed.checksum }
  }

  async verify(key: string, expectedChecksum: string): Promise<StoredObject> {
    const expected = expectedChecksum.toLowerCase()
    const hashed = hashing()
    try {
      await pipeline(createReadStream(this.pathOf(key)), hashed.stream, async (chunks: AsyncIterable<Buffer>) => {
        for await (const _ of chunks); // drain: only the hash matters
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(key)
      throw error
    }
    if (hashed.checksum !== expected) throw mismatch(key, expected, hashed.checksum)
    return { key, sizeBytes: hashed.size, checksum: hashed.checksum }
  }

  read(key: string, expectedChecksum: string): Readable {
    const expected = expectedChecksum.toLowerCase()
    const checked = hashing((actual) => (actual === expected ? null : mismatch(key, expected, actual)))
    const file = createReadStream(this.pathOf(key))
    file.on('error', (error: NodeJS.ErrnoException) => checked.stream.destroy(error.code === 'ENOENT' ? missing(key) : error))
    return file.pipe(checked.stream)
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true })
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    const dir = prefix === '' ? this.root : this.pathOf(prefix)
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []
      throw error
    })
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort()
  }
}
