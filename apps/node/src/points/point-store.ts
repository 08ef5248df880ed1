// A collection's points in memory: ids ↔ labels, payloads, versions, vectors, the HNSW graph and
// the payload index, kept in step by the only mutators below.
import { prepareVector, type Distance } from '../index/distance'
import { PayloadIndex } from '../index/payload-index'
import { VectorIndex, type HnswParams } from '../index/vector-index'
import { VectorStore } from '../index/vector-store'
import { comparePointIds, PointId } from './ids'

export type Payload = Record<string, unknown>

export interface VectorSpace {
  readonly size: number
  readonly distance: Distance
}

export class PointStore {
  readonly payloadIndex = new PayloadIndex()
  private readonly labels = new Map<PointId, number>()
  private ids: (PointId | undefined)[] = []
  private payloads: (Payload | undefined)[] = []
  private versions: number[] = []
  private free: number[] = []
  private nextLabel = 0
  private deletions = 0
  private readonly freedAt: number[] = []
  private sorted: PointId[] | undefined

  constructor(
    readonly space: VectorSpace,
    readonly index: VectorIndex,
    readonly vectors: VectorStore = new VectorStore(space.size),
  ) {}

  static empty(space: VectorSpace, hnsw: HnswParams): PointStore {
    return new PointStore(space, VectorIndex.create(space.distance, space.size, hnsw))
  }

  get count(): number {
    return this.labels.size
  }

  /** One past the highest label ever handed out (rows of the vector store that are meaningful). */
  get labelCount(): number {
    return this.nextLabel
  }

  labelOf(id: PointId): number | undefined {
    return this.labels.get(id)
  }

  idAt(label: number): PointId | undefined {
    return this.ids[label]
  }

  payloadAt(label: number): Payload | undefined {
    return this.payloads[label]
  }

  versionAt(label: number): number {
    return this.versions[label]
  }

  /** Deletes so far: a search that outlives some (on the index thread) drops the labels they freed. */
  get deletionCount(): number {
    return this.deletions
  }

  /** Whether `label` was freed after `deletionCount` was `count` (it may now hold another point). */
  freedSince(label: number, count: number): boolean {
    return (this.freedAt[label] ?? 0) > count
  }

  /** Labels of live points, in label order. */
  *liveLabels(): Generator<number> {
    for (let label = 0; label < this.nextLabel; label++) if (this.ids[label] !== undefined) yield label
  }

  /** Every live id in Qdrant's order (cached until a point is added or removed). */
  sortedIds(): readonly PointId[] {
    this.sorted ??= [...this.labels.keys()].sort(comparePointIds)
    return this.sorted
  }

  /** Inserts or replaces a point; `vector` is the raw input (normalized here for Cosine). */
  upsert(id: PointId, vector: ArrayLike<number>, payload: Payload, version: number): void {
    const prepared = prepareVector(this.space.distance, vector)
    let label = this.labels.get(id)
    if (label === undefined) {
      label = this.free.pop() ?? this.nextLabel++
      this.labels.set(id, label)
      this.ids[label] = id
      this.sorted = undefined
    } else {
      this.payloadIndex.remove(label, this.payloads[label])
    }
    this.vectors.set(label, prepared)
    this.index.put(label, prepared)
    this.payloads[label] = payload
    this.versions[label] = version
    this.payloadIndex.add(label, payload)
  }

  delete(id: PointId): boolean {
    const label = this.labels.get(id)
    if (label === undefined) return false
    this.index.remove(label)
    this.payloadIndex.remove(label, this.payloads[label])
    this.labels.delete(id)
    this.ids[label] = undefined
    this.payloads[label] = undefined
    this.free.push(label)
    this.freedAt[label] = ++this.deletions
    this.sorted = undefined
    return true
  }

  replacePayload(label: number, payload: Payload, version: number): void {
    this.payloadIndex.remove(label, this.payloads[label])
    this.payloads[label] = payload
    this.versions[label] = version
    this.payloadIndex.add(label, payload)
  }

  /** Restores a point from a checkpoint: its vector is already in `vectors` and in the loaded graph. */
  restore(label: number, id: PointId, payload: Payload, version: number): void {
    this.labels.set(id, label)
    this.ids[label] = id
    this.payloads[label] = payload
    this.versions[label] = version
    this.payloadIndex.add(label, payload)
    if (label >= this.nextLabel) this.nextLabel = label + 1
    this.sorted = undefined
  }

  /** After restoring from a checkpoint: the slots below `labelCount` that hold no point are free. */
  finishRestore(labelCount: number): void {
    this.nextLabel = Math.max(this.nextLabel, labelCount)
    this.free = []
    for (let label = this.nextLabel - 1; label >= 0; label--) if (this.ids[label] === undefined) this.free.push(label)
  }
}
