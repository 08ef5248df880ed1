// What the payload index can say about a filter before any point is read: a superset of the labels
// it can match (undefined when no condition it must meet is on an indexed key). Conditions the
// index cannot answer are still checked point by point afterwards.
import type { PointStore } from '../points/point-store'
import type { Condition, Filter } from './filter'

export function candidateLabels(filter: Filter, store: PointStore): ReadonlySet<number> | undefined {
  const sets: ReadonlySet<number>[] = []
  for (const condition of filter.must) {
    const labels = conditionCandidates(condition, store)
    if (labels) sets.push(labels)
  }
  if (filter.should.length > 0) {
    const parts = filter.should.map((c) => conditionCandidates(c, store))
    if (parts.every((p): p is ReadonlySet<number> => p !== undefined)) sets.push(union(parts))
  }
  return sets.length === 0 ? undefined : intersect(sets)
}

function conditionCandidates(condition: Condition, store: PointStore): ReadonlySet<number> | undefined {
  switch (condition.kind) {
    case 'match':
      return store.payloadIndex.get(condition.key)?.lookup(condition.value)
    case 'any':
      return store.payloadIndex.get(condition.key)?.lookupAny(condition.values)
    case 'range':
      return store.payloadIndex.get(condition.key)?.lookupRange(condition.bounds)
    case 'has_id': {
      const labels = new Set<number>()
      for (const id of condition.ids) {
        const label = store.labelOf(id)
        if (label !== undefined) labels.add(label)
      }
      return labels
    }
    case 'filter':
      return candidateLabels(condition.filter, store)
    default:
      return undefined
  }
}

function union(sets: readonly ReadonlySet<number>[]): ReadonlySet<number> {
  if (sets.length === 1) return sets[0]
  const out = new Set<number>()
  for (const s of sets) for (const label of s) out.add(label)
  return out
}

function intersect(sets: ReadonlySet<number>[]): ReadonlySet<number> {
  if (sets.length === 1) return sets[0]
  const [smallest, ...others] = [...sets].sort((a, b) => a.size - b.size)
  const out = new Set<number>()
  for (const label of smallest) if (others.every((s) => s.has(label))) out.add(label)
  return out
}
