// The write-ahead log of one collection: numbered records framed as
//   [u32 body length][u32 crc32(lsn ‖ body)][u64 lsn][body]
// in segment files named after their first lsn. Appends are group-committed: whatever arrived while
// the previous write was in flight goes out in one writev and one fdatasync. A record is "written"
// (survives a process crash) after the write and "durable" (survives power loss) after the sync.
import { crc32 } from 'node:zlib'
import { FileHandle, mkdir, open, readdir, readFile, rename, stat, truncate, unlink } from 'node:fs/promises'
import path from 'node:path'
import { fsyncDirectory, writeFileSynced } from './files'

const HEADER = 16
const SEGMENT = /^(\d{20})\.wal$/

export interface Appended {
  readonly written: Promise<void>
  readonly durable: Promise<void>
}

export interface LogRecord {
  readonly lsn: number
  readonly body: Buffer
}

export interface ReadResult {
  readonly records: LogRecord[]
  /** Bytes cut from the end of the log because they were torn or corrupt (moved aside, not deleted). */
  readonly discardedBytes: number
  readonly problem?: string
}

type Task =
  | { kind: 'record'; frame: Buffer; written: Deferred; durable: Deferred }
  | { kind: 'rotate'; firstLsn: number; done: Deferred }

export class WriteAheadLog {
  private queue: Task[] = []
  private running = false
  private broken: Error | undefined
  private segmentBytes = 0

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private segmentFirstLsn: number,
  ) {}

  /** Reads every intact record after `afterLsn`, cuts a torn or corrupt tail, and opens the log for appends. */
  static async open(dir: string, afterLsn: number): Promise<{ wal: WriteAheadLog; read: ReadResult }> {
    await mkdir(dir, { recursive: true })
    const read = await readLog(dir, afterLsn)
    const segments = await listSegments(dir)
    const last = segments.at(-1)
    const nextLsn = (read.records.at(-1)?.lsn ?? afterLsn) + 1
    let wal: WriteAheadLog
    if (last && read.lastSegmentUsable) {
      const file = path.join(dir, segmentName(last))
      wal = new WriteAheadLog(dir, await open(file, 'a'), last)
      wal.segmentBytes = (await stat(file)).size
    } else {
      wal = new WriteAheadLog(dir, await open(path.join(dir, segmentName(nextLsn)), 'a'), nextLsn)
      await fsyncDirectory(dir)
    }
    return { wal, read }
  }

  /** Bytes in the current segment (the checkpoint trigger). */
  get size(): number {
    return this.segmentBytes
  }

  append(lsn: number, body: Buffer): Appended {
    const written = deferred()
    const durable = deferred()
    if (this.broken) {
      written.reject(this.broken)
      durable.reject(this.broken)
    } else {
      this.queue.push({ kind: 'record', frame: frame(lsn, body), written, durable })
      this.kick()
    }
    return { written: written.promise, durable: durable.promise }
  }

  /** Starts a new segment for records from `firstLsn` on; everything appended before goes to the old one. */
  rotate(firstLsn: number): Promise<void> {
    const done = deferred()
    this.queue.push({ kind: 'rotate', firstLsn, done })
    this.kick()
    return done.promise
  }

  /** Deletes the segments that hold only records up to `lsn` (they are in a checkpoint now). */
  async dropUpTo(lsn: number): Promise<void> {
    const segments = await listSegments(this.dir)
    for (let i = 0; i < segments.length; i++) {
      const next = segments[i + 1]
      if (next !== undefined && next <= lsn + 1 && segments[i] !== this.segmentFirstLsn) await unlink(path.join(this.dir, segmentName(segments[i])))
    }
  }

  async close(): Promise<void> {
    await this.rotateBarrier()
    await this.handle.close()
  }

  private async rotateBarrier(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setImmediate(r))
  }

  private kick(): void {
    if (this.running) return
    this.running = true
    void this.run().finally(() => {
      this.running = false
      if (this.queue.length > 0 && !this.broken) this.kick()
    })
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]
      if (head.kind === 'rotate') {
        this.queue.shift()
        await this.startSegment(head.firstLsn).then(head.done.resolve, head.done.reject)
        continue
      }
      let n = 0
      while (n < this.queue.length && this.queue[n].kind === 'record') n++
      const batch = this.queue.splice(0, n) as Extract<Task, { kind: 'record' }>[]
      try {
        await this.handle.writev(batch.map((t) => t.frame))
        for (const t of batch) {
          this.segmentBytes += t.frame.length
          t.written.resolve()
        }
        await this.handle.datasync()
        for (const t of batch) t.durable.resolve()
      } catch (error) {
        this.broken = new Error(`write-ahead log failed: ${(error as Error).message}`)
        for (const t of [...batch, ...this.queue.splice(0)]) {
          if (t.kind === 'record') {
            t.written.reject(this.broken)
            t.durable.reject(this.broken)
          } else t.done.reject(this.broken)
        }
      }
    }
  }

  private async startSegment(firstLsn: number): Promise<void> {
    if (firstLsn === this.segmentFirstLsn) return
    const next = await open(path.join(this.dir, segmentName(firstLsn)), 'a')
    await fsyncDirectory(this.dir)
    await this.handle.close()
    this.handle = next
    this.segmentFirstLsn = firstLsn
    this.segmentBytes = 0
  }
}

