// What the payload index can say about a filter before any point is read: a superset of the labels
// it can match (undefined when no condition it must meet is on an indexed key), and whether that
// set is exactly the matching points (every condition answered by the index, no must_not), in
// which case nobody needs to read a payload. Otherwise the filter is still checked point by point.
import type { PointStore } from '../points/point-store'
import type { Condition, Filter } from './filter'

export interface IndexAnswer {
  readonly labels: ReadonlySet<number>
  readonly exact: boolean
}

export function candidateLabels(filter: Filter, store: PointStore): IndexAnswer | undefined {
  const answers: IndexAnswer[] = []
  let complete = filter.mustNot.length === 0
  for (const condition of filter.must) {
    const answer = conditionCandidates(condition, store)
    if (answer) answers.push(answer)
    else complete = false
  }
  if (filter.should.length > 0) {
    const parts = filter.should.map((c) => conditionCandidates(c, store))
    if (parts.every((p): p is IndexAnswer => p !== undefined)) answers.push({ labels: union(parts.map((p) => p.labels)), exact: parts.every((p) => p.exact) })
    else complete = false
  }
  if (answers.length === 0) return undefined
  return { labels: intersect(answers.map((a) => a.labels)), exact: complete && answers.every((a) => a.exact) }
}

function conditionCandidates(condition: Condition, store: PointStore): IndexAnswer | undefined {
  const exact = (labels: ReadonlySet<number> | undefined) => labels && { labels, exact: true }
  switch (condition.kind) {
    case 'match':
      return exact(store.payloadIndex.get(condition.key)?.lookup(condition.value))
    case 'any':
      return exact(store.payloadIndex.get(condition.key)?.lookupAny(condition.values))
    case 'range':
      return exact(store.payloadIndex.get(condition.key)?.lookupRange(condition.bounds))
    case 'has_id': {
      const labels = new Set<number>()
      for (const id of condition.ids) {
        const label = store.labelOf(id)
        if (label !== undefined) labels.add(label)
      }
      return { labels, exact: true }
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

function intersect(sets: readonly ReadonlySet<number>[]): ReadonlySet<number> {
  if (sets.length === 1) return sets[0]
  const [smallest, ...others] = [...sets].sort((a, b) => a.size - b.size)
  const out = new Set<number>()
  for (const label of smallest) if (others.every((s) => s.has(label))) out.add(label)
  return out
}
