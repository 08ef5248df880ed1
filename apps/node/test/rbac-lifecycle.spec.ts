// Tokens that stop working: revocation (`POST /internal/revocations`, global manage only) refuses a
// token within a second and survives a restart, even a SIGKILL right after the push; value_exists
// is checked against the node's data on every request, so changing a point withdraws a token.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { QdrantClient } from '@qdrant/js-client-rest'
import { bearer, KEYS, RBAC_ENV, sign } from './support/rbac-credentials'
import { call, NodeProcess, rejectsWith, removeDir, startNode } from './support/node-process'

const inHour = () => Math.floor(Date.now() / 1000) + 3600
const STATEFUL = /^Invalid JWT, stateful validation failed$/

describe('node: revocation', () => {
  let node: NodeProcess
  const revoke = (headers: Record<string, string>, body: unknown) => call(`${node.url}/internal/revocations`, 'POST', body, headers)
  const collections = (token: string) => call(`${node.url}/collections`, 'GET', undefined, bearer(token))

  before(async () => {
    node = await startNode({ env: RBAC_ENV })
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })

  test('only global manage may revoke; a bad body is a 400', async () => {
    const body = { revocations: [{ jti: 'who-may-revoke', exp: inHour() }] }
    const refused: [string, Record<string, string>, number, RegExp][] = [
      ['no credential', {}, 401, /Must provide an API key/],
      ['read-only key', { 'api-key': KEYS.readOnly }, 403, /^Global manage access is required$/],
      ['global r JWT', bearer(await sign({ access: 'r' })), 403, /^Global manage access is required$/],
      ['collection rw JWT', bearer(await sign({ access: [{ collection: '*', access: 'rw' }] })), 403, /^Global manage access is required$/],
    ]
    for (const [who, headers, status, reason] of refused) {
      const answer = await revoke(headers, body)
      assert.equal(answer.status, status, who)
      assert.match(answer.body.status.error, reason, who)
    }
    for (const headers of [{ 'api-key': KEYS.manage }, bearer(KEYS.alt), bearer(await sign({ access: 'm' }, KEYS.alt))]) {
      const answer = await revoke(headers, body)
      assert.equal(answer.status, 200)
      assert.equal(answer.body.result.revoked, 1)
    }
    for (const bad of [{}, { revocations: [] }, { revocations: [{ exp: 1 }] }, { revocations: [{ jti: '', exp: null }] }, { revocations: [{ jti: 'x', exp: 'soon' }] }, { revocations: [{ jti: 'x'.repeat(257) }] }]) {
      assert.equal((await revoke({ 'api-key': KEYS.manage }, bad)).status, 400, JSON.stringify(bad).slice(0, 80))
    }
  })

  test('a revoked token is refused by the next request, though it was verified and cached before', async () => {
    const exp = inHour()
    const doomed = await sign({ access: 'r', jti: 'doomed-1', exp })
    const sibling = await sign({ access: 'r', jti: 'doomed-1-sibling', exp })
    for (let i = 0; i < 3; i++) assert.equal((await collections(doomed)).status, 200)
    const started = performance.now()
    assert.equal((await revoke({ 'api-key': KEYS.manage }, { revocations: [{ jti: 'doomed-1', exp }] })).status, 200)
    const refused = await collections(doomed)
    const elapsed = performance.now() - started
    assert.equal(refused.status, 403)
    assert.equal(refused.body.status.error, 'JWT has been revoked')
    assert.ok(elapsed < 1000, `refused ${elapsed.toFixed(0)} ms after the revocation was sent`)
    assert.equal((await collections(sibling)).status, 200, 'another jti with the same claims still works')
    assert.equal((await call(`${node.url}/collections`, 'GET', undefined, { 'api-key': doomed })).status, 403, 'in the api-key header too')
  })

  test('revocations survive a restart, and a SIGKILL right after the push', async () => {
    const exp = inHour()
    const killed = await sign({ access: 'm', jti: 'before-kill', exp })
    const stopped = await sign({ access: 'm', jti: 'before-stop', exp })
    const forever = await sign({ access: 'm', jti: 'no-expiry' })
    const fine = await sign({ access: 'm', jti: 'never-revoked', exp })
    assert.equal((await revoke({ 'api-key': KEYS.manage }, { revocations: [{ jti: 'before-stop', exp }, { jti: 'no-expiry', exp: null }] })).status, 200)
    assert.equal(await node.stop(), 0)
    node = await startNode({ dataDir: node.dataDir, env: RBAC_ENV })
    for (const token of [stopped, forever]) assert.equal((await collections(token)).status, 403)
    assert.equal((await revoke({ 'api-key': KEYS.manage }, { revocations: [{ jti: 'before-kill', exp }] })).status, 200)
    await node.kill()
    node = await startNode({ dataDir: node.dataDir, env: RBAC_ENV })
    for (const token of [killed, stopped, forever]) {
      const answer = await collections(token)
      assert.equal(answer.status, 403)
      assert.equal(answer.body.status.error, 'JWT has been revoked')
    }
    assert.equal((await collections(fine)).status, 200)
  })
})

