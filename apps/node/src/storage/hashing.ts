import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

const CHUNK = 2 ** 20

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** sha256 of a large in-memory buffer, a few MB at a time so searches keep being served. */
export async function sha256Chunked(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256')
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) {
    hash.update(bytes.subarray(offset, Math.min(offset + CHUNK, bytes.byteLength)))
    await yieldToEventLoop()
  }
  return hash.digest('hex')
}
