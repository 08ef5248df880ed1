// The HNSW graph (hnswlib-node) of one collection, held on the index thread (index-thread.ts).
// Labels are our dense slot numbers: a freed label is marked deleted and re-added later with a new
// vector, which hnswlib turns into an in-place update of that slot. Changes are posted and not
// awaited; a search or a save posted after them sees them.
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { Distance, hnswSpace, scoreFromHnsw } from './distance'
import type { IndexReply, IndexRequest, SearchAnswer } from './index-messages'

export interface HnswParams {
  readonly m: number
  readonly efConstruct: number
}

export interface IndexHit {
  readonly label: number
  readonly score: number
}

const INITIAL_CAPACITY = 1024
const RANDOM_SEED = 100

/** A request that is answered, without its call number (which `call` assigns). */
type CallRequest<R = IndexRequest> = R extends { call: number } ? Omit<R, 'call'> : never

/** The one index thread of the process, started with the first index. */
class IndexThread {
  private readonly worker = new Worker(path.join(__dirname, 'index-thread.js'))
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private nextCall = 0
  private nextIndex = 0
  private posted = 0
  private applied = 0

  constructor() {
    this.worker.unref() // only a pending call keeps the process alive
    this.worker.on('message', (reply: IndexReply) => {
      if ('fault' in reply) {
        process.emitWarning(`index ${reply.fault}: ${reply.message}`)
        return
      }
      const pending = this.calls.get(reply.call)!
      this.calls.delete(reply.call)
      if (this.calls.size === 0) this.worker.unref()
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(new Error(reply.message))
    })
    // The graphs are gone with the thread; the node's log and checkpoints rebuild them on a restart.
    this.worker.on('error', (error) => {
      process.stderr.write(`the index thread failed: ${error.stack ?? error.message}\n`)
      process.exit(70)
    })
  }

  newIndex(): number {
    return this.nextIndex++
  }

  post(request: Exclude<IndexRequest, { call: number }>): void {
    this.posted++
    this.worker.postMessage(request)
  }

  /** Changes posted and not yet known to be applied. */
  get backlog(): number {
    return this.posted - this.applied
  }

  /** Resolves once every change posted so far has been applied. */
  async settle(): Promise<void> {
    const mark = this.posted
    await this.call({ kind: 'settle' })
    this.applied = Math.max(this.applied, mark)
  }

  call(request: CallRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const call = this.nextCall++
    if (this.calls.size === 0) this.worker.ref()
    return new Promise((resolve, reject) => {
      this.calls.set(call, { resolve, reject })
      this.worker.postMessage({ ...request, call }, transfer)
    })
  }
}

let thread: IndexThread | undefined
const indexThread = () => (thread ??= new IndexThread())

export class VectorIndex {
  private released = false

  private constructor(
    private readonly id: number,
    private readonly distance: Distance,
  ) {}

  static create(distance: Distance, dimension: number, params: HnswParams, capacity = INITIAL_CAPACITY): VectorIndex {
    const id = indexThread().newIndex()
    const space = hnswSpace(distance)
    indexThread().post({ kind: 'create', index: id, space, dimension, capacity: Math.max(1, capacity), m: params.m, efConstruct: params.efConstruct, seed: RANDOM_SEED })
    return new VectorIndex(id, distance)
  }

  static async load(file: string, distance: Distance, dimension: number): Promise<VectorIndex> {
    const id = indexThread().newIndex()
    await indexThread().call({ kind: 'load', index: id, space: hnswSpace(distance), dimension, file })
    return new VectorIndex(id, distance)
  }

  /** Inserts or replaces the vector of `label` (un-deleting a freed slot). */
  put(label: number, vector: Float32Array): void {
    indexThread().post({ kind: 'put', index: this.id, label, vector })
  }

  remove(label: number): void {
    indexThread().post({ kind: 'remove', index: this.id, label })
  }

  /** The `k` best labels for `query` (already prepared), optionally only those `allow` marks with 1. */
  async search(query: Float32Array, k: number, ef: number, allow?: Uint8Array): Promise<IndexHit[]> {
    const request = { kind: 'search' as const, index: this.id, query, k, ef, allow }
    const { labels, distances } = (await indexThread().call(request, allow ? [allow.buffer as ArrayBuffer] : [])) as SearchAnswer
    return labels.map((label, i) => ({ label, score: scoreFromHnsw(this.distance, distances[i]) }))
  }

  /** Writes the graph to `file` (off the index thread's loop); no change may be posted until it resolves. */
  async save(file: string): Promise<void> {
    await indexThread().call({ kind: 'save', index: this.id, file })
  }

  /**
   * Resolves once this index's changes so far are in the graph, so that an acknowledged write costs
   * its indexing and searches do not queue behind a backlog of changes. All indexes share one thread.
   */
  settle(): Promise<void> {
    return indexThread().settle()
  }

  /** Changes posted to the index thread (of any index) and not yet known to be applied. */
  get backlog(): number {
    return indexThread().backlog
  }

  /** Frees the graph; the index must not be used afterwards. */
  release(): void {
    if (this.released) return
    this.released = true
    indexThread().post({ kind: 'drop', index: this.id })
  }
}
