import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { signUp } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane({ LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '1000' })
})
after(() => cp.close())

describe('sign-up, login and logout', () => {
  it('signs up with a personal account owned by the new user, then logs in and out', async () => {
    const user = await signUp(cp.http, 'Ada')
    const me = await cp.http.get('/api/v1/me', { token: user.token })
    assert.equal(me.status, 200)
    assert.equal(me.body.user.email, user.email)
    assert.equal(me.body.defaultAccountId, user.accountId)
    assert.equal(me.body.memberships.length, 1)
    assert.equal(me.body.memberships[0].isOwner, true)
    assert.deepEqual(me.body.memberships[0].roles.map((r: { name: string }) => r.name).sort(), ['Base', 'Owner'])

    const login = await cp.http.post('/api/v1/auth/login', { email: user.email.toUpperCase(), password: user.password })
    assert.equal(login.status, 200)
    assert.match(login.body.token, /^qvs_/)
    assert.ok(Date.parse(login.body.expiresAt) > Date.now())
    assert.equal(login.body.user.id, user.id)

    assert.equal((await cp.http.post('/api/v1/auth/logout', undefined, { token: login.body.token })).status, 204)
    assert.equal((await cp.http.get('/api/v1/me', { token: login.body.token })).status, 401)
    // the other session is untouched
    assert.equal((await cp.http.get('/api/v1/me', { token: user.token })).status, 200)
  })

  it('stores neither the password nor the session token in clear', async () => {
    const user = await signUp(cp.http)
    const row = await cp.prisma.user.findUniqueOrThrow({ where: { id: user.id }, include: { sessions: true } })
    assert.match(row.passwordHash, /^\$argon2id\$/)
    assert.ok(!row.passwordHash.includes(user.password))
    assert.ok(row.sessions.every((s) => s.tokenHash !== user.token && !s.tokenHash.includes(user.token.slice(4))))
  })

  it('refuses a duplicate e-mail, whatever its case, with 409', async () => {
    const user = await signUp(cp.http)
    const res = await cp.http.post('/api/v1/auth/signup', { email: user.email.toUpperCase(), password: 'another long password', name: 'X' })
    assert.equal(res.status, 409)
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/)
  })

  it('answers 401 to a wrong password and to an unknown e-mail alike', async () => {
    const user = await signUp(cp.http)
    const wrong = await cp.http.post('/api/v1/auth/login', { email: user.email, password: 'not the password' })
    const unknown = await cp.http.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'not the password' })
    assert.equal(wrong.status, 401)
    assert.equal(unknown.status, 401)
    assert.equal(wrong.body.detail, unknown.body.detail)
  })

  it('answers 401 to an expired session, a revoked one and a made-up one', async () => {
    const user = await signUp(cp.http)
    const login = await cp.http.post('/api/v1/auth/login', { email: user.email, password: user.password })
    await cp.prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    assert.equal((await cp.http.get('/api/v1/me', { token: login.body.token })).status, 401)
    assert.equal((await cp.http.get('/api/v1/me', { token: user.token })).status, 401)
    assert.equal((await cp.http.get('/api/v1/me', { token: 'qvs_made-up' })).status, 401)
    const none = await cp.http.get('/api/v1/me')
    assert.equal(none.status, 401)
    assert.equal(none.body.title, 'Unauthorized')
  })

  it('rate-limits logins per e-mail with 429 and Retry-After', async () => {
    const user = await signUp(cp.http)
    for (let i = 0; i < 3; i++) {
      assert.equal((await cp.http.post('/api/v1/auth/login', { email: user.email, password: 'wrong password!' })).status, 401)
    }
    const limited = await cp.http.post('/api/v1/auth/login', { email: user.email, password: user.password })
    assert.equal(limited.status, 429)
    assert.ok(Number(limited.headers.get('retry-after')) > 0)
    // another e-mail from the same address is not affected
    const other = await signUp(cp.http)
    assert.equal((await cp.http.post('/api/v1/auth/login', { email: other.email, password: other.password })).status, 200)
  })
})

