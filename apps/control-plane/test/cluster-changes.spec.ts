// ClusterChanges against a real Redis: the listing cache behind GET .../clusters. Every request after a
// change sees it; requests that miss together wait for one read; past the safety net's age the page
// is served while one request reads it again (all of them reading at once made the p99 at 50
// connections 35 ms instead of 12).
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { loadConfig } from '@quiver/common'
import { ClusterChanges } from '../src/modules/clusters/cluster-changes'
import { SharedReads } from '../src/redis.module'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `quiver_test_changes_${randomBytes(4).toString('hex')}`
const changes = new ClusterChanges(redis, new SharedReads(redis), loadConfig({ REDIS_PREFIX: prefix }))
after(async () => {
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
})

/** A listing read that counts its calls and answers `value` once `open` resolves. */
function listing<T>(value: T, open: Promise<unknown> = Promise.resolve()) {
  const read = { calls: 0, compute: async () => (read.calls++, await open, value) }
  return read
}

function gate() {
  let release!: () => void
  const opened = new Promise<void>((resolve) => (release = resolve))
  return { opened, release }
}

test('requests that miss together wait for one read of the listing', async () => {
  const account = randomUUID()
  const read = listing(['c1'], sleep(20))
  const pages = await Promise.all(Array.from({ length: 20 }, () => changes.cached(account, 'all', read.compute)))
  assert.equal(read.calls, 1)
  assert.ok(pages.every((p) => p[0] === 'c1'))
  assert.deepEqual(await changes.cached(account, 'all', listing(['other']).compute), ['c1'], 'served from memory')
})

test('the request after a change reads the listing again, and only that change invalidates it', async () => {
  const account = randomUUID()
  const other = randomUUID()
  await changes.cached(account, 'all', listing(['c1']).compute)
  await changes.cached(other, 'all', listing(['o1']).compute)
  await changes.changed(account)
  assert.deepEqual(await changes.cached(account, 'all', listing(['c1', 'c2']).compute), ['c1', 'c2'])
  assert.deepEqual(await changes.cached(other, 'all', listing(['never read']).compute), ['o1'])
})

test('past the safety net, the page is served at once while a single read refreshes it', async () => {
  const account = randomUUID()
  await changes.cached(account, 'all', listing(['old']).compute)
  await sleep(1100)
  const { opened, release } = gate()
  const refresh = listing(['new'], opened)
  const pages = Promise.all(Array.from({ length: 10 }, () => changes.cached(account, 'all', refresh.compute)))
  const served = await Promise.race([pages, sleep(500).then(() => assert.fail('the requests waited for the refresh'))])
  assert.ok(served.every((p) => p[0] === 'old'), 'nobody waited for the refresh')
  assert.equal(refresh.calls, 1)
  release()
  await sleep(10)
  assert.deepEqual(await changes.cached(account, 'all', listing(['unused']).compute), ['new'])
})

test('a read begun before a change that ends after the next one does not replace the newer page', async () => {
  const account = randomUUID()
  const { opened, release } = gate()
  const before = changes.cached(account, 'all', listing(['before the change'], opened).compute)
  await sleep(10)
  await changes.changed(account)
  assert.deepEqual(await changes.cached(account, 'all', listing(['after the change']).compute), ['after the change'])
  release()
  assert.deepEqual(await before, ['before the change'])
  assert.deepEqual(await changes.cached(account, 'all', listing(['unused']).compute), ['after the change'])
})
