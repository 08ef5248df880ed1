import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkDeletePayload,
  checkOverwritePayload,
  checkReplacedPoints,
  checkSetPayload,
  checkUpsert,
  Filter,
  matchesRestriction,
  restrictFilter,
  restrictionConditions,
  restrictTargets,
} from '../src'
import { select, StoredPoint } from './filter-evaluator'

const A = { tenant: 'a' }
const POINTS: StoredPoint[] = [
  { id: 1, payload: { tenant: 'a', color: 'red' } },
  { id: 2, payload: { tenant: 'a', color: 'blue' } },
  { id: 3, payload: { tenant: 'b', color: 'red' } },
  { id: 4, payload: { tenant: 'b', color: 'blue' } },
  { id: 5, payload: { tenant: ['a', 'b'], color: 'red' } },
  { id: 6, payload: { color: 'red' } },
  { id: 7, payload: { tenant: 'A', color: 'red' } },
]
const OWN = [1, 2, 5]
const ok = { ok: true }

describe('payload restriction: reads', () => {
  it('is a Qdrant filter: one match condition per key', () => {
    assert.deepEqual(restrictionConditions({ tenant: 'a', level: 3, shared: false, group: ['x', 'y'] }), [
      { key: 'tenant', match: { value: 'a' } },
      { key: 'level', match: { value: 3 } },
      { key: 'shared', match: { value: false } },
      { key: 'group', match: { any: ['x', 'y'] } },
    ])
    assert.deepEqual(restrictFilter(undefined, A), { must: [{ key: 'tenant', match: { value: 'a' } }] })
    assert.equal(restrictFilter(undefined, undefined), undefined)
  })

  it('keeps the caller filter and ANDs the restriction into must', () => {
    const filter = { must: { key: 'color', match: { value: 'red' } }, must_not: [{ has_id: [9] }], min_should: { conditions: [], min_count: 1 } }
    assert.deepEqual(restrictFilter(filter, A), {
      must: [{ key: 'color', match: { value: 'red' } }, { key: 'tenant', match: { value: 'a' } }],
      must_not: [{ has_id: [9] }],
      min_should: { conditions: [], min_count: 1 },
    })
  })

  it('no caller filter can reach a point outside the restriction', () => {
    const hostile: (Filter | undefined | null)[] = [
      undefined,
      null,
      {},
      { must: null },
      { should: [{ key: 'tenant', match: { value: 'b' } }] },
      { should: [{ key: 'tenant', match: { value: 'b' } }, { key: 'tenant', match: { value: 'a' } }] },
      { must: [{ key: 'tenant', match: { any: ['a', 'b'] } }] },
      { must: [{ has_id: [1, 2, 3, 4, 5, 6, 7] }] },
      { must: [{ should: [{ key: 'tenant', match: { value: 'b' } }] }] },
      { must_not: [{ key: 'tenant', match: { value: 'a' } }] },
      { must: [{ key: 'tenant', match: { except: ['a'] } }] },
    ]
    for (const filter of hostile) {
      const reached = select(POINTS, restrictFilter(filter, A))
      assert.ok(reached.every((id) => OWN.includes(id as number)), `${JSON.stringify(filter)} reached ${reached}`)
    }
    assert.deepEqual(select(POINTS, restrictFilter(undefined, A)), OWN)
  })

  it('by id, shows only the points the filter would', () => {
    assert.deepEqual(POINTS.filter((p) => matchesRestriction(p.payload, A)).map((p) => p.id), select(POINTS, restrictFilter(undefined, A)))
    assert.equal(matchesRestriction(undefined, A), false)
    assert.equal(matchesRestriction(null, A), false)
    assert.equal(matchesRestriction(Object.create({ tenant: 'a' }), A), false, 'not through the prototype')
    assert.equal(matchesRestriction({ tenant: 1 }, { tenant: '1' }), false, 'types must agree')
    assert.equal(matchesRestriction({ tenant: 'y', level: 2 }, { tenant: ['x', 'y'], level: 2 }), true)
    assert.equal(matchesRestriction({ tenant: 'y', level: 3 }, { tenant: ['x', 'y'], level: 2 }), false, 'every key must match')
  })
})

describe('payload restriction: deletes and payload operations reach only matching points', () => {
  it('by ids, by filter, and by both', () => {
    assert.deepEqual(select(POINTS, restrictTargets({ points: [1, 3, 4, 6] }, A)), [1])
    assert.deepEqual(select(POINTS, restrictTargets({ filter: { must: [{ key: 'color', match: { value: 'red' } }] } }, A)), [1, 5])
    assert.deepEqual(select(POINTS, restrictTargets({ filter: { should: [{ key: 'tenant', match: { value: 'b' } }] } }, A)), [5])
    assert.deepEqual(select(POINTS, restrictTargets({ points: [1, 2, 3], filter: { must: { key: 'color', match: { value: 'blue' } } } }, A)), [2])
    assert.deepEqual(select(POINTS, restrictTargets({ points: null, filter: null }, A)), OWN)
    assert.deepEqual(select(POINTS, restrictTargets({ points: [] }, A)), [])
  })
})

