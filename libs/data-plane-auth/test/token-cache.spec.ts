import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Principal, VerifiedTokenCache } from '../src'

const P = (jti: string): Principal => ({ credential: 'jwt', access: 'r', jti })

describe('verified-token cache', () => {
  it('evicts the least recently used token beyond maxEntries', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 2 })
    cache.set('a', P('a'), Infinity)
    cache.set('b', P('b'), Infinity)
    assert.equal(cache.get('a', 0)?.jti, 'a')
    cache.set('c', P('c'), Infinity)
    assert.equal(cache.get('b', 0), undefined, 'b was least recently used')
    assert.equal(cache.get('a', 0)?.jti, 'a')
    assert.equal(cache.get('c', 0)?.jti, 'c')
    assert.equal(cache.size, 2)
  })

  it('bounds the characters it holds, and never caches a token larger than the budget', () => {
    const cache = new VerifiedTokenCache({ maxChars: 10 })
    cache.set('aaaa', P('a'), Infinity)
    cache.set('bbbb', P('b'), Infinity)
    cache.set('cccc', P('c'), Infinity)
    assert.equal(cache.get('aaaa', 0), undefined)
    assert.equal(cache.size, 2)
    cache.set('x'.repeat(11), P('x'), Infinity)
    assert.equal(cache.get('x'.repeat(11), 0), undefined)
    assert.equal(cache.size, 2)
  })

  it('forgets a token from the instant it is no longer valid', () => {
    const cache = new VerifiedTokenCache()
    cache.set('t', P('t'), 1000)
    assert.equal(cache.get('t', 999)?.jti, 't')
    assert.equal(cache.get('t', 1000), undefined)
    assert.equal(cache.size, 0)
  })

  it('replaces an entry set twice and can be disabled', () => {
    const cache = new VerifiedTokenCache({ maxChars: 4 })
    cache.set('t', P('1'), Infinity)
    cache.set('t', P('2'), Infinity)
    cache.set('uuu', P('3'), Infinity)
    assert.equal(cache.get('t', 0)?.jti, '2', 'a re-set does not count the token twice')
    const off = new VerifiedTokenCache({ maxEntries: 0 })
    off.set('t', P('t'), Infinity)
    assert.equal(off.size, 0)
  })
})
