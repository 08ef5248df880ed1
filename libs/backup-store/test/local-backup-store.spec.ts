import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BackupIntegrityError, keySegment, keySegments, LocalBackupStore } from '../src'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function* chunks(bytes: Buffer, size = 64 * 1024, failAfter?: number) {
  for (let at = 0; at < bytes.length; at += size) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('connection reset')
    yield bytes.subarray(at, at + size)
  }
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of stream) parts.push(part)
  return Buffer.concat(parts)
}

let root: string
let store: LocalBackupStore
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'backup-store-'))
  store = new LocalBackupStore(root)
})
after(() => rm(root, { recursive: true, force: true }))

describe('local backup store', () => {
  const bytes = randomBytes(300_000)

  it('stores an object whose bytes hash to the expected checksum, and reads it back verified', async () => {
    const stored = await store.put('acc/b1/node-0/products.snapshot', chunks(bytes), sha256(bytes).toUpperCase())
    assert.deepEqual(stored, { key: 'acc/b1/node-0/products.snapshot', sizeBytes: bytes.length, checksum: sha256(bytes) })
    assert.deepEqual(await readFile(store.pathOf(stored.key)), bytes)
    assert.deepEqual(await store.verify(stored.key, sha256(bytes)), stored)
    assert.deepEqual(await collect(store.read(stored.key, sha256(bytes))), bytes)
    assert.deepEqual(await readdir(path.join(root, 'acc/b1/node-0')), ['products.snapshot'], 'no temporary file is left behind')
  })

  it('stores nothing when the bytes do not match the checksum, or the source fails midway', async () => {
    await assert.rejects(store.put('acc/b2/x.snapshot', chunks(bytes), sha256(Buffer.from('other'))), BackupIntegrityError)
    await assert.rejects(store.put('acc/b2/y.snapshot', chunks(bytes, 1000, 50_000), sha256(bytes)), /connection reset/)
    assert.deepEqual(await readdir(path.join(root, 'acc/b2')), [])
  })

  it('keeps the previous object when a replacement fails', async () => {
    const key = 'acc/b3/z.snapshot'
    await store.put(key, chunks(bytes), sha256(bytes))
    const other = randomBytes(1000)
    await assert.rejects(store.put(key, chunks(other), sha256(bytes)), BackupIntegrityError)
    assert.deepEqual(await readFile(store.pathOf(key)), bytes)
  })

  it('detects a damaged or missing object on verify and on read', async () => {
    const key = 'acc/b4/c.snapshot'
    await store.put(key, chunks(bytes), sha256(bytes))
    const damaged = Buffer.from(bytes)
    damaged[12345] ^= 0xff
    await writeFile(store.pathOf(key), damaged)
    await assert.rejects(store.verify(key, sha256(bytes)), (e: Error) => e instanceof BackupIntegrityError && /checksum mismatch/.test(e.message))
    await assert.rejects(collect(store.read(key, sha256(bytes))), BackupIntegrityError)
    await assert.rejects(store.verify('acc/b4/gone.snapshot', sha256(bytes)), /not in the backup store/)
    await assert.rejects(collect(store.read('acc/b4/gone.snapshot', sha256(bytes))), /not in the backup store/)
  })

  it('lists prefixes and deletes a prefix with everything below it', async () => {
    await store.put('acc2/b5/node-0/a.snapshot', chunks(bytes), sha256(bytes))
    await store.put('acc2/b6/node-1/b.snapshot', chunks(bytes), sha256(bytes))
    assert.deepEqual(await store.listPrefixes('acc2'), ['b5', 'b6'])
    assert.ok((await store.listPrefixes('')).includes('acc2'))
    await store.deletePrefix('acc2/b5')
    await store.deletePrefix('acc2/b5') // idempotent
    assert.deepEqual(await store.listPrefixes('acc2'), ['b6'])
    assert.deepEqual(await store.listPrefixes('nowhere'), [])
  })

  it('refuses keys that could leave the store, and encodes any collection name into a safe segment', () => {
    for (const bad of ['', '../x', 'a/../b', '/abs', 'a//b', '.hidden', 'a/.tmp']) assert.throws(() => keySegments(bad), TypeError, bad)
    for (const name of ['products', 'a.b', '..', 'with space', 'ünïcode', 'x/y']) {
      const segment = keySegment(name)
      assert.deepEqual(keySegments(segment), [segment])
      assert.equal(decodeURIComponent(segment), name)
    }
  })
})
