// A parsed filter compiled to a predicate over one stored point, with Qdrant's matching rules:
// a condition holds if any of the values at its key passes (arrays are flattened), a missing key
// never matches `match`/`range`, and `except` does not match a missing key or null.
import type { PointId } from '../points/ids'
import type { Bounds, Condition, Filter } from './filter'
import { valuesAt } from './payload-path'

export type PointPredicate = (payload: unknown, id: PointId) => boolean

export function compileFilter(filter: Filter): PointPredicate {
  const must = filter.must.map(compileCondition)
  const should = filter.should.map(compileCondition)
  const mustNot = filter.mustNot.map(compileCondition)
  return (payload, id) => {
    for (const c of must) if (!c(payload, id)) return false
    if (should.length > 0 && !should.some((c) => c(payload, id))) return false
    for (const c of mustNot) if (c(payload, id)) return false
    return true
  }
}

function compileCondition(condition: Condition): PointPredicate {
  switch (condition.kind) {
    case 'has_id': {
      const ids = condition.ids
      return (_payload, id) => ids.has(id)
    }
    case 'filter':
      return compileFilter(condition.filter)
    case 'match': {
      const { path, value } = condition
      return (payload) => valuesAt(payload, path).some((v) => v === value)
    }
    case 'any': {
      const { path, values } = condition
      return (payload) => valuesAt(payload, path).some((v) => (typeof v === 'string' || typeof v === 'number') && values.has(v))
    }
    case 'except': {
      const { path, values } = condition
      return (payload) => valuesAt(payload, path).some((v) => v !== null && !((typeof v === 'string' || typeof v === 'number') && values.has(v)))
    }
    case 'text': {
      const { path, text } = condition
      return (payload) => valuesAt(payload, path).some((v) => typeof v === 'string' && v.includes(text))
    }
    case 'range': {
      const { path, bounds } = condition
      return (payload) => valuesAt(payload, path).some((v) => typeof v === 'number' && inBounds(v, bounds))
    }
    case 'values_count': {
      const { path, bounds } = condition
      return (payload) => inBounds(valuesAt(payload, path).length, bounds)
    }
    case 'is_empty': {
      const { path } = condition
      return (payload) => valuesAt(payload, path).every((v) => v === null)
    }
    case 'is_null': {
      const { path } = condition
      return (payload) => valuesAt(payload, path).some((v) => v === null)
    }
  }
}

export function inBounds(x: number, b: Bounds): boolean {
  return (b.gt === undefined || x > b.gt) && (b.gte === undefined || x >= b.gte) && (b.lt === undefined || x < b.lt) && (b.lte === undefined || x <= b.lte)
}