describe('bad input', () => {
  it('lists every invalid and unknown field with 400', async () => {
    const res = await cp.http.post('/api/v1/auth/signup', { email: 'not-an-email', password: 'short', name: '', admin: true })
    assert.equal(res.status, 400)
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/)
    const fields = new Set(res.body.errors.map((e: { field: string }) => e.field))
    assert.deepEqual([...fields].sort(), ['admin', 'email', 'name', 'password'])
  })

  it('answers 400 to malformed JSON, a non-object body and a wrong type', async () => {
    const malformed = await cp.http.request('POST', '/api/v1/auth/login', { rawBody: '{"email": ' })
    assert.equal(malformed.status, 400)
    assert.match(malformed.body.detail, /JSON/)
    for (const raw of ['[]', 'null', '"text"', '42']) {
      const res = await cp.http.request('POST', '/api/v1/auth/login', { rawBody: raw })
      assert.equal(res.status, 400, raw)
      assert.match(res.body.detail, /JSON object/)
    }
    const wrongType = await cp.http.post('/api/v1/auth/login', { email: ['a@b.co'], password: 7 })
    assert.equal(wrongType.status, 400)
  })

  it('answers 400 naming the field to a NUL character, which PostgreSQL cannot store (it was a 500)', async () => {
    const owner = await signUp(cp.http)
    const roles = `/api/v1/accounts/${owner.accountId}/roles`
    const inValue = await cp.http.post(roles, { name: 'a\u0000b', permissions: ['read:clusters'] }, { token: owner.token })
    assert.equal(inValue.status, 400)
    assert.deepEqual(inValue.body.errors, [{ field: 'name', message: 'must not contain the NUL character (U+0000)' }])
    const rules = [{ type: 'collection', collection: 'c', access: 'r', payload: { 'tenant\u0000': 'x' } }]
    const inKey = await cp.http.post(`/api/v1/accounts/${owner.accountId}/clusters/${randomUUID()}/api-keys`, { name: 'k', accessRules: rules }, { token: owner.token })
    assert.equal(inKey.status, 400)
    assert.equal(inKey.body.errors[0].field, 'accessRules.0.payload.tenant\u0000')
    const inQuery = await cp.http.get(`${roles}?cursor=%00`, { token: owner.token })
    assert.equal(inQuery.status, 400)
    assert.equal(inQuery.body.errors[0].field, 'cursor')
    const renamed = await cp.http.patch(`/api/v1/accounts/${owner.accountId}`, { name: 'x\u0000y' }, { token: owner.token })
    assert.equal(renamed.status, 400)
    assert.equal((await cp.http.get(roles, { token: owner.token })).status, 200, 'nothing broke on the way')
  })

  it('answers 413 to an oversize body', async () => {
    const res = await cp.http.post('/api/v1/auth/login', { email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) })
    assert.equal(res.status, 413)
    assert.equal(res.body.status, 413)
  })
})

describe('rate limit per client address', () => {
  it('answers 429 once one address spent its budget, whatever the e-mails', async () => {
    const limited = await startControlPlane({ LOGIN_MAX_ATTEMPTS_PER_IP: '3', LOGIN_MAX_ATTEMPTS_PER_EMAIL: '100' })
    try {
      for (let i = 0; i < 3; i++) {
        const res = await limited.http.post('/api/v1/auth/login', { email: `u${i}@example.com`, password: 'whatever it is' })
        assert.equal(res.status, 401)
      }
      const res = await limited.http.post('/api/v1/auth/login', { email: 'fresh@example.com', password: 'whatever it is' })
      assert.equal(res.status, 429)
      assert.ok(Number(res.headers.get('retry-after')) > 0)
    } finally {
      await limited.close()
    }
  })
})

describe('sign-up disabled', () => {
  it('refuses sign-up with 403 when SIGNUP_ENABLED=false', async () => {
    const closed = await startControlPlane({ SIGNUP_ENABLED: 'false' })
    try {
      const res = await closed.http.post('/api/v1/auth/signup', { email: 'a@example.com', password: 'long enough password', name: 'A' })
      assert.equal(res.status, 403)
      assert.match(res.body.detail, /disabled/)
    } finally {
      await closed.close()
    }
  })
})
