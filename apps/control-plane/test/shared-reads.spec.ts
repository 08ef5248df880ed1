// SharedReads against a real Redis: one GET per event-loop turn, and never a value older than a
// write that finished before the read was asked for.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, test } from 'node:test'
import { Redis } from 'ioredis'
import { SharedReads } from '../src/redis.module'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
after(() => redis.quit())

/** SharedReads over the real client, counting its GETs; `slowReplies` holds each answer back (a GET in flight). */
function counted(slowReplies = 0): { reads: SharedReads; gets: () => number } {
  let gets = 0
  const get = async (key: string) => {
    gets++
    const value = await redis.get(key)
    await new Promise((resolve) => setTimeout(resolve, slowReplies))
    return value
  }
  const counting = new Proxy(redis, { get: (target, property) => (property === 'get' ? get : Reflect.get(target, property)) })
  return { reads: new SharedReads(counting), gets: () => gets }
}

test('reads of one key asked in one turn share one GET; another turn sends another', async () => {
  const key = `quiver_test_shared_${randomBytes(4).toString('hex')}`
  await redis.set(key, '7')
  const { reads, gets } = counted()
  const values = await Promise.all(Array.from({ length: 20 }, () => reads.get(key)))
  assert.deepEqual(new Set(values), new Set(['7']))
  assert.equal(gets(), 1)
  assert.equal(await reads.get(`${key}_other`), null)
  assert.equal(gets(), 2)
  await redis.del(key)
})

test('a read asked after a write finished sees it, even while an earlier shared read is in flight', async () => {
  const key = `quiver_test_shared_${randomBytes(4).toString('hex')}`
  await redis.set(key, '1')
  const { reads } = counted(30)
  for (let round = 2; round < 6; round++) {
    const earlier = reads.get(key)
    await new Promise((resolve) => setImmediate(resolve)) // the shared GET has been sent
    await redis.incr(key)
    assert.equal(await reads.get(key), String(round), `round ${round}: the read asked after the write`)
    assert.equal(await earlier, String(round - 1))
  }
  await redis.del(key)
})
