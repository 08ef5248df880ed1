// Stored vectors by label, for exact scoring and `with_vector`, in fixed blocks of rows: growing adds
// a block instead of copying everything into an array twice the size (which held both copies until
// the next full GC, up to three times the vectors' bytes after a large upload or a load).
import type { FileHandle } from 'node:fs/promises'

const BLOCK_SHIFT = 12
const BLOCK_ROWS = 1 << BLOCK_SHIFT
const ROW_MASK = BLOCK_ROWS - 1

export class VectorStore {
  private readonly blocks: Float32Array[] = []

  constructor(readonly dimension: number) {}

  /** The block holding `label`'s row; the row starts at `offsetOf(label)`. */
  blockOf(label: number): Float32Array {
    return this.blocks[label >> BLOCK_SHIFT]
  }

  offsetOf(label: number): number {
    return (label & ROW_MASK) * this.dimension
  }

  set(label: number, vector: Float32Array): void {
    while (this.blocks.length <= label >> BLOCK_SHIFT) this.blocks.push(new Float32Array(BLOCK_ROWS * this.dimension))
    this.blockOf(label).set(vector, this.offsetOf(label))
  }

  /** A view of `label`'s row. */
  get(label: number): Float32Array {
    const offset = this.offsetOf(label)
    return this.blockOf(label).subarray(offset, offset + this.dimension)
  }

  /** A plain array for JSON output. */
  toArray(label: number): number[] {
    return Array.from(this.get(label))
  }

  /** Rows [0, count) as consecutive byte views (not copies), for a checkpoint. */
  *bytes(count: number): Generator<Uint8Array> {
    for (let first = 0; first < count; first += BLOCK_ROWS) {
      const block = this.blocks[first >> BLOCK_SHIFT]
      const rows = Math.min(BLOCK_ROWS, count - first)
      yield new Uint8Array(block.buffer, block.byteOffset, rows * this.dimension * 4)
    }
  }

  /** Reads `count` rows from a checkpoint's vector file straight into the blocks. */
  async load(file: FileHandle, count: number): Promise<void> {
    const expected = count * this.dimension * 4
    const { size } = await file.stat()
    if (size !== expected) throw new Error(`vector file holds ${size} bytes, expected ${expected}`)
    this.blocks.length = 0
    for (let first = 0; first < count; first += BLOCK_ROWS) {
      const block = new Float32Array(BLOCK_ROWS * this.dimension)
      const length = Math.min(BLOCK_ROWS, count - first) * this.dimension * 4
      const { bytesRead } = await file.read(new Uint8Array(block.buffer, 0, length), 0, length, first * this.dimension * 4)
      if (bytesRead !== length) throw new Error(`vector file ended early at row ${first}`)
      this.blocks.push(block)
    }
  }
}
