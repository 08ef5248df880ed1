// The node's authorize seam wired to libs/data-plane-auth: keys, JWT grants, payload-restricted
// scopes on reads and writes, value_exists and revocation. (The exhaustive operation × credential
// table is libs/data-plane-auth's suite; this checks that the node enforces what it decides.)
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { signDataPlaneToken } from '@quiver/data-plane-auth'
import { call, nodeForSuite, rejectsWith } from './support/node-process'

const API_KEY = 'manage-key-for-tests'
const READ_ONLY = 'read-only-key-for-tests'

describe('node: access control', () => {
  const suite = nodeForSuite({ env: { QUIVER_NODE_API_KEY: API_KEY, QUIVER_NODE_READ_ONLY_API_KEY: READ_ONLY, QUIVER_NODE_JWT_RBAC: 'true' } })
  const manage = () => suite.node.client(API_KEY)
  const token = (claims: Record<string, unknown>) => signDataPlaneToken(claims as never, API_KEY)

  test('open paths need no credential; everything else does', async () => {
    for (const p of ['/', '/healthz', '/readyz', '/livez']) assert.equal((await call(suite.node.url + p, 'GET')).status, 200, p)
    const anonymous = await call(`${suite.node.url}/collections`, 'GET')
    assert.equal(anonymous.status, 401)
    assert.match(anonymous.body.status.error, /API key/)
    assert.equal((await call(`${suite.node.url}/collections`, 'GET', undefined, { 'api-key': 'wrong' })).status, 401)
  })

  test('the manage key may do anything; the read-only key only reads', async () => {
    await manage().createCollection('shared', { vectors: { size: 2, distance: 'Dot' } })
    await manage().upsert('shared', {
      wait: true,
      points: [
        { id: 1, vector: [1, 0], payload: { tenant: 'a' } },
        { id: 2, vector: [0, 1], payload: { tenant: 'b' } },
        { id: 3, vector: [1, 1], payload: { tenant: 'a' } },
      ],
    })
    const reader = suite.node.client(READ_ONLY)
    assert.equal((await reader.count('shared')).count, 3)
    await rejectsWith(reader.upsert('shared', { points: [{ id: 9, vector: [1, 1] }] }), 403, /manage access/i)
  })

  test('a payload-restricted token only sees and writes its own points', async () => {
    const jwt = await token({ access: [{ collection: 'shared', access: 'prw', payload: { tenant: 'a' } }] })
    const tenant = suite.node.client(jwt)
    assert.deepEqual(
      (await tenant.scroll('shared', {})).points.map((p) => p.id),
      [1, 3],
    )
    assert.equal((await tenant.count('shared')).count, 2)
    const hits = await tenant.query('shared', { query: [0, 1], limit: 10 })
    assert.ok(hits.points.every((p) => p.id !== 2))
    assert.deepEqual(await tenant.retrieve('shared', { ids: [1, 2] }).then((ps) => ps.map((p) => p.id)), [1])
    assert.equal((await call(`${suite.node.url}/collections/shared/points/2`, 'GET', undefined, { authorization: `Bearer ${jwt}` })).status, 404)
    await rejectsWith(tenant.upsert('shared', { points: [{ id: 4, vector: [1, 1], payload: { tenant: 'b' } }] }), 403, /tenant/)
    await rejectsWith(tenant.upsert('shared', { points: [{ id: 2, vector: [1, 1], payload: { tenant: 'a' } }] }), 403, /outside/)
    await rejectsWith(tenant.deletePayload('shared', { keys: ['tenant'], points: [1] }), 403, /tenant/)
    await tenant.upsert('shared', { wait: true, points: [{ id: 4, vector: [1, 1], payload: { tenant: 'a' } }] })
    await tenant.delete('shared', { wait: true, filter: { must: [] } })
    assert.deepEqual(
      (await manage().scroll('shared', {})).points.map((p) => p.id),
      [2],
      'a delete of "everything" only reached the token\'s own points',
    )
    await rejectsWith(tenant.createSnapshot('shared'), 403, /points access/)
  })

  test('collection grants limit the listing; value_exists and revocation withdraw a token', async () => {
    await manage().createCollection('users', { vectors: { size: 2, distance: 'Dot' } })
    await manage().upsert('users', { wait: true, points: [{ id: 1, vector: [1, 1], payload: { user: 'u1' } }] })
    const reader = suite.node.client(await token({ access: [{ collection: 'users', access: 'r' }] }))
    assert.deepEqual((await reader.getCollections()).collections.map((c) => c.name), ['users'])
    await rejectsWith(reader.count('shared'), 403, /shared/)

    const bound = suite.node.client(await token({ access: 'r', value_exists: { collection: 'users', matches: [{ key: 'user', value: 'u1' }] } }))
    assert.equal((await bound.count('users')).count, 1)
    await manage().delete('users', { wait: true, points: [1] })
    await rejectsWith(bound.count('users'), 401, /stateful validation/)

    const jwt = await token({ access: 'r', jti: 'token-to-revoke', exp: Math.floor(Date.now() / 1000) + 600 })
    assert.equal((await suite.node.client(jwt).getCollections()).collections.length, 2)
    const revoked = await call(`${suite.node.url}/internal/revocations`, 'POST', { revocations: [{ jti: 'token-to-revoke', exp: null }] }, { 'api-key': API_KEY })
    assert.equal(revoked.status, 200)
    await rejectsWith(suite.node.client(jwt).getCollections(), 403, /revoked/)
  })
})
