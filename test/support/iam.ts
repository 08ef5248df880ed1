// Building blocks for identity tests, all through the API.
import assert from 'node:assert/strict'
import { HttpClient } from './http'
import { TestUser } from './users'

export async function createRole(http: HttpClient, owner: TestUser, permissions: string[], name = `role-${crypto.randomUUID()}`) {
  const res = await http.post(`/api/v1/accounts/${owner.accountId}/roles`, { name, permissions }, { token: owner.token })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body as { id: string; name: string; permissions: string[] }
}

export async function createKey(http: HttpClient, owner: TestUser, roleIds: string[], extra: Record<string, unknown> = {}) {
  const res = await http.post(`/api/v1/accounts/${owner.accountId}/management-keys`, { name: 'k', roleIds, ...extra }, { token: owner.token })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body as { id: string; key: string; prefix: string }
}

export async function assignRoles(http: HttpClient, owner: TestUser, userId: string, roleIds: string[]) {
  const res = await http.put(`/api/v1/accounts/${owner.accountId}/users/${userId}/roles`, { roleIds }, { token: owner.token })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}
