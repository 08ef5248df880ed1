import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseClaims } from '../src'

function error(input: unknown): string {
  const parsed = parseClaims(input)
  assert.equal(parsed.ok, false, `expected ${JSON.stringify(input)} to be refused`)
  return (parsed as { error: string }).error
}

describe('claims', () => {
  it('accepts Qdrant tokens: global r/m, collection grants, value_exists, no access at all', () => {
    const valid = [
      {},
      { access: 'r' },
      { access: 'm', exp: 1_900_000_000 },
      { access: [] },
      { access: [{ collection: 'docs', access: 'r' }, { collection: 'logs', access: 'rw' }, { collection: 'serverless', access: 'prw' }] },
      { access: 'r', value_exists: { collection: 'users', matches: [{ key: 'user_id', value: 42 }, { key: 'enabled', value: true }] } },
      { sub: 'cluster-1', jti: 'k_123', access: [{ collection: 'tenant_42_*', access: 'rw', payload: { tenant: 'a' } }] },
    ]
    for (const claims of valid) assert.deepEqual(parseClaims(claims), { ok: true, claims }, JSON.stringify(claims))
  })

  it('drops unknown top-level claims (iat, iss, ...) and keeps ours', () => {
    assert.deepEqual(parseClaims({ iat: 1, iss: 'x', nbf: 2, subject: 'audit', access: 'r' }), { ok: true, claims: { access: 'r' } })
  })

  it('refuses a collection listed twice, even as the same pattern', () => {
    assert.equal(
      error({ access: [{ collection: 'docs', access: 'r' }, { collection: 'docs', access: 'rw' }] }),
      'access[1].collection "docs" is listed twice',
    )
    assert.equal(
      error({ access: [{ collection: 't_*', access: 'r' }, { collection: 't_*', access: 'r' }] }),
      'access[1].collection "t_*" is listed twice',
    )
  })

  it('names the field of every malformed claim', () => {
    const cases: [unknown, string][] = [
      [null, 'claims must be a JSON object'],
      [[1], 'claims must be a JSON object'],
      [{ access: 'w' }, 'access must be "r", "m" or a list of {collection, access, payload?}'],
      [{ access: null }, 'access must be "r", "m" or a list of {collection, access, payload?}'],
      [{ access: {} }, 'access must be "r", "m" or a list of {collection, access, payload?}'],
      [{ access: ['docs'] }, 'access[0] must be a JSON object'],
      [{ access: [{ collection: 'docs' }] }, 'access[0].access must be "r", "rw" or "prw"'],
      [{ access: [{ collection: 'docs', access: 'm' }] }, 'access[0].access must be "r", "rw" or "prw"'],
      [{ access: [{ collection: '', access: 'r' }] }, 'access[0].collection must be a non-empty string'],
      [{ access: [{ collection: 7, access: 'r' }] }, 'access[0].collection must be a non-empty string'],
      [{ access: [{ collection: 'docs', access: 'r', paylod: { t: 'a' } }] }, 'access[0] has an unknown field "paylod"'],
      [{ access: [{ collection: 'docs', access: 'r', payload: {} }] }, 'access[0].payload must restrict at least one key'],
      [{ access: [{ collection: 'docs', access: 'r', payload: [] }] }, 'access[0].payload must be a JSON object'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { 'a.b': 'x' } }] }, 'access[0].payload key "a.b" must be a top-level payload key (no ".", "[", "]", quotes or surrounding spaces)'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { 'a[0]': 'x' } }] }, 'access[0].payload key "a[0]" must be a top-level payload key (no ".", "[", "]", quotes or surrounding spaces)'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { ' t': 'x' } }] }, 'access[0].payload key " t" must be a top-level payload key (no ".", "[", "]", quotes or surrounding spaces)'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: 1.5 } }] }, 'access[0].payload.t must be a string, an integer, a boolean, or a list of 1 to 100 strings or integers'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: null } }] }, 'access[0].payload.t must be a string, an integer, a boolean, or a list of 1 to 100 strings or integers'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: { a: 1 } } }] }, 'access[0].payload.t must be a string, an integer, a boolean, or a list of 1 to 100 strings or integers'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: [] } }] }, 'access[0].payload.t must be a string, an integer, a boolean, or a list of 1 to 100 strings or integers'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: ['a', 1] } }] }, 'access[0].payload.t a list must hold only strings or only integers'],
      [{ access: [{ collection: 'docs', access: 'r', payload: { t: [true] } }] }, 'access[0].payload.t a list must hold only strings or only integers'],
      [{ exp: '1900000000' }, 'exp must be a NumericDate (seconds since the epoch)'],
      [{ jti: '' }, 'jti must be a non-empty string of at most 256 characters'],
      [{ jti: 'x'.repeat(257) }, 'jti must be a non-empty string of at most 256 characters'],
      [{ sub: 1 }, 'sub must be a string'],
      [{ value_exists: { collection: 'users' } }, 'value_exists.matches must be a list of {key, value}'],
      [{ value_exists: { collection: 'users_*', matches: [] } }, 'value_exists.collection must be a collection name, not a pattern'],
      [{ value_exists: { collection: 'users', matches: [{ key: 'id', value: 1.5 }] } }, 'value_exists.matches[0].value must be a string, an integer or a boolean'],
      [{ value_exists: { collection: 'users', matches: [{ key: '', value: 1 }] } }, 'value_exists.matches[0].key must be a non-empty string'],
      [{ value_exists: { collection: 'users', matches: [], extra: 1 } }, 'value_exists has an unknown field "extra"'],
    ]
    for (const [input, message] of cases) assert.equal(error(input), message, JSON.stringify(input))
  })

  it('limits the number of grants and restricted keys', () => {
    const grants = Array.from({ length: 1001 }, (_, i) => ({ collection: `c${i}`, access: 'r' }))
    assert.equal(error({ access: grants }), 'access must list at most 1000 collections')
    const payload = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
    assert.equal(error({ access: [{ collection: 'docs', access: 'r', payload }] }), 'access[0].payload must restrict at most 16 keys')
  })

  it('keeps a payload key named __proto__ as a plain key', () => {
    const parsed = parseClaims(JSON.parse('{"access":[{"collection":"d","access":"r","payload":{"__proto__":"x"}}]}'))
    assert.equal(parsed.ok, true)
    const payload = (parsed as unknown as { claims: { access: { payload: object }[] } }).claims.access[0].payload
    assert.deepEqual(Object.keys(payload), ['__proto__'])
    assert.equal(Object.getPrototypeOf(payload), Object.prototype)
  })
})
