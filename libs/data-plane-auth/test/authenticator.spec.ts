import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { credentialFrom, DataPlaneAuthenticator, RevocationList, signDataPlaneToken, StaticKeyRing } from '../src'

const KEY = 'node-api-key-0123456789'
const ALT = 'node-alt-key-9876543210'
const READ_ONLY = 'node-read-only-key-42'
const CONFIG = { apiKey: KEY, altApiKey: ALT, readOnlyApiKey: READ_ONLY, jwtRbac: true }

describe('credentials', () => {
  it('come from the api-key header, else Authorization: Bearer', () => {
    assert.equal(credentialFrom({ 'api-key': 'k1' }), 'k1')
    assert.equal(credentialFrom({ authorization: 'Bearer t1' }), 't1')
    assert.equal(credentialFrom({ authorization: 'bearer   t1 ' }), 't1')
    assert.equal(credentialFrom({ 'api-key': 'k1', authorization: 'Bearer t1' }), 'k1')
    assert.equal(credentialFrom({ 'api-key': '', authorization: 'Bearer t1' }), 't1')
    assert.equal(credentialFrom({ 'api-key': ['k1', 'k2'] }), 'k1')
    for (const headers of [{}, { authorization: 'Basic dTpw' }, { authorization: 'Bearer ' }, { authorization: 'Bearert1' }, { 'api-key': '  ' }]) {
      assert.equal(credentialFrom(headers), undefined, JSON.stringify(headers))
    }
  })

  it('static keys match exactly, never by prefix, case or an empty configured key', () => {
    const ring = new StaticKeyRing({ apiKey: KEY, altApiKey: '', readOnlyApiKey: READ_ONLY })
    assert.equal(ring.match(KEY), 'api-key')
    assert.equal(ring.match(READ_ONLY), 'read-only-api-key')
    for (const wrong of ['', KEY.slice(0, -1), `${KEY}x`, KEY.toUpperCase(), ALT]) assert.equal(ring.match(wrong), undefined, wrong)
    assert.equal(new StaticKeyRing({ apiKey: '', altApiKey: '', readOnlyApiKey: '' }).isEmpty, true)
    assert.equal(new StaticKeyRing({ readOnlyApiKey: 'x' }).match('x'), 'read-only-api-key', 'a one-character key is a key')
  })
})

