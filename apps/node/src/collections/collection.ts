// One collection: its points in memory, its write-ahead log and its checkpoints.
//
// A write is numbered, appended to the log and applied to memory in log order. While a checkpoint
// is being written the points must not change (hnswlib reads the graph on a worker thread), so
// writes are then still logged but their application waits; searches are never held.
// Acknowledgement: wait=true after the record is fsync'ed and applied, to the graph on the index
// thread too; wait=false once the record is written to the log file (it survives a crash of the
// process, not necessarily of the machine).
import { Unavailable } from '../errors'
import { applyOperation } from '../points/apply'
import { PointStore } from '../points/point-store'
import { currentCheckpoint, pruneCheckpoints, readCheckpoint, writeCheckpoint } from '../storage/checkpoint'
import { decodeOperation, encodeOperation, Operation } from '../storage/operations'
import { WriteAheadLog } from '../storage/wal'
import type { CollectionConfig } from './collection-config'
import path from 'node:path'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

const DRAIN_SLICE_MS = 8
/** Changes the index thread may trail behind by before a wait=false writer is held back. */
const MAX_INDEX_BACKLOG = 10_000

export interface UpdateResult {
  readonly operation_id: number
  readonly status: 'acknowledged' | 'completed'
}

export interface CollectionEvents {
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void
  checkpointWritten?(collection: string, millis: number): void
}

interface PendingApply {
  readonly lsn: number
  readonly op: Operation
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

export class Collection {
  private lastLsn: number
  private checkpointLsn: number
  private frozen = false
  private pending: PendingApply[] = []
  private checkpointing: Promise<void> | undefined
  private closed = false
  private readonly pinned = new Set<string>()
  private currentDir: string | undefined
  private draining: Promise<void> = Promise.resolve()

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly config: CollectionConfig,
    readonly store: PointStore,
    private readonly wal: WriteAheadLog,
    lsn: number,
    checkpointLsn: number,
    private readonly events: CollectionEvents,
    private readonly checkpointWalBytes: number,
  ) {
    this.lastLsn = lsn
    this.checkpointLsn = checkpointLsn
  }

  /** Loads the last checkpoint and replays the log after it. */
  static async open(name: string, dir: string, config: CollectionConfig, events: CollectionEvents, checkpointWalBytes: number): Promise<Collection> {
    const checkpointDir = await currentCheckpoint(dir)
    let store: PointStore
    let checkpointLsn = 0
    if (checkpointDir) {
      const loaded = await readCheckpoint(checkpointDir, config.vectors)
      store = loaded.store
      checkpointLsn = loaded.manifest.lsn
    } else {
      store = PointStore.empty(config.vectors, config.hnsw)
    }
    try {
      const { wal, read } = await WriteAheadLog.open(path.join(dir, 'wal'), checkpointLsn)
      if (read.problem) {
        events.log('error', `collection ${name}: write-ahead log damaged (${read.problem}); cut ${read.discardedBytes} bytes after the last intact record and kept them aside`)
      }
      const first = read.records[0]
      if (first && first.lsn !== checkpointLsn + 1) {
        throw new Error(`collection ${name}: the log starts at record ${first.lsn} but the checkpoint ends at ${checkpointLsn}; records are missing`)
      }
      let lsn = checkpointLsn
      for (const record of read.records) {
        try {
          applyOperation(store, decodeOperation(record.body), record.lsn)
        } catch {
          // failed live too (e.g. a missing point id); it changed nothing then and changes nothing now
        }
        lsn = record.lsn
      }
      if (read.records.length > 0) events.log('info', `collection ${name}: replayed ${read.records.length} log records after checkpoint ${checkpointLsn}`)
      const collection = new Collection(name, dir, config, store, wal, lsn, checkpointLsn, events, checkpointWalBytes)
      collection.currentDir = checkpointDir
      return collection
    } catch (error) {
      store.index.release() // the graph lives on the index thread until released
      throw error
    }
  }

