// Payload edits that return a new object: stored payloads are never mutated in place, because the
// payload index removes a point's old values by reading its old payload.
import { WrongInput } from '../errors'
import { parsePath, PathError } from '../filters/payload-path'
import type { Payload } from './point-store'

/** Set payload: merge `patch` into the payload, or into the object at `key` (created if missing). */
export function setPayloadAt(current: Payload, patch: Payload, key: string | undefined): Payload {
  const next = structuredClone(current)
  if (key === undefined) return assignOwn(next, structuredClone(patch))
  let target: Record<string, unknown> = next
  for (const step of keySteps(key)) {
    const child = target[step]
    if (typeof child !== 'object' || child === null || Array.isArray(child) || !Object.hasOwn(target, step)) assignOwn(target, { [step]: {} })
    target = target[step] as Record<string, unknown>
  }
  assignOwn(target, structuredClone(patch))
  return next
}

/** Like Object.assign, but a `__proto__` key stays a plain key instead of replacing the prototype. */
function assignOwn<T extends Record<string, unknown>>(target: T, source: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(source)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  return target
}

/** Delete payload: remove each key (a dotted path removes the nested field). */
export function deletePayloadKeys(current: Payload, keys: readonly string[]): Payload {
  const next = structuredClone(current)
  for (const key of keys) {
    const steps = keySteps(key)
    let parent: unknown = next
    for (const step of steps.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[step] : undefined
    if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[steps[steps.length - 1]]
  }
  return next
}

/** The object keys of a dotted payload key; array steps are not supported for edits. */
export function keySteps(key: string): string[] {
  try {
    return parsePath(key).map((step) => {
      if (!('key' in step)) throw new PathError(`array steps are not supported in payload key ${JSON.stringify(key)} for this operation`)
      return step.key
    })
  } catch (error) {
    if (error instanceof PathError) throw new WrongInput(error.message)
    throw error
  }
}
