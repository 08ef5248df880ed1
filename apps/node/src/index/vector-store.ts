/** Stored vectors by label in one growing Float32Array (row-major), for exact scoring and `with_vector`. */
export class VectorStore {
  private data: Float32Array

  constructor(
    readonly dimension: number,
    capacity = 1024,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dimension)
  }

  /** The live array; its rows are valid up to the highest label set. */
  get rows(): Float32Array {
    return this.data
  }

  get capacity(): number {
    return this.data.length / this.dimension
  }

  set(label: number, vector: Float32Array): void {
    if (label >= this.capacity) this.grow(label + 1)
    this.data.set(vector, label * this.dimension)
  }

  get(label: number): Float32Array {
    return this.data.subarray(label * this.dimension, (label + 1) * this.dimension)
  }

  /** A plain array for JSON output and for hnswlib (which only takes arrays). */
  toArray(label: number): number[] {
    return Array.from(this.get(label))
  }

  /** Rows [0, count) as bytes, for a checkpoint (a view, not a copy). */
  bytes(count: number): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, count * this.dimension * 4)
  }

  /** Replaces the contents with `count` rows read from a checkpoint. */
  load(bytes: Uint8Array, count: number): void {
    if (bytes.byteLength !== count * this.dimension * 4) throw new Error(`vector file holds ${bytes.byteLength} bytes, expected ${count * this.dimension * 4}`)
    if (count > this.capacity) this.data = new Float32Array(Math.max(count, 1) * this.dimension)
    this.data.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)))
  }

  private grow(minRows: number): void {
    let rows = this.capacity
    while (rows < minRows) rows *= 2
    const next = new Float32Array(rows * this.dimension)
    next.set(this.data)
    this.data = next
  }
}
