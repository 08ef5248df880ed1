// Qdrant's payload keys: `a.b.c`, `a[].b`, `a[0]`, `"key.with.dots".x`. Arrays met on the way are
// walked element by element, and a final array contributes its elements (one level, as in Qdrant).

export type PathStep = { readonly key: string } | { readonly index: number } | { readonly each: true }

export class PathError extends Error {}

export function parsePath(key: string): PathStep[] {
  const steps: PathStep[] = []
  let i = 0
  const expectKey = () => {
    if (key[i] === '"') {
      const end = key.indexOf('"', i + 1)
      if (end < 0) throw new PathError(`unterminated quote in payload key ${JSON.stringify(key)}`)
      steps.push({ key: key.slice(i + 1, end) })
      i = end + 1
      return
    }
    let j = i
    while (j < key.length && key[j] !== '.' && key[j] !== '[') j++
    if (j === i) throw new PathError(`empty segment in payload key ${JSON.stringify(key)}`)
    steps.push({ key: key.slice(i, j) })
    i = j
  }
  expectKey()
  while (i < key.length) {
    if (key[i] === '.') {
      i++
      expectKey()
    } else if (key[i] === '[') {
      const end = key.indexOf(']', i)
      if (end < 0) throw new PathError(`unterminated [ in payload key ${JSON.stringify(key)}`)
      const inner = key.slice(i + 1, end)
      if (inner === '') steps.push({ each: true })
      else if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) })
      else throw new PathError(`bad index [${inner}] in payload key ${JSON.stringify(key)}`)
      i = end + 1
    } else {
      throw new PathError(`unexpected character ${JSON.stringify(key[i])} in payload key ${JSON.stringify(key)}`)
    }
  }
  return steps
}

/** The values a payload holds at `path`, arrays flattened one level; empty when absent. */
export function valuesAt(payload: unknown, path: readonly PathStep[]): unknown[] {
  let current: unknown[] = [payload]
  for (const step of path) {
    const next: unknown[] = []
    for (const value of current) collectStep(value, step, next)
    current = next
    if (current.length === 0) return current
  }
  const out: unknown[] = []
  for (const value of current) {
    if (Array.isArray(value)) out.push(...value)
    else out.push(value)
  }
  return out
}

function collectStep(value: unknown, step: PathStep, out: unknown[]): void {
  if ('key' in step) {
    if (Array.isArray(value)) {
      for (const element of value) collectStep(element, step, out)
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, step.key)) {
      out.push((value as Record<string, unknown>)[step.key])
    }
  } else if ('index' in step) {
    if (Array.isArray(value) && step.index < value.length) out.push(value[step.index])
  } else if (Array.isArray(value)) {
    out.push(...value)
  }
}

/** Fast path for the common plain key (`city`, `a.b`): no brackets, no quotes. */
export function isSimplePath(path: readonly PathStep[]): boolean {
  return path.every((s) => 'key' in s)
}
