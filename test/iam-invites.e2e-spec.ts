import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { createRole } from './support/iam'
import { startSmtp, TestSmtp } from './support/smtp'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
let smtp: TestSmtp
before(async () => {
  smtp = await startSmtp()
  cp = await startControlPlane({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://quiver.example.com' }, { worker: true })
})
after(async () => {
  await cp.close()
  await smtp.close()
})

const invites = (owner: TestUser) => `/api/v1/accounts/${owner.accountId}/invites`

/** Invites a fresh address and returns the token read from the e-mail the SMTP server received. */
async function invite(owner: TestUser, roleIds: string[], email = `invitee-${crypto.randomUUID()}@example.com`) {
  const res = await cp.http.post(invites(owner), { email: email.toUpperCase(), roleIds }, { token: owner.token })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.equal(res.body.email, email)
  assert.equal(res.body.status, 'PENDING')
  assert.equal(res.body.token, undefined, 'the token goes to the invitee only')
  const mail = await smtp.waitFor((m) => m.to.includes(email))
  const token = /https:\/\/quiver\.example\.com\/invites\/accept\?token=(qvi_[A-Za-z0-9_-]+)/.exec(mail.raw)?.[1]
  assert.ok(token, mail.raw)
  return { id: res.body.id as string, email, token, mail }
}

async function signUpAs(email: string) {
  const res = await cp.http.post('/api/v1/auth/signup', { email, password: 'a long enough password', name: 'Invitee' })
  assert.equal(res.status, 201)
  return { id: res.body.user.id as string, token: res.body.token as string }
}

describe('invites', () => {
  it('e-mails the invite over SMTP; the invitee sees it, accepts it and gets its roles', async () => {
    const owner = await signUp(cp.http, 'Grace')
    const role = await createRole(cp.http, owner, ['read:users'])
    const sent = await invite(owner, [role.id])
    assert.match(sent.mail.raw, /Grace invited you/)
    assert.match(sent.mail.raw, /Subject: You are invited to Grace's account on Quiver/)
    const stored = await cp.prisma.invite.findUniqueOrThrow({ where: { id: sent.id } })
    assert.notEqual(stored.tokenHash, sent.token)
    assert.ok(!stored.tokenHash.includes(sent.token.slice(4)))

    const invitee = await signUpAs(sent.email)
    const mine = await cp.http.get('/api/v1/me/invites', { token: invitee.token })
    assert.deepEqual(mine.body.map((i: { id: string }) => i.id), [sent.id])
    const accepted = await cp.http.post('/api/v1/invites/accept', { token: sent.token }, { token: invitee.token })
    assert.equal(accepted.status, 200)
    assert.deepEqual(accepted.body.roleIds, [role.id])
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}/users`, { token: invitee.token })).status, 200)
    const list = await cp.http.get(invites(owner), { token: owner.token })
    assert.equal(list.body.items[0].status, 'ACCEPTED')
    // a token works once
    const again = await cp.http.post('/api/v1/invites/accept', { token: sent.token }, { token: invitee.token })
    assert.equal(again.status, 409)
  })

  it('refuses an invite accepted by another e-mail address (403), a made-up token (404) and a malformed one (400)', async () => {
    const owner = await signUp(cp.http)
    const sent = await invite(owner, [])
    const stranger = await signUp(cp.http)
    assert.equal((await cp.http.post('/api/v1/invites/accept', { token: sent.token }, { token: stranger.token })).status, 403)
    assert.equal((await cp.http.post('/api/v1/invites/accept', { token: `qvi_${'x'.repeat(43)}` }, { token: stranger.token })).status, 404)
    assert.equal((await cp.http.post('/api/v1/invites/accept', { token: 'hello' }, { token: stranger.token })).status, 400)
    assert.equal((await cp.http.post('/api/v1/invites/accept', { token: sent.token })).status, 401)
  })

  it('refuses revoked (410) and expired (410) invites; lists them with their status', async () => {
    const owner = await signUp(cp.http)
    const revoked = await invite(owner, [])
    const expired = await invite(owner, [])
    assert.equal((await cp.http.post(`${invites(owner)}/${revoked.id}/revoke`, undefined, { token: owner.token })).body.status, 'REVOKED')
    await cp.prisma.invite.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    for (const sent of [revoked, expired]) {
      const user = await signUpAs(sent.email)
      const res = await cp.http.post('/api/v1/invites/accept', { token: sent.token }, { token: user.token })
      assert.equal(res.status, 410, sent.email)
    }
    const statuses = (await cp.http.get(invites(owner), { token: owner.token })).body.items.map((i: { status: string }) => i.status)
    assert.deepEqual(statuses.sort(), ['EXPIRED', 'REVOKED'])
    assert.equal((await cp.http.post(`${invites(owner)}/${revoked.id}/revoke`, undefined, { token: owner.token })).status, 409)
  })

  it('declines, deletes, and refuses a second pending invite or one to a member (409)', async () => {
    const owner = await signUp(cp.http)
    const sent = await invite(owner, [])
    assert.equal((await cp.http.post(invites(owner), { email: sent.email, roleIds: [] }, { token: owner.token })).status, 409)
    const member = await signUp(cp.http)
    await cp.prisma.membership.create({ data: { accountId: owner.accountId, userId: member.id } })
    assert.equal((await cp.http.post(invites(owner), { email: member.email, roleIds: [] }, { token: owner.token })).status, 409)
    const user = await signUpAs(sent.email)
    assert.equal((await cp.http.post('/api/v1/invites/decline', { token: sent.token }, { token: user.token })).status, 204)
    assert.equal((await cp.http.get(`/api/v1/accounts/${owner.accountId}`, { token: user.token })).status, 404)
    assert.equal((await cp.http.delete(`${invites(owner)}/${sent.id}`, { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(invites(owner), { token: owner.token })).body.items.length, 0)
  })

  it('validates the body: e-mail, role ids of this account', async () => {
    const owner = await signUp(cp.http)
    const other = await signUp(cp.http)
    const foreignRole = await createRole(cp.http, other, ['read:users'])
    const bad = await cp.http.post(invites(owner), { email: 'nope', roleIds: ['x'] }, { token: owner.token })
    assert.equal(bad.status, 400)
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['email', 'roleIds'])
    const foreign = await cp.http.post(invites(owner), { email: 'a@example.com', roleIds: [foreignRole.id] }, { token: owner.token })
    assert.equal(foreign.status, 404)
  })
})

describe('a mail server that is down', () => {
  it('never blocks or fails the API call; the job keeps retrying', async () => {
    const down = await startControlPlane({ SMTP_URL: 'smtp://127.0.0.1:1' }, { worker: true })
    try {
      const owner = await signUp(down.http)
      const started = Date.now()
      const res = await down.http.post(`/api/v1/accounts/${owner.accountId}/invites`, { email: 'late@example.com', roleIds: [] }, { token: owner.token })
      assert.equal(res.status, 201)
      assert.ok(Date.now() - started < 2000)
      const { JobQueue } = await import('../apps/control-plane/src/jobs/job-queue')
      const queue = down.app.get(JobQueue).queue
      const job = await queue.getJob(`invite-${res.body.id}`)
      assert.ok(job, 'the e-mail job was enqueued')
      for (let i = 0; i < 50 && (await job.getState()) !== 'delayed'; i++) await new Promise((r) => setTimeout(r, 100))
      assert.equal(await job.getState(), 'delayed', 'a failed send is retried with backoff')
    } finally {
      await down.close()
    }
  })
})
