// The changes a collection's write-ahead log records, and their bytes. An upsert carries its vectors
// as float32 after a JSON header (a quarter of the size of JSON numbers); everything else is JSON.
import type { FieldSchema } from '../index/payload-index'
import type { PointId } from '../points/ids'
import type { Payload } from '../points/point-store'

/** Which points a payload or delete operation touches: ids, a filter (raw JSON), or both (AND). */
export interface PointSelector {
  readonly ids?: readonly PointId[]
  readonly filter?: unknown
}

export interface UpsertPoint {
  readonly id: PointId
  readonly vector: ArrayLike<number>
  readonly payload: Payload
}

export type Operation =
  | { readonly type: 'upsert'; readonly points: readonly UpsertPoint[] }
  | ({ readonly type: 'delete' } & PointSelector)
  | ({ readonly type: 'set_payload'; readonly payload: Payload; readonly key?: string } & PointSelector)
  | ({ readonly type: 'overwrite_payload'; readonly payload: Payload } & PointSelector)
  | ({ readonly type: 'delete_payload'; readonly keys: readonly string[] } & PointSelector)
  | ({ readonly type: 'clear_payload' } & PointSelector)
  | { readonly type: 'create_field_index'; readonly field: string; readonly schema: FieldSchema }
  | { readonly type: 'delete_field_index'; readonly field: string }

const JSON_ONLY = 0
const UPSERT = 1

export function encodeOperation(op: Operation): Buffer {
  if (op.type !== 'upsert') return Buffer.concat([Buffer.of(JSON_ONLY), Buffer.from(JSON.stringify(op))])
  const dimension = op.points[0]?.vector.length ?? 0
  const header = Buffer.from(JSON.stringify({ type: 'upsert', dimension, ids: op.points.map((p) => p.id), payloads: op.points.map((p) => p.payload) }))
  const vectors = new Float32Array(op.points.length * dimension)
  op.points.forEach((p, i) => vectors.set(p.vector, i * dimension))
  const prefix = Buffer.alloc(5)
  prefix.writeUInt8(UPSERT, 0)
  prefix.writeUInt32LE(header.length, 1)
  return Buffer.concat([prefix, header, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength)])
}

export function decodeOperation(bytes: Buffer): Operation {
  const kind = bytes.readUInt8(0)
  if (kind === JSON_ONLY) return JSON.parse(bytes.subarray(1).toString('utf8')) as Operation
  if (kind !== UPSERT) throw new Error(`unknown operation kind ${kind}`)
  const headerLength = bytes.readUInt32LE(1)
  const header = JSON.parse(bytes.subarray(5, 5 + headerLength).toString('utf8')) as { dimension: number; ids: PointId[]; payloads: Payload[] }
  const start = 5 + headerLength
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length))
  const d = header.dimension
  if (floats.length !== header.ids.length * d) throw new Error('upsert record holds the wrong number of vector values')
  return {
    type: 'upsert',
    points: header.ids.map((id, i) => ({ id, vector: floats.subarray(i * d, (i + 1) * d), payload: header.payloads[i] })),
  }
}
