import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { assignRoles, createRole } from './support/iam'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane()
})
after(() => cp.close())

/** An owner, and a second member of the owner's account holding a custom role with `permissions`. */
async function teamWith(permissions: string[]) {
  const owner = await signUp(cp.http, 'Owner')
  const member = await signUp(cp.http, 'Member')
  await cp.prisma.membership.create({ data: { accountId: owner.accountId, userId: member.id } })
  const role = await createRole(cp.http, owner, permissions)
  await assignRoles(cp.http, owner, member.id, [role.id])
  return { owner, member: { ...member, accountId: owner.accountId } as TestUser, role }
}

const roles = (u: TestUser) => `/api/v1/accounts/${u.accountId}/roles`

describe('roles', () => {
  it('lists the built-in roles as SYSTEM, and refuses to change or delete them (409)', async () => {
    const owner = await signUp(cp.http)
    const list = await cp.http.get(roles(owner), { token: owner.token })
    assert.equal(list.status, 200)
    const system = list.body.items.filter((r: { type: string }) => r.type === 'SYSTEM')
    assert.deepEqual(system.map((r: { subType: string }) => r.subType).sort(), ['ADMIN', 'BASE', 'OWNER'])
    const admin = system.find((r: { subType: string }) => r.subType === 'ADMIN')
    assert.equal(admin.permissions.length, 32)
    assert.equal((await cp.http.patch(`${roles(owner)}/${admin.id}`, { name: 'Boss' }, { token: owner.token })).status, 409)
    assert.equal((await cp.http.delete(`${roles(owner)}/${admin.id}`, { token: owner.token })).status, 409)
  })

  it('creates a custom role with write ⇒ read stored, gets, renames, duplicates and deletes it', async () => {
    const owner = await signUp(cp.http)
    const role = await createRole(cp.http, owner, ['write:clusters', 'delete:backups'], 'Operators')
    assert.deepEqual(role.permissions.sort(), ['delete:backups', 'read:clusters', 'write:clusters'])
    const got = await cp.http.get(`${roles(owner)}/${role.id}`, { token: owner.token })
    assert.equal(got.body.type, 'CUSTOM')
    assert.equal(got.body.subType, undefined)
    const patched = await cp.http.patch(`${roles(owner)}/${role.id}`, { name: 'Ops', description: 'runs clusters', permissions: ['write:backups'] }, { token: owner.token })
    assert.equal(patched.status, 200)
    assert.deepEqual([patched.body.name, patched.body.description, patched.body.permissions], ['Ops', 'runs clusters', ['read:backups', 'write:backups']])
    const copy = await cp.http.post(`${roles(owner)}/${role.id}/duplicate`, { name: 'Ops 2' }, { token: owner.token })
    assert.equal(copy.status, 201)
    assert.deepEqual(copy.body.permissions, patched.body.permissions)
    assert.equal((await cp.http.delete(`${roles(owner)}/${role.id}`, { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(`${roles(owner)}/${role.id}`, { token: owner.token })).status, 404)
  })

  it('refuses a duplicate name (409), an unknown permission (400 naming it) and a bad id (400)', async () => {
    const owner = await signUp(cp.http)
    await createRole(cp.http, owner, ['read:users'], 'Readers')
    assert.equal((await cp.http.post(roles(owner), { name: 'Readers', permissions: [] }, { token: owner.token })).status, 409)
    assert.equal((await cp.http.post(roles(owner), { name: 'Admin', permissions: [] }, { token: owner.token })).status, 409)
    const unknown = await cp.http.post(roles(owner), { name: 'X', permissions: ['read:users', 'write:universe'] }, { token: owner.token })
    assert.equal(unknown.status, 400)
    assert.match(unknown.body.detail, /write:universe/)
    assert.equal(unknown.body.errors[0].field, 'permissions')
    assert.equal((await cp.http.get(`${roles(owner)}/not-a-uuid`, { token: owner.token })).status, 400)
    assert.equal((await cp.http.post(roles(owner), { name: 'Y', permissions: 'read:users' }, { token: owner.token })).status, 400)
  })

  it('keeps roles per account: another account\'s role is 404', async () => {
    const a = await signUp(cp.http)
    const b = await signUp(cp.http)
    const role = await createRole(cp.http, b, ['read:users'])
    assert.equal((await cp.http.get(`${roles(a)}/${role.id}`, { token: a.token })).status, 404)
    const assign = await cp.http.put(`/api/v1/accounts/${a.accountId}/users/${a.id}/roles`, { roleIds: [role.id] }, { token: a.token })
    assert.equal(assign.status, 404)
  })

  it('takes a role change into account on the member\'s very next request, and deleting a role removes it at once', async () => {
    const { owner, member, role } = await teamWith(['read:users'])
    const users = `/api/v1/accounts/${owner.accountId}/users`
    assert.equal((await cp.http.get(users, { token: member.token })).status, 200)
    await cp.http.patch(`${roles(owner)}/${role.id}`, { permissions: ['read:invites'] }, { token: owner.token })
    assert.equal((await cp.http.get(users, { token: member.token })).status, 403)
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}/invites`, { token: member.token })).status, 200)
    assert.equal((await cp.http.delete(`${roles(owner)}/${role.id}`, { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}/invites`, { token: member.token })).status, 403)
    const me = await cp.http.get(`${users}/${member.id}`, { token: owner.token })
    assert.deepEqual(me.body.roles.map((r: { name: string }) => r.name), ['Base'])
  })

  it('does not lose concurrent changes of one role', async () => {
    const owner = await signUp(cp.http)
    const role = await createRole(cp.http, owner, ['read:users'])
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((d) => cp.http.patch(`${roles(owner)}/${role.id}`, { description: d }, { token: owner.token })),
    )
    for (const r of results) assert.ok([200, 409].includes(r.status), String(r.status))
    const final = await cp.prisma.role.findUniqueOrThrow({ where: { id: role.id } })
    assert.equal(final.version, 1 + results.filter((r) => r.status === 200).length)
  })
})