describe('payload restriction: upserts', () => {
  it('accepts points that carry the restricted values exactly', () => {
    assert.deepEqual(checkUpsert([{ id: 1, payload: { tenant: 'a', x: 1 } }, { id: 'u', payload: { tenant: 'a' } }], A), ok)
    assert.deepEqual(checkUpsert([], A), ok)
    assert.deepEqual(checkUpsert([{ id: 1, payload: { tenant: 'y', level: 2 } }], { tenant: ['x', 'y'], level: 2 }), ok)
  })

  it('refuses every way of writing a point outside the restriction', () => {
    const reason = (id: number) => `Point ${id} must set payload key "tenant" to "a" (payload restriction)`
    const escapes: unknown[] = [
      undefined,
      null,
      {},
      [],
      'a',
      { tenant: 'b' },
      { tenant: 'A' },
      { tenant: 'a ' },
      { tenant: ['a'] },
      { tenant: ['a', 'b'] },
      { tenant: { value: 'a' } },
      { tenant: null },
      { Tenant: 'a' },
      { 'tenant.': 'a' },
      JSON.parse('{"__proto__": {"tenant": "a"}}'),
      Object.create({ tenant: 'a' }),
    ]
    for (const payload of escapes) {
      assert.deepEqual(checkUpsert([{ id: 1, payload: { tenant: 'a' } }, { id: 9, payload }], A), { ok: false, reason: reason(9) }, JSON.stringify(payload))
    }
  })

  it('compares types strictly and reports list restrictions', () => {
    assert.deepEqual(checkUpsert([{ id: 1, payload: { level: '3' } }], { level: 3 }), { ok: false, reason: 'Point 1 must set payload key "level" to 3 (payload restriction)' })
    assert.deepEqual(checkUpsert([{ id: 1, payload: { shared: 0 } }], { shared: false }), { ok: false, reason: 'Point 1 must set payload key "shared" to false (payload restriction)' })
    assert.deepEqual(checkUpsert([{ id: 2, payload: { g: 'z' } }], { g: ['x', 'y'] }), { ok: false, reason: 'Point 2 must set payload key "g" to one of ["x","y"] (payload restriction)' })
  })

  it('refuses to replace a stored point of someone else', () => {
    assert.deepEqual(checkReplacedPoints([POINTS[0], POINTS[4]], A), ok)
    assert.deepEqual(checkReplacedPoints([POINTS[0], POINTS[2]], A), { ok: false, reason: "Point 3 is outside this token's payload restriction" })
    assert.deepEqual(checkReplacedPoints([POINTS[5]], A), { ok: false, reason: "Point 6 is outside this token's payload restriction" })
  })
})

describe('payload restriction: set, overwrite and delete payload', () => {
  const cannotChange = { ok: false, reason: 'Payload key "tenant" is restricted by this token and cannot be changed' }
  const cannotDelete = { ok: false, reason: 'Payload key "tenant" is restricted by this token and cannot be deleted' }

  it('set payload may not change a restricted key, directly or through `key`', () => {
    assert.deepEqual(checkSetPayload({ payload: { color: 'green' } }, A), ok)
    assert.deepEqual(checkSetPayload({ payload: { tenant: 'a', color: 'green' } }, A), ok)
    assert.deepEqual(checkSetPayload({ payload: { color: 'green' }, key: 'meta' }, A), ok)
    assert.deepEqual(checkSetPayload({ payload: { tenant: 'b' }, key: 'meta.inner' }, A), ok, 'nested under another key')
    assert.deepEqual(checkSetPayload({ payload: { tenant: 'b' } }, A), cannotChange)
    assert.deepEqual(checkSetPayload({ payload: { tenant: ['a', 'b'] } }, A), cannotChange)
    assert.deepEqual(checkSetPayload({ payload: { tenant: null } }, A), cannotChange)
    for (const key of ['tenant', 'tenant.x', 'tenant[0]', 'tenant[]', '"tenant"', '"tenant".x', ' tenant ']) {
      assert.deepEqual(checkSetPayload({ payload: { x: 1 }, key }, A), cannotChange, key)
    }
  })

  it('overwrite must keep the restricted keys', () => {
    assert.deepEqual(checkOverwritePayload({ tenant: 'a', color: 'green' }, A), ok)
    for (const payload of [{}, { color: 'green' }, { tenant: 'b' }, null]) {
      assert.deepEqual(checkOverwritePayload(payload, A), { ok: false, reason: 'The new payload must set payload key "tenant" to "a" (payload restriction)' })
    }
  })

  it('delete payload may not remove a restricted key or anything inside it', () => {
    assert.deepEqual(checkDeletePayload(['color', 'tenants', 'meta.tenant', 'tenant_id'], A), ok)
    for (const key of ['tenant', 'tenant.x', 'tenant[0]', 'tenant[]', '"tenant"', ' tenant', 'tenant ']) {
      assert.deepEqual(checkDeletePayload(['color', key], A), cannotDelete, key)
    }
  })
})
