// Points as Qdrant returns them: `{id, payload?, vector?}` (and `version`, `score` for search hits),
// with Qdrant's `with_payload` (bool, key list, {include}, {exclude}) and `with_vector` selectors.
import { InvalidRequest } from '../errors'
import { asObject, readBoolean, readStringList } from '../validation'
import { keySteps } from './payload-edit'
import type { PointId } from './ids'
import type { Payload, PointStore } from './point-store'

export type PayloadSelector = { readonly kind: 'all' } | { readonly kind: 'none' } | { readonly kind: 'include' | 'exclude'; readonly keys: string[] }

export function parseWithPayload(value: unknown, fallback: boolean, field = 'with_payload'): PayloadSelector {
  if (value === undefined || value === null) return { kind: fallback ? 'all' : 'none' }
  if (typeof value === 'boolean') return { kind: value ? 'all' : 'none' }
  if (Array.isArray(value)) return { kind: 'include', keys: readStringList(value, field) }
  const obj = asObject(value, field)
  if (obj.include !== undefined) return { kind: 'include', keys: readStringList(obj.include, `${field}.include`) }
  if (obj.exclude !== undefined) return { kind: 'exclude', keys: readStringList(obj.exclude, `${field}.exclude`) }
  throw new InvalidRequest('JSON body', `${field}: expected true, false, a list of keys, {include} or {exclude}`)
}

export function parseWithVector(value: unknown, fallback: boolean, field = 'with_vector'): boolean {
  if (value === undefined || value === null) return fallback
  if (Array.isArray(value)) return readStringList(value, field).length > 0
  return readBoolean(value, field)
}

export interface PointView {
  id: PointId
  version?: number
  score?: number
  payload?: Payload
  vector?: number[]
}

export function pointView(store: PointStore, label: number, payload: PayloadSelector, withVector: boolean): PointView {
  const view: PointView = { id: store.idAt(label)! }
  if (payload.kind !== 'none') view.payload = selectPayload(store.payloadAt(label) ?? {}, payload)
  if (withVector) view.vector = store.vectors.toArray(label)
  return view
}

/** A search hit: Qdrant puts `version` and `score` right after the id. */
export function scoredView(store: PointStore, label: number, score: number, payload: PayloadSelector, withVector: boolean): PointView {
  const view: PointView = { id: store.idAt(label)!, version: store.versionAt(label), score }
  if (payload.kind !== 'none') view.payload = selectPayload(store.payloadAt(label) ?? {}, payload)
  if (withVector) view.vector = store.vectors.toArray(label)
  return view
}

function selectPayload(payload: Payload, selector: PayloadSelector): Payload {
  if (selector.kind === 'all' || selector.kind === 'none') return payload
  if (selector.kind === 'include') {
    const out: Payload = {}
    for (const key of selector.keys) copyPath(payload, out, keySteps(key))
    return out
  }
  const out = structuredClone(payload)
  for (const key of selector.keys) removePath(out, keySteps(key))
  return out
}

function copyPath(from: Payload, to: Payload, steps: string[]): void {
  let src: unknown = from
  for (const step of steps) {
    if (typeof src !== 'object' || src === null || Array.isArray(src) || !Object.hasOwn(src, step)) return
    src = (src as Payload)[step]
  }
  let dst = to
  for (const step of steps.slice(0, -1)) {
    if (typeof dst[step] !== 'object' || dst[step] === null) dst[step] = {}
    dst = dst[step] as Payload
  }
  dst[steps[steps.length - 1]] = src
}

function removePath(payload: Payload, steps: string[]): void {
  let parent: unknown = payload
  for (const step of steps.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Payload)[step] : undefined
  if (typeof parent === 'object' && parent !== null) delete (parent as Payload)[steps[steps.length - 1]]
}