function frame(lsn: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + body.length)
  out.writeUInt32LE(body.length, 0)
  out.writeBigUInt64LE(BigInt(lsn), 8)
  body.copy(out, HEADER)
  out.writeUInt32LE(crc32(out.subarray(8)), 4)
  return out
}

async function readLog(dir: string, afterLsn: number): Promise<ReadResult & { lastSegmentUsable: boolean }> {
  const segments = await listSegments(dir)
  const records: LogRecord[] = []
  let expected: number | undefined
  for (let s = 0; s < segments.length; s++) {
    const file = path.join(dir, segmentName(segments[s]))
    const bytes = await readFile(file)
    let offset = 0
    let problem: string | undefined
    while (offset < bytes.length) {
      if (bytes.length - offset < HEADER) {
        problem = 'torn record header at the end of the log'
        break
      }
      const length = bytes.readUInt32LE(offset)
      if (bytes.length - offset - HEADER < length) {
        problem = 'torn record at the end of the log'
        break
      }
      const record = bytes.subarray(offset, offset + HEADER + length)
      if (crc32(record.subarray(8)) !== record.readUInt32LE(4)) {
        problem = `checksum mismatch at byte ${offset} of ${segmentName(segments[s])}`
        break
      }
      const lsn = Number(record.readBigUInt64LE(8))
      if (expected !== undefined && lsn !== expected) {
        problem = `record ${lsn} follows record ${expected - 1} at byte ${offset} of ${segmentName(segments[s])}`
        break
      }
      expected = lsn + 1
      if (lsn > afterLsn) records.push({ lsn, body: Buffer.from(record.subarray(HEADER)) })
      offset += HEADER + length
    }
    if (problem !== undefined) {
      const discardedBytes = await cutTail(dir, segments, s, offset, bytes.length)
      return { records, discardedBytes, problem, lastSegmentUsable: offset > 0 }
    }
  }
  return { records, discardedBytes: 0, lastSegmentUsable: true }
}

/** Keeps bytes [0, offset) of segment `s`; the rest, and any later segment, is moved aside for inspection. */
async function cutTail(dir: string, segments: number[], s: number, offset: number, size: number): Promise<number> {
  const file = path.join(dir, segmentName(segments[s]))
  const bytes = await readFile(file)
  const stamp = Date.now()
  await writeFileSynced(path.join(dir, `${segmentName(segments[s])}.corrupt-${stamp}`), bytes.subarray(offset))
  await truncate(file, offset)
  let discarded = size - offset
  for (const later of segments.slice(s + 1)) {
    const laterFile = path.join(dir, segmentName(later))
    discarded += (await stat(laterFile)).size
    await rename(laterFile, `${laterFile}.corrupt-${stamp}`)
  }
  if (offset === 0) await unlink(file)
  await fsyncDirectory(dir)
  return discarded
}

async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir)
  return names
    .map((n) => SEGMENT.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
}

function segmentName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.wal`
}

interface Deferred {
  promise: Promise<void>
  resolve: () => void
  reject: (error: unknown) => void
}

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined) // a caller may only await one of `written` / `durable`
  return { promise, resolve, reject }
}