describe('authenticator', () => {
  it('answers 401 without a credential, unless the node is open', async () => {
    assert.deepEqual(await new DataPlaneAuthenticator(CONFIG).authenticate({}), {
      ok: false,
      status: 401,
      reason: 'Must provide an API key or an Authorization bearer token',
    })
    const open = new DataPlaneAuthenticator({ apiKey: '', readOnlyApiKey: undefined, jwtRbac: true })
    assert.equal(open.isOpen, true)
    assert.deepEqual(await open.authenticate({}), { ok: true, principal: { credential: 'open', access: 'm' } })
    assert.deepEqual(await open.authenticate({ 'api-key': 'whatever' }), { ok: true, principal: { credential: 'open', access: 'm' } })
  })

  it('maps the static keys to global access', async () => {
    const auth = new DataPlaneAuthenticator(CONFIG)
    assert.equal(auth.isOpen, false)
    assert.deepEqual(await auth.authenticate({ 'api-key': KEY }), { ok: true, principal: { credential: 'api-key', access: 'm' } })
    assert.deepEqual(await auth.authenticate({ authorization: `Bearer ${ALT}` }), { ok: true, principal: { credential: 'alt-api-key', access: 'm' } })
    assert.deepEqual(await auth.authenticate({ 'api-key': READ_ONLY }), { ok: true, principal: { credential: 'read-only-api-key', access: 'r' } })
    const nodeHeaders: IncomingHttpHeaders = { 'api-key': READ_ONLY, 'set-cookie': ['a'] }
    assert.equal((await auth.authenticate(nodeHeaders)).ok, true, "Node's own header type fits")
    assert.deepEqual(await auth.authenticate({ 'api-key': 'wrong' }), { ok: false, status: 401, reason: 'Invalid API key or JWT' })
  })

  it('ignores JWTs unless JWT RBAC is on and a signing key exists', async () => {
    const token = await signDataPlaneToken({ access: 'r' }, KEY)
    const invalid = { ok: false, status: 401, reason: 'Invalid API key or JWT' }
    assert.deepEqual(await new DataPlaneAuthenticator({ ...CONFIG, jwtRbac: false }).authenticate({ authorization: `Bearer ${token}` }), invalid)
    const readOnlyOnly = new DataPlaneAuthenticator({ readOnlyApiKey: KEY, jwtRbac: true })
    assert.deepEqual(await readOnlyOnly.authenticate({ authorization: `Bearer ${token}` }), invalid)
    const signedByReadOnlyKey = await signDataPlaneToken({ access: 'm' }, READ_ONLY)
    assert.deepEqual(await new DataPlaneAuthenticator(CONFIG).authenticate({ authorization: `Bearer ${signedByReadOnlyKey}` }), {
      ok: false,
      status: 403,
      reason: 'Invalid JWT signature',
    })
  })

  it('turns verified claims into a principal, and caches it', async () => {
    const auth = new DataPlaneAuthenticator(CONFIG)
    const claims = { jti: 'k1', exp: Math.floor(Date.now() / 1000) + 60, access: [{ collection: 'c_*', access: 'prw' as const }], value_exists: { collection: 'u', matches: [{ key: 'id', value: 1 }] } }
    const token = await signDataPlaneToken(claims, ALT)
    const first = await auth.authenticate({ authorization: `Bearer ${token}` })
    assert.ok(first.ok)
    assert.equal(first.principal.credential, 'jwt')
    assert.equal(first.principal.jti, 'k1')
    assert.equal(first.principal.exp, claims.exp)
    assert.deepEqual(first.principal.valueExists, claims.value_exists)
    assert.equal(auth.cachedTokens, 1)
    const second = await auth.authenticate({ 'api-key': token })
    assert.ok(second.ok)
    assert.equal(second.principal, first.principal, 'the cached principal itself')
  })

  it('refuses a cached token once it expires (beyond the leeway)', async () => {
    let now = 1_800_000_000_000
    const auth = new DataPlaneAuthenticator(CONFIG, { now: () => now })
    const token = await signDataPlaneToken({ exp: now / 1000 + 10 }, KEY)
    assert.equal((await auth.authenticate({ authorization: `Bearer ${token}` })).ok, true)
    now += 39_000
    assert.equal((await auth.authenticate({ authorization: `Bearer ${token}` })).ok, true, 'within 30 s of leeway')
    now += 1_000
    assert.deepEqual(await auth.authenticate({ authorization: `Bearer ${token}` }), { ok: false, status: 403, reason: 'JWT has expired' })
    assert.equal(auth.cachedTokens, 0)
  })

  it('lets a revocation win over the cache, at once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'revocations-'))
    try {
      const revocations = await RevocationList.open(path.join(dir, 'revocations.json'))
      const auth = new DataPlaneAuthenticator(CONFIG, { revocations })
      const token = await signDataPlaneToken({ jti: 'key_7', access: 'r' }, KEY)
      const other = await signDataPlaneToken({ jti: 'key_8', access: 'r' }, KEY)
      assert.equal((await auth.authenticate({ authorization: `Bearer ${token}` })).ok, true)
      assert.equal(auth.cachedTokens, 1)
      const persisted = revocations.revoke([{ jti: 'key_7', exp: null }])
      assert.deepEqual(await auth.authenticate({ authorization: `Bearer ${token}` }), { ok: false, status: 403, reason: 'JWT has been revoked' })
      await persisted
      assert.equal(auth.cachedTokens, 0)
      assert.equal((await auth.authenticate({ authorization: `Bearer ${other}` })).ok, true)
      const fresh = new DataPlaneAuthenticator(CONFIG, { revocations: await RevocationList.open(path.join(dir, 'revocations.json')) })
      assert.deepEqual(await fresh.authenticate({ authorization: `Bearer ${token}` }), { ok: false, status: 403, reason: 'JWT has been revoked' }, 'after a restart')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('makes a cached token far cheaper than verifying it', async () => {
    const auth = new DataPlaneAuthenticator(CONFIG)
    const tokens = await Promise.all(Array.from({ length: 500 }, (_, i) => signDataPlaneToken({ jti: `t${i}`, access: 'r' }, KEY)))
    const time = async (run: () => Promise<unknown>) => {
      const start = process.hrtime.bigint()
      await run()
      return Number(process.hrtime.bigint() - start)
    }
    const verifying = await time(async () => {
      for (const t of tokens) await auth.authenticateCredential(t)
    })
    const cached = await time(async () => {
      for (const t of tokens) await auth.authenticateCredential(t)
    })
    assert.equal(auth.cachedTokens, 500)
    assert.ok(cached * 5 < verifying, `cached ${cached} ns vs verifying ${verifying} ns`)
  })
})
