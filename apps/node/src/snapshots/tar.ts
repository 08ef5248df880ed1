// Snapshots are plain ustar archives (`tar -tf` lists them), written and read here with only the
// features we need: regular files, names under 100 bytes.
import { createHash, Hash } from 'node:crypto'
import { FileHandle, open } from 'node:fs/promises'

const BLOCK = 512
const COPY_CHUNK = 1 << 20

export interface TarEntry {
  readonly name: string
  readonly file: string
}

/** Writes `entries` into `target` and returns the archive's sha256. */
export async function writeTar(target: string, entries: readonly TarEntry[]): Promise<string> {
  const out = await open(target, 'w')
  const hash = createHash('sha256')
  try {
    for (const entry of entries) {
      const input = await open(entry.file, 'r')
      try {
        const { size } = await input.stat()
        await emit(out, hash, header(entry.name, size))
        await copy(input, size, async (chunk) => emit(out, hash, chunk))
        const pad = (BLOCK - (size % BLOCK)) % BLOCK
        if (pad > 0) await emit(out, hash, Buffer.alloc(pad))
      } finally {
        await input.close()
      }
    }
    await emit(out, hash, Buffer.alloc(2 * BLOCK))
    await out.sync()
  } finally {
    await out.close()
  }
  return hash.digest('hex')
}

/** Extracts the archive; `destination(name)` says where an entry goes, or throws for an unexpected one. */
export async function readTar(source: string, destination: (name: string) => string): Promise<string[]> {
  const input = await open(source, 'r')
  const names: string[] = []
  try {
    const { size: total } = await input.stat()
    let position = 0
    for (;;) {
      if (position + BLOCK > total) throw new Error('the archive ends in the middle of an entry')
      const block = Buffer.alloc(BLOCK)
      await input.read(block, 0, BLOCK, position)
      position += BLOCK
      if (block.every((b) => b === 0)) break
      const name = cString(block.subarray(0, 100))
      const size = parseInt(cString(block.subarray(124, 136)).trim() || '0', 8)
      const type = String.fromCharCode(block[156])
      if (!Number.isFinite(size) || size < 0 || position + size > total) throw new Error(`entry ${JSON.stringify(name)} has a bad size`)
      if (!verifyHeader(block)) throw new Error(`entry ${JSON.stringify(name)} has a bad header checksum`)
      if (type !== '0' && type !== '\0') throw new Error(`entry ${JSON.stringify(name)} is not a regular file`)
      const out = await open(destination(name), 'w')
      try {
        await copy(input, size, (chunk) => out.write(chunk).then(() => undefined), position)
        await out.sync()
      } finally {
        await out.close()
      }
      names.push(name)
      position += size + ((BLOCK - (size % BLOCK)) % BLOCK)
    }
  } finally {
    await input.close()
  }
  return names
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) >= 100) throw new Error(`tar entry name too long: ${name}`)
  const h = Buffer.alloc(BLOCK)
  h.write(name, 0, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(size.toString(8).padStart(11, '0') + '\0', 124)
  h.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136)
  h.write('        ', 148)
  h.write('0', 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  const sum = h.reduce((a, b) => a + b, 0)
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

function verifyHeader(block: Buffer): boolean {
  const stored = parseInt(cString(block.subarray(148, 156)).trim(), 8)
  const copy = Buffer.from(block)
  copy.write('        ', 148)
  return copy.reduce((a, b) => a + b, 0) === stored
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8')
}

async function emit(out: FileHandle, hash: Hash, chunk: Buffer): Promise<void> {
  hash.update(chunk)
  await out.write(chunk)
}

async function copy(input: FileHandle, size: number, sink: (chunk: Buffer) => Promise<void>, start = 0): Promise<void> {
  let done = 0
  while (done < size) {
    const chunk = Buffer.alloc(Math.min(COPY_CHUNK, size - done))
    const { bytesRead } = await input.read(chunk, 0, chunk.length, start + done)
    if (bytesRead === 0) throw new Error('file shrank while being archived')
    await sink(chunk.subarray(0, bytesRead))
    done += bytesRead
  }
}
