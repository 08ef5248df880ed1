// The HNSW graph (hnswlib-node). Labels are our dense slot numbers: a freed label is marked deleted
// and re-added later with a new vector, which hnswlib turns into an in-place update of that slot.
import { HierarchicalNSW } from 'hnswlib-node'
import { Distance, hnswSpace, scoreFromHnsw } from './distance'

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

export class VectorIndex {
  private maxElements: number

  private constructor(
    private readonly hnsw: HierarchicalNSW,
    private readonly distance: Distance,
    private readonly dimension: number,
  ) {
    this.maxElements = hnsw.getMaxElements()
  }

  static create(distance: Distance, dimension: number, params: HnswParams, capacity = INITIAL_CAPACITY): VectorIndex {
    const hnsw = new HierarchicalNSW(hnswSpace(distance), dimension)
    hnsw.initIndex(Math.max(1, capacity), params.m, params.efConstruct, RANDOM_SEED, false)
    return new VectorIndex(hnsw, distance, dimension)
  }

  static async load(file: string, distance: Distance, dimension: number): Promise<VectorIndex> {
    const hnsw = new HierarchicalNSW(hnswSpace(distance), dimension)
    await hnsw.readIndex(file, false)
    return new VectorIndex(hnsw, distance, dimension)
  }

  get capacity(): number {
    return this.maxElements
  }

  /** Slots ever used, deleted ones included. */
  get slotCount(): number {
    return this.hnsw.getCurrentCount()
  }

  /** Inserts or replaces the vector of `label` (un-deleting a freed slot). */
  put(label: number, vector: number[]): void {
    if (label >= this.maxElements || this.slotCount >= this.maxElements) {
      this.hnsw.resizeIndex(Math.max(this.maxElements * 2, label + 1))
      this.maxElements = this.hnsw.getMaxElements()
    }
    this.hnsw.addPoint(vector, label)
  }

  remove(label: number): void {
    this.hnsw.markDelete(label)
  }

  /** The `k` best labels for `query` (already prepared), optionally only those `accept` lets through. */
  search(query: number[], k: number, ef: number, accept?: (label: number) => boolean): IndexHit[] {
    const limit = Math.min(k, this.capacity)
    if (limit <= 0) return []
    this.hnsw.setEf(Math.max(ef, limit))
    const { neighbors, distances } = accept ? this.hnsw.searchKnn(query, limit, accept) : this.hnsw.searchKnn(query, limit)
    return neighbors.map((label, i) => ({ label, score: scoreFromHnsw(this.distance, distances[i]) }))
  }

  /** Writes the graph to `file` on a libuv worker thread; the caller must not mutate the index meanwhile. */
  async save(file: string): Promise<void> {
    await this.hnsw.writeIndex(file)
  }

  get dimensions(): number {
    return this.dimension
  }
}
