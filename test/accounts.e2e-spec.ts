import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane()
})
after(() => cp.close())

/** Until invites land in a test of their own, a second member is added straight in the database. */
async function addMember(accountId: string, user: TestUser) {
  await cp.prisma.membership.create({ data: { accountId, userId: user.id } })
}

describe('accounts', () => {
  it('creates an account whose creator is the Owner, with the three built-in roles', async () => {
    const user = await signUp(cp.http)
    const created = await cp.http.post('/api/v1/accounts', { name: '  Search team  ' }, { token: user.token })
    assert.equal(created.status, 201)
    assert.equal(created.body.name, 'Search team')
    assert.equal(created.body.ownerId, user.id)
    const roles = await cp.prisma.role.findMany({ where: { accountId: created.body.id }, orderBy: { name: 'asc' } })
    assert.deepEqual(roles.map((r) => [r.name, r.type]), [['Admin', 'SYSTEM'], ['Base', 'SYSTEM'], ['Owner', 'SYSTEM']])
    const got = await cp.http.get(`/api/v1/accounts/${created.body.id}`, { token: user.token })
    assert.equal(got.status, 200)
    assert.deepEqual(got.body, created.body)
  })

  it('lists the caller\'s accounts page by page', async () => {
    const user = await signUp(cp.http)
    for (const name of ['one', 'two', 'three']) await cp.http.post('/api/v1/accounts', { name }, { token: user.token })
    const first = await cp.http.get('/api/v1/accounts?limit=2', { token: user.token })
    assert.equal(first.status, 200)
    assert.equal(first.body.items.length, 2)
    assert.ok(first.body.nextCursor)
    const second = await cp.http.get(`/api/v1/accounts?limit=2&cursor=${first.body.nextCursor}`, { token: user.token })
    assert.equal(second.body.items.length, 2)
    assert.equal(second.body.nextCursor, null)
    const names = [...first.body.items, ...second.body.items].map((a: { name: string }) => a.name)
    assert.equal(new Set(names).size, 4)
    assert.ok(names.includes('three'))
    assert.equal((await cp.http.get('/api/v1/accounts?limit=0', { token: user.token })).status, 400)
    assert.equal((await cp.http.get('/api/v1/accounts?limit=201', { token: user.token })).status, 400)
    assert.equal((await cp.http.get('/api/v1/accounts?cursor=garbage', { token: user.token })).status, 400)
  })

  it('renames and deletes an account', async () => {
    const user = await signUp(cp.http)
    const renamed = await cp.http.patch(`/api/v1/accounts/${user.accountId}`, { name: 'Renamed' }, { token: user.token })
    assert.equal(renamed.status, 200)
    assert.equal(renamed.body.name, 'Renamed')
    assert.equal((await cp.http.patch(`/api/v1/accounts/${user.accountId}`, { name: '' }, { token: user.token })).status, 400)
    const deleted = await cp.http.delete(`/api/v1/accounts/${user.accountId}`, { token: user.token })
    assert.equal(deleted.status, 202)
    assert.equal((await cp.http.get(`/api/v1/accounts/${user.accountId}`, { token: user.token })).status, 404)
    const me = await cp.http.get('/api/v1/me', { token: user.token })
    assert.equal(me.body.defaultAccountId, null)
    assert.deepEqual(me.body.memberships, [])
  })

  it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
    const user = await signUp(cp.http)
    const headers = { 'idempotency-key': 'create-analytics-1' }
    const first = await cp.http.post('/api/v1/accounts', { name: 'Analytics' }, { token: user.token, headers })
    const again = await cp.http.post('/api/v1/accounts', { name: 'Analytics' }, { token: user.token, headers })
    assert.equal(first.status, 201)
    assert.equal(again.status, 201)
    assert.deepEqual(again.body, first.body)
    assert.equal(await cp.prisma.account.count({ where: { name: 'Analytics', ownerId: user.id } }), 1)
    const other = await cp.http.post('/api/v1/accounts', { name: 'Other' }, { token: user.token, headers })
    assert.equal(other.status, 409)
  })
})

