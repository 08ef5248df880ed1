import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ALL_PERMISSIONS, missingPermissions, withImpliedReads } from '@quiver/permissions'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { createKey, createRole } from './support/iam'
import { fillPath, registeredRoutes } from './support/routes'
import { signUp } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane()
})
after(() => cp.close())

describe('management keys', () => {
  it('shows the secret once, keeps only its hash, lists a prefix and lastUsedAt, and dies at once when deleted', async () => {
    const owner = await signUp(cp.http)
    const role = await createRole(cp.http, owner, ['read:users'])
    const created = await createKey(cp.http, owner, [role.id])
    assert.match(created.key, /^qvm_[A-Za-z0-9_-]{40,}$/)
    assert.equal(created.prefix, created.key.slice(0, 12))
    const row = await cp.prisma.managementKey.findUniqueOrThrow({ where: { id: created.id } })
    assert.ok(!JSON.stringify(row).includes(created.key.slice(12)))

    const users = `/api/v1/accounts/${owner.accountId}/users`
    assert.equal((await cp.http.get(users, { apikey: created.key })).status, 200)
    // exactly its roles: not even the Base role's read:account
    const account = await cp.http.get(`/api/v1/accounts/${owner.accountId}`, { apikey: created.key })
    assert.equal(account.status, 403)
    assert.deepEqual(account.body.missingPermissions, ['read:account'])

    const list = await cp.http.get(`/api/v1/accounts/${owner.accountId}/management-keys`, { token: owner.token })
    assert.equal(list.body.items.length, 1)
    assert.equal(list.body.items[0].key, undefined)
    assert.ok(!JSON.stringify(list.body).includes(created.key.slice(12)))
    assert.deepEqual(list.body.items[0].roleIds, [role.id])
    assert.ok(list.body.items[0].lastUsedAt)

    assert.equal((await cp.http.delete(`/api/v1/accounts/${owner.accountId}/management-keys/${created.id}`, { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(users, { apikey: created.key })).status, 401)
  })

  it('never reaches another account (404), cannot act as a user, and expires', async () => {
    const a = await signUp(cp.http)
    const b = await signUp(cp.http)
    const admin = (await cp.http.get(`/api/v1/accounts/${a.accountId}/roles`, { token: a.token })).body.items.find((r: { subType?: string }) => r.subType === 'ADMIN')
    const key = await createKey(cp.http, a, [admin.id])
    assert.equal((await cp.http.get(`/api/v1/accounts/${b.accountId}/users`, { apikey: key.key })).status, 404)
    assert.equal((await cp.http.get(`/api/v1/accounts/${a.accountId}/users`, { apikey: key.key })).status, 200)
    assert.equal((await cp.http.post('/api/v1/accounts', { name: 'by key' }, { apikey: key.key })).status, 403)
    assert.equal((await cp.http.get('/api/v1/me', { apikey: key.key })).status, 403)
    assert.deepEqual((await cp.http.get('/api/v1/accounts', { apikey: key.key })).body.items.map((x: { id: string }) => x.id), [a.accountId])

    const soon = await createKey(cp.http, a, [admin.id], { expiresAt: new Date(Date.now() + 1500).toISOString() })
    assert.equal((await cp.http.get(`/api/v1/accounts/${a.accountId}/users`, { apikey: soon.key })).status, 200)
    await new Promise((r) => setTimeout(r, 1600))
    assert.equal((await cp.http.get(`/api/v1/accounts/${a.accountId}/users`, { apikey: soon.key })).status, 401)
    const past = await cp.http.post(`/api/v1/accounts/${a.accountId}/management-keys`, { name: 'x', roleIds: [], expiresAt: '2001-01-01T00:00:00Z' }, { token: a.token })
    assert.equal(past.status, 400)
    assert.equal((await cp.http.get(`/api/v1/accounts/${a.accountId}/users`, { apikey: 'qvm_not-a-key' })).status, 401)
  })

  it('replays an idempotent create without storing or showing the secret again', async () => {
    const owner = await signUp(cp.http)
    const headers = { 'idempotency-key': 'terraform-key-1' }
    const path = `/api/v1/accounts/${owner.accountId}/management-keys`
    const first = await cp.http.post(path, { name: 'tf', roleIds: [] }, { token: owner.token, headers })
    const replay = await cp.http.post(path, { name: 'tf', roleIds: [] }, { token: owner.token, headers })
    assert.equal(replay.status, 201)
    assert.equal(replay.body.id, first.body.id)
    assert.equal(replay.body.key, undefined)
    const stored = await cp.prisma.idempotencyRecord.findMany()
    assert.ok(!JSON.stringify(stored).includes(first.body.key))
  })
})

describe('permission matrix', () => {
  it('a key holding one permission opens exactly the routes that need it (and its implied read), 403 elsewhere', async () => {
    const deletesAccount = (r: { method: string; path: string }) => r.method === 'DELETE' && r.path === '/api/v1/accounts/:accountId'
    const routes = registeredRoutes(cp.app)
      .filter((r) => r.access?.kind === 'permission' && r.path.includes(':accountId'))
      .sort((x, y) => Number(deletesAccount(x)) - Number(deletesAccount(y)))
    // every permission of the catalogue, so new routes are covered as they come; an account each,
    // because an open route really runs (delete:account deletes the account)
    for (const permission of ALL_PERMISSIONS) {
      const owner = await signUp(cp.http)
      const role = await createRole(cp.http, owner, [permission])
      const { key } = await createKey(cp.http, owner, [role.id])
      const held = new Set(withImpliedReads([permission]))
      for (const r of routes) {
        if (r.access?.kind !== 'permission') continue
        const res = await cp.http.request(r.method, fillPath(r.path, owner.accountId), { apikey: key, body: r.method === 'GET' ? undefined : {} })
        const open = missingPermissions(held, r.access.permissions).length === 0
        if (open) assert.ok(res.status !== 403 && res.status !== 401, `${permission}: ${r.method} ${r.path} should open, got ${res.status}`)
        else assert.equal(res.status, 403, `${permission}: ${r.method} ${r.path} should be closed, got ${res.status}`)
      }
    }
  })
})