  /** Whether there are changes no checkpoint holds yet. */
  get dirty(): boolean {
    return this.lastLsn > this.checkpointLsn
  }

  get isClosed(): boolean {
    return this.closed
  }

  async submit(op: Operation, wait: boolean): Promise<UpdateResult> {
    if (this.closed) throw new Unavailable(`collection \`${this.name}\` is closing`)
    const lsn = ++this.lastLsn
    const appended = this.wal.append(lsn, encodeOperation(op))
    const applied = this.apply(lsn, op)
    if (this.wal.size > this.checkpointWalBytes && !this.checkpointing) void this.checkpoint().catch((e) => this.logCheckpointFailure(e))
    if (wait) {
      await applied
      await Promise.all([appended.durable, this.store.index.settle()])
      return { operation_id: lsn, status: 'completed' }
    }
    applied.catch(() => undefined) // a failure is not reported to a wait=false writer, as in Qdrant
    await appended.written
    if (this.store.index.backlog > MAX_INDEX_BACKLOG) await this.store.index.settle()
    return { operation_id: lsn, status: 'acknowledged' }
  }

  private apply(lsn: number, op: Operation): Promise<void> {
    if (!this.frozen && this.pending.length === 0) {
      try {
        applyOperation(this.store, op, lsn)
        return Promise.resolve()
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return new Promise((resolve, reject) => this.pending.push({ lsn, op, resolve, reject }))
  }

  /** Applies the writes held during a checkpoint, a few milliseconds at a time so searches interleave. */
  private thaw(): void {
    this.frozen = false
    this.draining = (async () => {
      let next = 0
      while (next < this.pending.length) {
        const started = performance.now()
        while (next < this.pending.length && performance.now() - started < DRAIN_SLICE_MS) {
          const p = this.pending[next++]
          try {
            applyOperation(this.store, p.op, p.lsn)
            p.resolve()
          } catch (error) {
            p.reject(error)
          }
        }
        if (next < this.pending.length) await yieldToEventLoop()
      }
      this.pending = []
    })()
  }

  /** Writes a checkpoint holding every write submitted so far; concurrent calls share the work. */
  async checkpoint(force = false): Promise<void> {
    while (this.checkpointing) await this.checkpointing.catch(() => undefined)
    if (!this.dirty && !(force && !this.currentDir)) return
    this.checkpointing = (async () => {
      const started = performance.now()
      await this.draining // the log position below must have been applied
      this.frozen = true
      const lsn = this.lastLsn
      const rotated = this.wal.rotate(lsn + 1)
      try {
        this.currentDir = await writeCheckpoint(this.dir, this.store, lsn)
      } finally {
        this.thaw()
      }
      this.checkpointLsn = lsn
      await rotated
      await this.wal.dropUpTo(lsn)
      await pruneCheckpoints(this.dir, this.pinned)
      this.events.checkpointWritten?.(this.name, performance.now() - started)
    })()
    try {
      await this.checkpointing
    } finally {
      this.checkpointing = undefined
    }
  }

  /** A checkpoint holding every write submitted so far, kept on disk until `release` (a snapshot reads it). */
  async pinCheckpoint(): Promise<{ dir: string; release: () => void }> {
    await this.checkpoint(true)
    const dir = this.currentDir!
    this.pinned.add(dir)
    return { dir, release: () => this.pinned.delete(dir) }
  }

  /** Stops accepting writes; with `flush`, writes a final checkpoint first (graceful shutdown). */
  async close(flush: boolean): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (flush) await this.checkpoint()
    else while (this.checkpointing) await this.checkpointing.catch(() => undefined)
    await this.draining
    await this.wal.close()
    this.store.index.release()
  }

  private logCheckpointFailure(error: unknown): void {
    this.events.log('error', `collection ${this.name}: checkpoint failed: ${(error as Error).message}`)
  }
}
