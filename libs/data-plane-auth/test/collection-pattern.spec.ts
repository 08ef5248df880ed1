import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileCollectionPattern, isCollectionPattern, parseClaims } from '../src'

function covers(pattern: string, name: string): boolean {
  return compileCollectionPattern(pattern)(name)
}

describe('collection patterns', () => {
  it('a plain name covers only itself, exactly (case and all)', () => {
    assert.equal(isCollectionPattern('docs'), false)
    assert.equal(covers('docs', 'docs'), true)
    for (const other of ['Docs', 'docs ', ' docs', 'docs2', 'doc', '']) assert.equal(covers('docs', other), false, other)
  })

  it('`*` is anchored at both ends', () => {
    const cases: [string, string, boolean][] = [
      ['tenant_42_*', 'tenant_42_', true],
      ['tenant_42_*', 'tenant_42_docs', true],
      ['tenant_42_*', 'tenant_42_a_b_c', true],
      ['tenant_42_*', 'tenant_42', false],
      ['tenant_42_*', 'tenant_420', false],
      ['tenant_42_*', 'xtenant_42_docs', false],
      ['tenant_42_*', 'Tenant_42_docs', false],
      ['*_docs', 'a_docs', true],
      ['*_docs', 'a_docs_old', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'aXbYcZ', false],
      ['a*b*c', 'acb', false],
      ['*', 'anything at all', true],
      ['**', 'x', true],
      ['*a*', 'bab', true],
      ['*a*', 'bbb', false],
    ]
    for (const [pattern, name, expected] of cases) assert.equal(covers(pattern, name), expected, `${pattern} ~ ${name}`)
  })

  it('`?` is exactly one code point', () => {
    assert.equal(covers('t?', 't1'), true)
    assert.equal(covers('t?', 't'), false)
    assert.equal(covers('t?', 't12'), false)
    assert.equal(covers('t?', 't😀'), true, 'an astral character is one character')
    assert.equal(covers('t?', 't😀😀'), false)
    assert.equal(covers('??', '😀'), false, 'a surrogate pair is not two characters')
  })

  it('regex syntax in a pattern is literal: it cannot match more than it says', () => {
    const hostile: [string, string[], string[]][] = [
      ['.*', ['.', '.abc'], ['abc', 'x', '']],
      ['(a+)+$', ['(a+)+$'], ['a', 'aaaa', '(a)', '(aa)+']],
      ['[', ['['], ['a', '[[', '']],
      ['[a-z]*', ['[a-z]', '[a-z]tail'], ['abc', 'a']],
      ['\\', ['\\'], ['', 'a', '\\\\']],
      ['\\d*', ['\\d', '\\d1'], ['1', 'd1']],
      ['^', ['^'], ['', 'a']],
      ['^docs$', ['^docs$'], ['docs']],
      ['a|b', ['a|b'], ['a', 'b']],
      ['docs\n*', ['docs\n', 'docs\nx'], ['docs', 'docsx']],
      ['x{1,3}', ['x{1,3}'], ['x', 'xxx']],
    ]
    for (const [pattern, yes, no] of hostile) {
      for (const name of yes) assert.equal(covers(pattern, name), true, `${JSON.stringify(pattern)} should cover ${JSON.stringify(name)}`)
      for (const name of no) assert.equal(covers(pattern, name), false, `${JSON.stringify(pattern)} must not cover ${JSON.stringify(name)}`)
    }
  })

  it('unicode is compared exactly, without normalization', () => {
    assert.equal(covers('日本_*', '日本_東京'), true)
    assert.equal(covers('café_*', 'café_x'), true)
    assert.equal(covers('café_*', 'cafe\u0301_x'), false, 'a decomposed é is another name')
    assert.equal(covers('ﬁle*', 'file1'), false, 'no compatibility folding')
  })

  it('worst-case patterns stay fast (no exponential backtracking)', () => {
    const pattern = 'a*'.repeat(127) + 'b'
    const name = 'a'.repeat(255)
    const started = process.hrtime.bigint()
    assert.equal(covers(pattern, name), false)
    assert.equal(covers('*'.repeat(254) + 'b', name), false)
    assert.equal(covers('?'.repeat(255), name), true)
    const long = 'x*'.repeat(5000)
    assert.equal(covers(long, 'x'.repeat(2000)), false)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    assert.ok(ms < 2000, `took ${ms} ms`)
  })

  it('claims refuse patterns longer than a collection name may be', () => {
    const parsed = parseClaims({ access: [{ collection: 'a'.repeat(256), access: 'r' }] })
    assert.deepEqual(parsed, { ok: false, error: 'access[0].collection must be at most 255 characters' })
    assert.equal(parseClaims({ access: [{ collection: '*'.repeat(255), access: 'r' }] }).ok, true)
  })
})
