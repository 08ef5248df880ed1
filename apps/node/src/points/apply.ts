// Applies one logged operation to the points in memory. The same code runs for a live write and for
// log replay, so a replayed operation ends exactly where the live one did (errors included: an
// operation that failed live fails again on replay and changes nothing).
import { PointNotFound, WrongInput } from '../errors'
import { compileFilter } from '../filters/evaluate'
import { parseFilter } from '../filters/filter'
import { FieldSchema } from '../index/payload-index'
import type { Operation, PointSelector } from '../storage/operations'
import { deletePayloadKeys, setPayloadAt } from './payload-edit'
import { Payload, PointStore } from './point-store'

export function applyOperation(store: PointStore, op: Operation, version: number): void {
  switch (op.type) {
    case 'upsert':
      for (const p of op.points) {
        if (p.vector.length !== store.space.size) throw new WrongInput(`Vector dimension error: expected dim: ${store.space.size}, got ${p.vector.length}`)
      }
      for (const p of op.points) store.upsert(p.id, p.vector, p.payload, version)
      return
    case 'delete':
      for (const label of selectLabels(store, op, false)) store.delete(store.idAt(label)!)
      return
    case 'set_payload':
      for (const label of selectLabels(store, op, true)) store.replacePayload(label, setPayloadAt(store.payloadAt(label)!, op.payload, op.key), version)
      return
    case 'overwrite_payload':
      for (const label of selectLabels(store, op, true)) store.replacePayload(label, structuredClone(op.payload), version)
      return
    case 'delete_payload':
      for (const label of selectLabels(store, op, true)) store.replacePayload(label, deletePayloadKeys(store.payloadAt(label)!, op.keys), version)
      return
    case 'clear_payload':
      for (const label of selectLabels(store, op, true)) store.replacePayload(label, {}, version)
      return
    case 'create_field_index':
      createFieldIndex(store, op.field, op.schema)
      return
    case 'delete_field_index':
      store.payloadIndex.drop(op.field)
      return
  }
}

function createFieldIndex(store: PointStore, field: string, schema: FieldSchema): void {
  store.payloadIndex.drop(field)
  const points: [number, unknown][] = []
  for (const label of store.liveLabels()) points.push([label, store.payloadAt(label)])
  store.payloadIndex.create(field, schema, points)
}

/** The labels a selector names. With `strict`, an id that does not exist fails the whole operation (as in Qdrant). */
function selectLabels(store: PointStore, selector: PointSelector, strict: boolean): number[] {
  const filter = parseFilter(selector.filter)
  const accept = filter && compileFilter(filter)
  if (selector.ids) {
    const labels: number[] = []
    for (const id of selector.ids) {
      const label = store.labelOf(id)
      if (label === undefined) {
        if (strict) throw new PointNotFound(id)
        continue
      }
      if (!accept || accept(store.payloadAt(label), id)) labels.push(label)
    }
    return labels
  }
  if (!accept) return []
  const labels: number[] = []
  for (const label of store.liveLabels()) if (accept(store.payloadAt(label), store.idAt(label)!)) labels.push(label)
  return labels
}

export type { Payload }
