// Streams one file field of a multipart/form-data body to disk (Qdrant's snapshot upload sends the
// archive as the `snapshot` field), holding only a boundary's length of it in memory.
import { open, FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'

export class MultipartError extends Error {}

export async function saveMultipartFile(body: Readable, contentType: string, target: string, field: string): Promise<void> {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!match) throw new MultipartError('multipart body without a boundary')
  const delimiter = Buffer.from(`\r\n--${match[1] ?? match[2]}`)
  let buffer: Buffer = Buffer.from('\r\n') // lets the first boundary match like the others
  let state: 'preamble' | 'after-boundary' | 'headers' | 'part' | 'done' = 'preamble'
  let out: FileHandle | undefined
  let saved = false
  let keep = false

  try {
    for await (const chunk of body) {
      buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer])
      for (;;) {
        if (state === 'preamble' || state === 'part') {
          const at = buffer.indexOf(delimiter)
          const safe = at >= 0 ? at : Math.max(0, buffer.length - delimiter.length + 1)
          if (state === 'part' && keep && safe > 0) await out!.write(buffer.subarray(0, safe))
          if (at < 0) {
            buffer = buffer.subarray(safe)
            break
          }
          buffer = buffer.subarray(at + delimiter.length)
          if (state === 'part' && keep) {
            await out!.sync()
            await out!.close()
            out = undefined
            saved = true
          }
          state = 'after-boundary'
        } else if (state === 'after-boundary') {
          if (buffer.length < 2) break
          const marker = buffer.subarray(0, 2).toString('latin1')
          buffer = buffer.subarray(2)
          state = marker === '--' ? 'done' : 'headers'
        } else if (state === 'headers') {
          const end = buffer.indexOf('\r\n\r\n')
          if (end < 0) {
            if (buffer.length > 16_384) throw new MultipartError('multipart part headers too long')
            break
          }
          const headers = buffer.subarray(0, end).toString('utf8')
          buffer = buffer.subarray(end + 4)
          const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1]
          keep = !saved && name === field
          if (keep) out = await open(target, 'w')
          state = 'part'
        } else {
          buffer = Buffer.alloc(0)
          break
        }
      }
    }
  } finally {
    await out?.close()
  }
  if (!saved) throw new MultipartError(`multipart body has no complete \`${field}\` file field`)
}
