// A small reference evaluator of Qdrant filters (must/should/must_not, match value/any/except,
// has_id, nested filters), so tests can show which points a restricted request really reaches.

export interface StoredPoint {
  readonly id: number | string
  readonly payload: Record<string, unknown>
}

type Condition = Record<string, unknown>

export function select(points: readonly StoredPoint[], filter: unknown): (number | string)[] {
  return points.filter((p) => matches(p, filter)).map((p) => p.id)
}

function matches(point: StoredPoint, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true
  const f = filter as { must?: unknown; should?: unknown; must_not?: unknown }
  const list = (c: unknown): Condition[] => (c === undefined || c === null ? [] : Array.isArray(c) ? c : [c as Condition])
  const should = list(f.should)
  return (
    list(f.must).every((c) => holds(point, c)) &&
    (should.length === 0 || should.some((c) => holds(point, c))) &&
    !list(f.must_not).some((c) => holds(point, c))
  )
}

function holds(point: StoredPoint, condition: Condition): boolean {
  if ('has_id' in condition) return (condition.has_id as unknown[]).includes(point.id)
  if ('must' in condition || 'should' in condition || 'must_not' in condition) return matches(point, condition)
  const stored = point.payload[condition.key as string]
  const values = Array.isArray(stored) ? stored : [stored]
  const match = condition.match as { value?: unknown; any?: unknown[]; except?: unknown[] }
  if ('value' in match) return values.includes(match.value)
  if (match.any) return values.some((v) => match.any!.includes(v))
  if (match.except) return stored !== undefined && values.some((v) => !match.except!.includes(v))
  throw new Error(`unsupported condition ${JSON.stringify(condition)}`)
}
