import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, SignJWT } from 'jose'
import { DataPlaneClaims, InvalidClaimsError, signDataPlaneToken, tokenValidUntil, verifyDataPlaneToken } from '../src'

const KEY = 'node-api-key-0123456789'
const ALT = 'node-alt-key-9876543210'
const NOW = 1_800_000_000_000
const NOW_S = NOW / 1000
const KEYS = { primary: KEY, alternate: ALT }
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const secret = (key: string) => new TextEncoder().encode(key)

async function verify(token: string, keys: { primary?: string; alternate?: string } = KEYS) {
  return verifyDataPlaneToken(token, keys, NOW)
}

describe('signing', () => {
  it('mints an HS256 JWT that verifies to the same claims', async () => {
    const claims: DataPlaneClaims = {
      exp: NOW_S + 3600,
      jti: 'key_1',
      access: [{ collection: 'tenant_42_*', access: 'rw', payload: { tenant: '42' } }],
      value_exists: { collection: 'users', matches: [{ key: 'id', value: 7 }] },
    }
    const token = await signDataPlaneToken(claims, KEY)
    assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()), { alg: 'HS256', typ: 'JWT' })
    assert.deepEqual(await verify(token), { ok: true, claims })
  })

  it('refuses to mint invalid claims or with an empty key', async () => {
    await assert.rejects(
      signDataPlaneToken({ access: [{ collection: 'a', access: 'r' }, { collection: 'a', access: 'rw' }] }, KEY),
      (e: unknown) => e instanceof InvalidClaimsError && e.message === 'invalid data-plane claims: access[1].collection "a" is listed twice',
    )
    await assert.rejects(signDataPlaneToken({ access: 'r' }, ''), TypeError)
  })
})

describe('verification', () => {
  it('accepts the API key and the alternate key', async () => {
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'r' }, KEY)), { ok: true, claims: { access: 'r' } })
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'm' }, ALT)), { ok: true, claims: { access: 'm' } })
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'm' }, ALT), { alternate: ALT }), { ok: true, claims: { access: 'm' } })
  })

  it('answers 403 for a bad signature: wrong key, alternate key not configured, tampered payload', async () => {
    const badSignature = { ok: false, status: 403, reason: 'Invalid JWT signature' }
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'm' }, 'another-key')), badSignature)
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'm' }, ALT), { primary: KEY }), badSignature)
    const [header, , signature] = (await signDataPlaneToken({ access: 'r' }, KEY)).split('.')
    assert.deepEqual(await verify(`${header}.${b64({ access: 'm' })}.${signature}`), badSignature)
    assert.deepEqual(await verify(`${header}.${b64({ access: 'r' })}.`), badSignature, 'stripped signature')
  })

  it('applies at most 30 s of leeway to exp, and no exp means no expiry', async () => {
    const expired = { ok: false, status: 403, reason: 'JWT has expired' }
    assert.equal((await verify(await signDataPlaneToken({ exp: NOW_S - 20 }, KEY))).ok, true)
    assert.equal((await verify(await signDataPlaneToken({ exp: NOW_S - 29 }, KEY))).ok, true)
    assert.deepEqual(await verify(await signDataPlaneToken({ exp: NOW_S - 30 }, KEY)), expired)
    assert.deepEqual(await verify(await signDataPlaneToken({ exp: NOW_S - 31 }, KEY)), expired)
    assert.deepEqual(await verify(await signDataPlaneToken({ exp: 0 }, ALT)), expired)
    assert.equal((await verify(await signDataPlaneToken({}, KEY))).ok, true)
  })

  it('agrees with tokenValidUntil at the second of expiry', async () => {
    for (const exp of [NOW_S - 30, NOW_S - 29.5, NOW_S - 29]) {
      const token = await signDataPlaneToken({ exp }, KEY)
      assert.equal((await verify(token)).ok, NOW < tokenValidUntil(exp), `exp ${exp}`)
    }
    assert.equal(tokenValidUntil(undefined), Infinity)
  })

  it('answers 401 for other algorithms: none, HS512, RS256, lower-case hs256', async () => {
    const onlyHs256 = { ok: false, status: 401, reason: 'Invalid JWT: only HS256 tokens are accepted' }
    assert.deepEqual(await verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ access: 'm' })}.`), onlyHs256)
    assert.deepEqual(await verify(`${b64({ alg: 'none' })}.${b64({ access: 'm' })}.${b64('anything')}`), onlyHs256)
    assert.deepEqual(await verify(await new SignJWT({ access: 'm' }).setProtectedHeader({ alg: 'HS512' }).sign(secret(KEY))), onlyHs256)
    assert.deepEqual(await verify(await new SignJWT({ access: 'm' }).setProtectedHeader({ alg: 'HS384' }).sign(secret(KEY))), onlyHs256)
    const { privateKey } = await generateKeyPair('RS256')
    assert.deepEqual(await verify(await new SignJWT({ access: 'm' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey)), onlyHs256)
    const [, payload, signature] = (await signDataPlaneToken({ access: 'm' }, KEY)).split('.')
    assert.deepEqual(await verify(`${b64({ alg: 'hs256' })}.${payload}.${signature}`), onlyHs256)
  })

  it('answers 401 for what is not a JWT at all', async () => {
    const invalid = { ok: false, status: 401, reason: 'Invalid API key or JWT' }
    for (const token of ['', 'not-a-key', 'foo.bar.baz', 'a.b', 'a.b.c.d', '...', `${b64({ alg: 'HS256' })}.@@@.x`]) {
      assert.deepEqual(await verify(token), invalid, token)
    }
    assert.deepEqual(await verify(await signDataPlaneToken({ access: 'm' }, KEY), {}), invalid, 'no signing key configured')
  })

  it('answers 401 for a correctly signed token whose claims are invalid', async () => {
    const sign = (payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret(KEY))
    assert.deepEqual(await verify(await sign({ access: [{ collection: 'docs', access: 'r' }, { collection: 'docs', access: 'r' }] })), {
      ok: false,
      status: 401,
      reason: 'Invalid JWT claims: access[1].collection "docs" is listed twice',
    })
    assert.deepEqual(await verify(await sign({ access: 'admin' })), {
      ok: false,
      status: 401,
      reason: 'Invalid JWT claims: access must be "r", "m" or a list of {collection, access, payload?}',
    })
    assert.deepEqual(await verify(await sign({ exp: 'tomorrow' })), { ok: false, status: 401, reason: 'Invalid JWT claims: "exp" claim must be a number' })
    const header = b64({ alg: 'HS256' })
    const { createHmac } = await import('node:crypto')
    const body = b64('[1,2]')
    const mac = createHmac('sha256', KEY).update(`${header}.${body}`).digest('base64url')
    assert.deepEqual(await verify(`${header}.${body}.${mac}`), { ok: false, status: 401, reason: 'Invalid API key or JWT' }, 'payload not an object')
  })
})