describe('membership', () => {
  it('sets the default account only to an account the user belongs to', async () => {
    const user = await signUp(cp.http)
    const stranger = await signUp(cp.http)
    const second = await cp.http.post('/api/v1/accounts', { name: 'Second' }, { token: user.token })
    const ok = await cp.http.put('/api/v1/me/default-account', { accountId: second.body.id }, { token: user.token })
    assert.equal(ok.status, 200)
    assert.equal((await cp.http.get('/api/v1/me', { token: user.token })).body.defaultAccountId, second.body.id)
    const foreign = await cp.http.put('/api/v1/me/default-account', { accountId: stranger.accountId }, { token: user.token })
    assert.equal(foreign.status, 404)
    assert.equal((await cp.http.put('/api/v1/me/default-account', { accountId: 'nope' }, { token: user.token })).status, 400)
  })

  it('lets a member leave, but not the Owner', async () => {
    const owner = await signUp(cp.http)
    const member = await signUp(cp.http)
    await addMember(owner.accountId, member)
    assert.equal((await cp.http.post(`/api/v1/accounts/${owner.accountId}/leave`, undefined, { token: owner.token })).status, 409)
    assert.equal((await cp.http.post(`/api/v1/accounts/${owner.accountId}/leave`, undefined, { token: member.token })).status, 204)
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}`, { token: member.token })).status, 404)
  })

  it('transfers ownership to a member; the former Owner keeps Admin and can then leave', async () => {
    const owner = await signUp(cp.http)
    const member = await signUp(cp.http)
    const stranger = await signUp(cp.http)
    await addMember(owner.accountId, member)
    const path = `/api/v1/accounts/${owner.accountId}/transfer-ownership`
    assert.equal((await cp.http.post(path, { userId: member.id }, { token: member.token })).status, 403)
    assert.equal((await cp.http.post(path, { userId: stranger.id }, { token: owner.token })).status, 404)
    const moved = await cp.http.post(path, { userId: member.id }, { token: owner.token })
    assert.equal(moved.status, 200)
    assert.equal(moved.body.ownerId, member.id)
    // the new Owner may now rename; the former Owner, now Admin, may not (write:account is Owner-only)
    assert.equal((await cp.http.patch(`/api/v1/accounts/${owner.accountId}`, { name: 'New' }, { token: member.token })).status, 200)
    const denied = await cp.http.patch(`/api/v1/accounts/${owner.accountId}`, { name: 'Old' }, { token: owner.token })
    assert.equal(denied.status, 403)
    assert.deepEqual(denied.body.missingPermissions, ['write:account'])
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}`, { token: owner.token })).status, 200)
    assert.equal((await cp.http.post(`/api/v1/accounts/${owner.accountId}/leave`, undefined, { token: owner.token })).status, 204)
  })
})

describe('permissions catalogue', () => {
  it('serves the 34 permissions with group and description', async () => {
    const user = await signUp(cp.http)
    const res = await cp.http.get('/api/v1/permissions', { token: user.token })
    assert.equal(res.status, 200)
    assert.equal(res.body.length, 34)
    assert.deepEqual(res.body.find((p: { name: string }) => p.name === 'write:clusters'), {
      name: 'write:clusters', group: 'cluster', description: 'Create, scale, restart, suspend and resume clusters',
    })
  })
})

describe('operations', () => {
  it('serves Prometheus metrics with request counts by route pattern', async () => {
    await cp.http.get('/healthz')
    const res = await cp.http.get('/metrics')
    assert.equal(res.status, 200)
    assert.match(res.body, /quiver_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/)
    assert.match(res.body, /process_cpu_user_seconds_total/)
  })

  it('creates the bootstrap administrator on an empty installation, once', async () => {
    const email = 'root@example.com'
    const fresh = await startControlPlane({ BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: 'a very long admin password' })
    try {
      const login = await fresh.http.post('/api/v1/auth/login', { email, password: 'a very long admin password' })
      assert.equal(login.status, 200)
      const me = await fresh.http.get('/api/v1/me', { token: login.body.token })
      assert.equal(me.body.memberships.length, 1)
      assert.equal(me.body.memberships[0].isOwner, true)
      assert.equal(await fresh.prisma.user.count(), 1)
    } finally {
      await fresh.close()
    }
  })
})
