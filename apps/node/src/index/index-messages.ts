// What the main thread and the index thread say to each other. Changes are posted without waiting
// (their order is the order of the log); loads, searches and saves carry a call number for the reply.
import type { SpaceName } from 'hnswlib-node'

export type IndexRequest =
  | { kind: 'create'; index: number; space: SpaceName; dimension: number; capacity: number; m: number; efConstruct: number; seed: number }
  | { kind: 'put'; index: number; label: number; vector: Float32Array }
  | { kind: 'remove'; index: number; label: number }
  | { kind: 'drop'; index: number }
  | { kind: 'load'; call: number; index: number; space: SpaceName; dimension: number; file: string }
  /** `allow`: one byte per label, 1 for the labels a filtered search may return. */
  | { kind: 'search'; call: number; index: number; query: Float32Array; k: number; ef: number; allow?: Uint8Array }
  | { kind: 'save'; call: number; index: number; file: string }
  /** Answered once every change posted before it has been applied. */
  | { kind: 'settle'; call: number }

export type IndexReply =
  | { call: number; ok: true; value: unknown }
  | { call: number; ok: false; message: string }
  /** A change failed: the graph no longer matches the points, and will not be saved. */
  | { fault: number; message: string }

export interface SearchAnswer {
  readonly labels: number[]
  readonly distances: number[]
}
