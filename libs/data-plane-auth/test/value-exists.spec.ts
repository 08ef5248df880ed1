import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { valueExistsFailure, valueExistsFilter } from '../src'
import { select } from './filter-evaluator'

describe('value_exists', () => {
  const claim = { collection: 'users', matches: [{ key: 'user_id', value: 42 }, { key: 'enabled', value: true }] }

  it('is a filter that needs every match', () => {
    assert.deepEqual(valueExistsFilter(claim), {
      must: [
        { key: 'user_id', match: { value: 42 } },
        { key: 'enabled', match: { value: true } },
      ],
    })
    const users = [
      { id: 1, payload: { user_id: 42, enabled: false } },
      { id: 2, payload: { user_id: 43, enabled: true } },
    ]
    assert.deepEqual(select(users, valueExistsFilter(claim)), [], 'no point → the token is refused')
    assert.deepEqual(select([...users, { id: 3, payload: { user_id: 42, enabled: true } }], valueExistsFilter(claim)), [3])
  })

  it('fails as Qdrant does: 403 without the collection, 401 without a matching point', () => {
    assert.deepEqual(valueExistsFailure(false), { ok: false, status: 403, reason: 'Invalid JWT, stateful validation failed' })
    assert.deepEqual(valueExistsFailure(true), { ok: false, status: 401, reason: 'Invalid JWT, stateful validation failed' })
  })
})