describe('members', () => {
  it('lists members with their roles, replaces roles, and removes a member but never the Owner', async () => {
    const { owner, member, role } = await teamWith(['read:users'])
    const users = `/api/v1/accounts/${owner.accountId}/users`
    const list = await cp.http.get(users, { token: owner.token })
    assert.equal(list.body.items.length, 2)
    const m = list.body.items.find((x: { user: { id: string } }) => x.user.id === member.id)
    assert.deepEqual(m.roles.map((r: { name: string }) => r.name).sort(), ['Base', role.name].sort())
    assert.equal(m.isOwner, false)
    assert.ok(m.joinedAt)
    assert.equal((await cp.http.delete(`${users}/${owner.id}`, { token: owner.token })).status, 409)
    assert.equal((await cp.http.delete(`${users}/${member.id}`, { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(users, { token: member.token })).status, 404)
  })

  it('refuses to assign Base or Owner', async () => {
    const owner = await signUp(cp.http)
    const list = await cp.http.get(roles(owner), { token: owner.token })
    for (const subType of ['BASE', 'OWNER']) {
      const r = list.body.items.find((x: { subType?: string }) => x.subType === subType)
      const res = await cp.http.put(`/api/v1/accounts/${owner.accountId}/users/${owner.id}/roles`, { roleIds: [r.id] }, { token: owner.token })
      assert.equal(res.status, 400)
    }
  })
})

describe('no privilege escalation', () => {
  it('create role: only with permissions the caller holds', async () => {
    const { member } = await teamWith(['write:roles'])
    const denied = await cp.http.post(roles(member), { name: 'X', permissions: ['read:clusters', 'write:roles'] }, { token: member.token })
    assert.equal(denied.status, 403)
    assert.deepEqual(denied.body.missingPermissions, ['read:clusters'])
    assert.equal((await cp.http.post(roles(member), { name: 'Y', permissions: ['write:roles'] }, { token: member.token })).status, 201)
  })

  it('patch role: neither adding a permission one lacks, nor touching a role that carries one', async () => {
    const { owner, member, role } = await teamWith(['write:roles'])
    const own = await cp.http.patch(`${roles(member)}/${role.id}`, { permissions: ['write:roles', 'delete:users'] }, { token: member.token })
    assert.equal(own.status, 403)
    assert.deepEqual(own.body.missingPermissions, ['delete:users'])
    const strong = await createRole(cp.http, owner, ['delete:users'])
    const rename = await cp.http.patch(`${roles(member)}/${strong.id}`, { name: 'harmless?' }, { token: member.token })
    assert.equal(rename.status, 403)
    assert.equal((await cp.prisma.role.findUniqueOrThrow({ where: { id: strong.id } })).name, strong.name)
  })

  it('duplicate: not a role that carries more than the caller holds (Admin included)', async () => {
    const { owner, member } = await teamWith(['write:roles'])
    const admin = (await cp.http.get(roles(owner), { token: owner.token })).body.items.find((r: { subType?: string }) => r.subType === 'ADMIN')
    const res = await cp.http.post(`${roles(member)}/${admin.id}/duplicate`, { name: 'My admin' }, { token: member.token })
    assert.equal(res.status, 403)
    assert.ok(res.body.missingPermissions.includes('delete:clusters'))
  })

  it('assign and unassign: only roles whose permissions the caller holds', async () => {
    const { owner, member, role } = await teamWith(['write:roles', 'read:users'])
    const admin = (await cp.http.get(roles(owner), { token: owner.token })).body.items.find((r: { subType?: string }) => r.subType === 'ADMIN')
    const selfPromote = await cp.http.put(`/api/v1/accounts/${owner.accountId}/users/${member.id}/roles`, { roleIds: [role.id, admin.id] }, { token: member.token })
    assert.equal(selfPromote.status, 403)
    const third = await signUp(cp.http)
    await cp.prisma.membership.create({ data: { accountId: owner.accountId, userId: third.id } })
    const strong = await createRole(cp.http, owner, ['delete:users'])
    await assignRoles(cp.http, owner, third.id, [strong.id])
    const unassign = await cp.http.put(`/api/v1/accounts/${owner.accountId}/users/${third.id}/roles`, { roleIds: [] }, { token: member.token })
    assert.equal(unassign.status, 403)
    assert.deepEqual(unassign.body.missingPermissions, ['delete:users'])
    const fine = await cp.http.put(`/api/v1/accounts/${owner.accountId}/users/${third.id}/roles`, { roleIds: [strong.id, role.id] }, { token: member.token })
    assert.equal(fine.status, 200)
  })

  it('invite: only with roles whose permissions the inviter holds', async () => {
    const { owner, member } = await teamWith(['write:invites'])
    const admin = (await cp.http.get(roles(owner), { token: owner.token })).body.items.find((r: { subType?: string }) => r.subType === 'ADMIN')
    const res = await cp.http.post(`/api/v1/accounts/${owner.accountId}/invites`, { email: 'friend@example.com', roleIds: [admin.id] }, { token: member.token })
    assert.equal(res.status, 403)
    assert.equal(await cp.prisma.invite.count({ where: { accountId: owner.accountId } }), 0)
  })

  it('management key: only with roles whose permissions the creator holds', async () => {
    const { owner, member, role } = await teamWith(['write:management_keys'])
    const admin = (await cp.http.get(roles(owner), { token: owner.token })).body.items.find((r: { subType?: string }) => r.subType === 'ADMIN')
    const keys = `/api/v1/accounts/${owner.accountId}/management-keys`
    const res = await cp.http.post(keys, { name: 'escalator', roleIds: [admin.id] }, { token: member.token })
    assert.equal(res.status, 403)
    assert.equal((await cp.http.post(keys, { name: 'same power', roleIds: [role.id] }, { token: member.token })).status, 201)
  })
})
