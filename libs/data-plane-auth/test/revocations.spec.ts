import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseRevocationRequest, RevocationList } from '../src'

let dir: string
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'revocations-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

const NOW = 1_800_000_000_000
const NOW_S = NOW / 1000

describe('revocation request body', () => {
  it('reads {revocations: [{jti, exp?}]}', () => {
    assert.deepEqual(parseRevocationRequest({ revocations: [{ jti: 'a', exp: 1 }, { jti: 'b' }, { jti: 'c', exp: null }] }), {
      ok: true,
      revocations: [
        { jti: 'a', exp: 1 },
        { jti: 'b', exp: null },
        { jti: 'c', exp: null },
      ],
    })
  })

  it('refuses anything else with the offending field', () => {
    const cases: [unknown, string][] = [
      [null, 'revocations must be a list of 1 to 10000 {jti, exp}'],
      [{}, 'revocations must be a list of 1 to 10000 {jti, exp}'],
      [{ revocations: [] }, 'revocations must be a list of 1 to 10000 {jti, exp}'],
      [{ revocations: 'a' }, 'revocations must be a list of 1 to 10000 {jti, exp}'],
      [{ revocations: Array.from({ length: 10_001 }, (_, i) => ({ jti: `${i}` })) }, 'revocations must be a list of 1 to 10000 {jti, exp}'],
      [{ revocations: [{ jti: '' }] }, 'revocations[0].jti must be a non-empty string of at most 256 characters'],
      [{ revocations: [{ jti: 'a' }, 'b'] }, 'revocations[1].jti must be a non-empty string of at most 256 characters'],
      [{ revocations: [{ jti: 'a', exp: '1' }] }, 'revocations[0].exp must be a NumericDate or null'],
    ]
    for (const [body, error] of cases) assert.deepEqual(parseRevocationRequest(body), { ok: false, error }, JSON.stringify(body)?.slice(0, 80))
  })
})

describe('revocation list', () => {
  it('starts empty without a file, revokes in memory at once, and persists', async () => {
    const file = path.join(dir, 'nested', 'a', 'revocations.json')
    const list = await RevocationList.open(file, () => NOW)
    assert.equal(list.size, 0)
    const written = list.revoke([{ jti: 'k1', exp: NOW_S + 60 }, { jti: 'k2', exp: null }])
    assert.equal(list.isRevoked('k1'), true, 'before the write completes')
    assert.equal(list.isRevoked('k3'), false)
    await written
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {
      revocations: [
        { jti: 'k1', exp: NOW_S + 60 },
        { jti: 'k2', exp: null },
      ],
    })
    const reopened = await RevocationList.open(file, () => NOW)
    assert.equal(reopened.isRevoked('k1'), true)
    assert.equal(reopened.isRevoked('k2'), true)
  })

  it('prunes an entry once its token could no longer be accepted, and keeps exp: null forever', async () => {
    const file = path.join(dir, 'prune.json')
    let now = NOW
    const list = await RevocationList.open(file, () => now)
    await list.revoke([{ jti: 'soon', exp: NOW_S }, { jti: 'later', exp: NOW_S + 3600 }, { jti: 'never', exp: null }])
    now = NOW + 29_000
    await list.revoke([{ jti: 'x', exp: null }])
    assert.equal(list.isRevoked('soon'), true, 'still within the 30 s leeway')
    now = NOW + 30_000
    await list.revoke([{ jti: 'y', exp: null }])
    assert.equal(list.isRevoked('soon'), false)
    assert.equal(list.isRevoked('later'), true)
    now = NOW + 10 * 365 * 86_400_000
    const reopened = await RevocationList.open(file, () => now)
    assert.deepEqual(['later', 'never', 'x', 'y'].filter((j) => reopened.isRevoked(j)), ['never', 'x', 'y'])
  })

  it('keeps the longest life seen for a jti', async () => {
    let now = NOW
    const list = await RevocationList.open(path.join(dir, 'longest.json'), () => now)
    await list.revoke([{ jti: 'a', exp: NOW_S + 3600 }])
    await list.revoke([{ jti: 'a', exp: NOW_S + 1 }])
    await list.revoke([{ jti: 'b', exp: null }])
    await list.revoke([{ jti: 'b', exp: NOW_S + 1 }])
    now = NOW + 600_000
    await list.revoke([{ jti: 'c', exp: null }])
    assert.equal(list.isRevoked('a'), true)
    assert.equal(list.isRevoked('b'), true)
  })

  it('writes atomically: concurrent revocations all land and no temporary file is left', async () => {
    const sub = await mkdtemp(path.join(dir, 'atomic-'))
    const file = path.join(sub, 'revocations.json')
    const list = await RevocationList.open(file, () => NOW)
    await Promise.all(Array.from({ length: 25 }, (_, i) => list.revoke([{ jti: `k${i}`, exp: null }])))
    assert.deepEqual(await readdir(sub), ['revocations.json'])
    const reopened = await RevocationList.open(file, () => NOW)
    assert.equal(reopened.size, 25)
  })

  it('refuses to start from an unreadable file rather than forget revocations', async () => {
    for (const [name, text] of [['garbage.json', '{"revocations": [{"jti"'], ['shape.json', '{"revoked": []}'], ['entry.json', '{"revocations": [{"jti": 5}]}']]) {
      const file = path.join(dir, name)
      await writeFile(file, text)
      await assert.rejects(RevocationList.open(file), (e: Error) => e.message.startsWith(`revocation list ${file} is unreadable: `), name)
    }
  })

  it('reports a failed write to the caller, keeps the revocation in memory and leaves no temporary file', async () => {
    const sub = await mkdtemp(path.join(dir, 'failing-'))
    const file = path.join(sub, 'revocations.json')
    const list = await RevocationList.open(file, () => NOW)
    await mkdir(file) // a directory where the file should go: the rename fails
    await assert.rejects(list.revoke([{ jti: 'k', exp: null }]))
    assert.equal(list.isRevoked('k'), true)
    assert.deepEqual(await readdir(sub), ['revocations.json'])
    await rmdir(file)
    await list.revoke([{ jti: 'k2', exp: null }])
    assert.equal((await RevocationList.open(file, () => NOW)).size, 2, 'the next write carries both')
  })
})
