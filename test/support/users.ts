// Each test creates its own users and accounts through the API (no fixtures shared between tests).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { HttpClient } from './http'

export interface TestUser {
  id: string
  email: string
  password: string
  token: string
  accountId: string // the personal account created at sign-up
}

export async function signUp(http: HttpClient, name = 'Test User'): Promise<TestUser> {
  const email = `user-${randomBytes(6).toString('hex')}@example.com`
  const password = `pw-${randomBytes(12).toString('hex')}`
  const res = await http.post('/api/v1/auth/signup', { email, password, name })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return { id: res.body.user.id, email, password, token: res.body.token, accountId: res.body.account.id }
}