describe('node: value_exists', () => {
  let node: NodeProcess
  let manage: QdrantClient
  let bound: QdrantClient

  before(async () => {
    node = await startNode({ env: RBAC_ENV })
    manage = node.client(KEYS.manage)
    await manage.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } })
    await manage.upsert('docs', { wait: true, points: [{ id: 1, vector: [1, 0] }] })
    const token = await sign({
      access: [{ collection: 'docs', access: 'r' }],
      value_exists: { collection: 'users', matches: [{ key: 'user', value: 'u1' }, { key: 'role', value: 'admin' }, { key: 'active', value: true }] },
    })
    bound = node.client(token)
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })

  test('no collection: refused (403); no matching point: refused (401); matching point: allowed; point changed: refused at once', async () => {
    await rejectsWith(bound.count('docs'), 403, STATEFUL)
    await manage.createCollection('users', { vectors: { size: 2, distance: 'Dot' } })
    await rejectsWith(bound.count('docs'), 401, STATEFUL)
    await manage.upsert('users', { wait: true, points: [{ id: 7, vector: [0, 1], payload: { user: 'u1', role: 'viewer', active: true } }] })
    await rejectsWith(bound.count('docs'), 401, STATEFUL)
    await manage.setPayload('users', { wait: true, payload: { role: 'admin' }, points: [7] })
    assert.equal((await bound.count('docs')).count, 1)
    assert.deepEqual((await bound.getCollections()).collections.map((c) => c.name), ['docs'], 'the token still sees only its grants')
    await manage.setPayload('users', { wait: true, payload: { active: false }, points: [7] })
    await rejectsWith(bound.count('docs'), 401, STATEFUL)
    await manage.setPayload('users', { wait: true, payload: { active: true }, points: [7] })
    assert.equal((await bound.count('docs')).count, 1)
    // through the payload index as well, and a value inside an array matches as in a filter
    await manage.createPayloadIndex('users', { wait: true, field_name: 'user', field_schema: 'keyword' })
    await manage.overwritePayload('users', { wait: true, payload: { user: ['u0', 'u1'], role: 'admin', active: true }, points: [7] })
    assert.equal((await bound.count('docs')).count, 1)
    await manage.delete('users', { wait: true, points: [7] })
    await rejectsWith(bound.count('docs'), 401, STATEFUL)
    await manage.upsert('users', { wait: true, points: [{ id: 8, vector: [0, 1], payload: { user: 'u1', role: 'admin', active: true } }] })
    assert.equal((await bound.count('docs')).count, 1, 'another matching point will do')
    await manage.deleteCollection('users')
    await rejectsWith(bound.count('docs'), 403, STATEFUL)
  })
})
