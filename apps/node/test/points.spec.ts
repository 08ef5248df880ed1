import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { QdrantClient } from '@qdrant/js-client-rest'
import { call, nodeForSuite, rejectsWith } from './support/node-process'

const UUID = '5c56c793-69f3-4fbf-87e6-c4bf54c28c26'

describe('node: points', () => {
  const suite = nodeForSuite()

  async function fresh(name: string, distance: 'Cosine' | 'Dot' | 'Euclid' = 'Dot'): Promise<string> {
    await suite.client.createCollection(name, { vectors: { size: 3, distance } })
    return name
  }

  test('upsert in list and batch form, integer and UUID ids, then retrieve', async () => {
    const c = await fresh('upserts')
    const listed = await suite.client.upsert(c, {
      wait: true,
      points: [
        { id: 1, vector: [1, 0, 0], payload: { city: 'Berlin' } },
        { id: UUID.toUpperCase(), vector: [0, 1, 0], payload: { city: 'London', tags: ['a', 'b'] } },
      ],
    })
    assert.equal(listed.status, 'completed')
    assert.equal(typeof listed.operation_id, 'number')
    await suite.client.upsert(c, { wait: true, batch: { ids: [2, 3], vectors: [[0, 0, 1], [1, 1, 1]], payloads: [{ n: 2 }, { n: 3 }] } })
    assert.equal((await suite.client.count(c)).count, 4)

    const points = await suite.client.retrieve(c, { ids: [UUID, 2, 999], with_payload: true, with_vector: true })
    assert.deepEqual(
      points.map((p) => p.id),
      [UUID, 2],
    )
    assert.deepEqual(points[0].payload, { city: 'London', tags: ['a', 'b'] })
    assert.deepEqual(points[1].vector, [0, 0, 1])
    const bare = await suite.client.retrieve(c, { ids: [1], with_payload: false })
    assert.equal(bare[0].payload ?? undefined, undefined)
    assert.equal(bare[0].vector ?? undefined, undefined)
  })

  test('get one point by id; a missing one is 404 "No point with id"', async () => {
    const c = await fresh('single')
    await suite.client.upsert(c, { points: [{ id: 7, vector: [1, 2, 3], payload: { a: 1 } }, { id: UUID, vector: [3, 2, 1] }] })
    const one = await call(`${suite.node.url}/collections/${c}/points/7`, 'GET')
    assert.equal(one.status, 200)
    assert.deepEqual(one.body.result, { id: 7, payload: { a: 1 }, vector: [1, 2, 3] })
    assert.equal((await call(`${suite.node.url}/collections/${c}/points/${UUID}`, 'GET')).body.result.id, UUID)
    const missing = await call(`${suite.node.url}/collections/${c}/points/8`, 'GET')
    assert.equal(missing.status, 404)
    assert.equal(missing.body.status.error, 'Not found: No point with id 8 found')
    assert.equal((await call(`${suite.node.url}/collections/${c}/points/not-an-id`, 'GET')).status, 400)
  })

  test('an upsert replaces the vector and the payload of an existing id', async () => {
    const c = await fresh('replace')
    await suite.client.upsert(c, { points: [{ id: 1, vector: [1, 0, 0], payload: { v: 1, old: true } }] })
    await suite.client.upsert(c, { points: [{ id: 1, vector: [0, 0, 5], payload: { v: 2 } }] })
    const [p] = await suite.client.retrieve(c, { ids: [1], with_vector: true })
    assert.deepEqual(p.payload, { v: 2 })
    assert.deepEqual(p.vector, [0, 0, 5])
    const [hit] = (await suite.client.query(c, { query: [0, 0, 1], limit: 1 })).points
    assert.equal(hit.id, 1)
    assert.equal(hit.score, 5)
    assert.equal((await suite.client.count(c)).count, 1)
  })

  test('delete by ids and by filter', async () => {
    const c = await fresh('deletes')
    await suite.client.upsert(c, { points: [1, 2, 3, 4, 5].map((id) => ({ id, vector: [id, 0, 0], payload: { even: id % 2 === 0 } })) })
    await suite.client.delete(c, { wait: true, points: [1, 404] })
    assert.equal((await suite.client.count(c)).count, 4)
    await suite.client.delete(c, { wait: true, filter: { must: [{ key: 'even', match: { value: true } }] } })
    const left = await suite.client.scroll(c, {})
    assert.deepEqual(
      left.points.map((p) => p.id),
      [3, 5],
    )
  })

  test('set, overwrite, delete and clear payload', async () => {
    const c = await fresh('payloads')
    await suite.client.upsert(c, { points: [{ id: 1, vector: [1, 0, 0], payload: { a: 1, nested: { x: 1 } } }, { id: 2, vector: [0, 1, 0], payload: { a: 2 } }] })
    await suite.client.setPayload(c, { payload: { b: 'new' }, points: [1] })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, { a: 1, nested: { x: 1 }, b: 'new' })
    await suite.client.setPayload(c, { payload: { y: 2 }, points: [1], key: 'nested' })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, { a: 1, nested: { x: 1, y: 2 }, b: 'new' })
    await suite.client.setPayload(c, { payload: { flagged: true }, filter: { must: [{ key: 'a', match: { value: 2 } }] } })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [2] }))[0].payload, { a: 2, flagged: true })
    await suite.client.deletePayload(c, { keys: ['b', 'nested.x'], points: [1] })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, { a: 1, nested: { y: 2 } })
    await suite.client.overwritePayload(c, { payload: { only: 'this' }, points: [1] })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, { only: 'this' })
    await suite.client.clearPayload(c, { points: [2] })
    assert.deepEqual((await suite.client.retrieve(c, { ids: [2] }))[0].payload, {})
    const viaDelete = await call(`${suite.node.url}/collections/${c}/points/payload?wait=true`, 'DELETE', { keys: ['only'], points: [1] })
    assert.equal(viaDelete.status, 200)
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, {})
    await rejectsWith(suite.client.setPayload(c, { payload: { z: 1 }, points: [1, 77] }), 404, /No point with id 77 found/)
    assert.deepEqual((await suite.client.retrieve(c, { ids: [1] }))[0].payload, {}, 'a failed payload edit changes nothing')
  })

  test('scroll pages through every point in id order with next_page_offset', async () => {
    const c = await fresh('scrolling')
    const ids: (number | string)[] = [10, 2, 33, 4, 5, UUID, '00000000-0000-0000-0000-000000000001']
    await suite.client.upsert(c, { points: ids.map((id, i) => ({ id, vector: [i, 1, 0], payload: { i } })) })
    const seen: (number | string)[] = []
    let offset: number | string | undefined | null = undefined
    let pages = 0
    do {
      const page: Awaited<ReturnType<QdrantClient['scroll']>> = await suite.client.scroll(c, { limit: 3, offset: offset ?? undefined, with_payload: false })
      seen.push(...page.points.map((p) => p.id))
      offset = page.next_page_offset as number | string | null | undefined
      pages++
    } while (offset !== null && offset !== undefined)
    assert.equal(pages, 3)
    assert.deepEqual(seen, [2, 4, 5, 10, 33, '00000000-0000-0000-0000-000000000001', UUID])
    const filtered = await suite.client.scroll(c, { filter: { must: [{ key: 'i', range: { gte: 3 } }] }, limit: 10, with_vector: true })
    assert.deepEqual(
      filtered.points.map((p) => p.id),
      [4, 5, UUID, '00000000-0000-0000-0000-000000000001'].sort((a, b) => (typeof a === typeof b ? (a < b ? -1 : 1) : typeof a === 'number' ? -1 : 1)),
    )
    assert.equal(filtered.points[0].vector?.length, 3)
  })

  test('count is exact, with and without a filter', async () => {
    const c = await fresh('counting')
    await suite.client.upsert(c, { points: Array.from({ length: 50 }, (_, i) => ({ id: i, vector: [i, 1, 1], payload: { group: i % 5 } })) })
    assert.equal((await suite.client.count(c, { exact: true })).count, 50)
    assert.equal((await suite.client.count(c, { filter: { must: [{ key: 'group', match: { value: 3 } }] } })).count, 10)
    assert.equal((await suite.client.count(c, { filter: { must_not: [{ key: 'group', match: { any: [0, 1] } }] } })).count, 30)
  })

  test('bad points are 400 with a message naming the problem, and nothing is written', async () => {
    const c = await fresh('invalid')
    const cases: [unknown, RegExp][] = [
      [{ points: [{ id: 1, vector: [1, 2] }] }, /Vector dimension error: expected dim: 3, got 2/],
      [{ points: [{ id: 1, vector: [1, 'x', 3] }] }, /points\[0\]\.vector\[1\]: expected a finite number/],
      [{ points: [{ id: 1, vector: [1, null, 3] }] }, /points\[0\]\.vector\[1\]/],
      [{ points: [{ id: -1, vector: [1, 2, 3] }] }, /points\[0\]\.id/],
      [{ points: [{ id: 'not-a-uuid', vector: [1, 2, 3] }] }, /points\[0\]\.id/],
      [{ points: [{ id: 1.5, vector: [1, 2, 3] }] }, /points\[0\]\.id/],
      [{ points: [{ id: 1, vector: [1, 2, 3], payload: [1] }] }, /points\[0\]\.payload: expected an object/],
      [{ points: [{ vector: [1, 2, 3] }] }, /points\[0\]\.id: missing/],
      [{ points: 'x' }, /points: expected an array/],
      [{ batch: { ids: [1, 2], vectors: [[1, 2, 3]] } }, /1 vectors for 2 ids/],
      [{}, /expected `points`/],
      ['{"points":[{"id":1,"vector":[1,2,1e999]}]}', /finite number/],
    ]
    for (const [body, message] of cases) {
      const res = await call(`${suite.node.url}/collections/${c}/points?wait=true`, 'PUT', body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.match(res.body.status.error, message)
    }
    assert.equal((await suite.client.count(c)).count, 0)
    const badFilter = await call(`${suite.node.url}/collections/${c}/points/scroll`, 'POST', { filter: { must: [{ key: 'a', match: { value: 1.5 } }] } })
    assert.equal(badFilter.status, 400)
    assert.match(badFilter.body.status.error, /filter\.must\[0\]\.match\.value/)
    const badLimit = await call(`${suite.node.url}/collections/${c}/points/scroll`, 'POST', { limit: 0 })
    assert.equal(badLimit.status, 400)
    assert.match(badLimit.body.status.error, /limit/)
    const badWait = await call(`${suite.node.url}/collections/${c}/points?wait=maybe`, 'PUT', { points: [] })
    assert.equal(badWait.status, 400)
    assert.match(badWait.body.status.error, /wait/)
  })

  test('wait=false is acknowledged and visible to the next read', async () => {
    const c = await fresh('nowait')
    const res = await call(`${suite.node.url}/collections/${c}/points`, 'PUT', { points: [{ id: 1, vector: [1, 1, 1] }] })
    assert.equal(res.body.result.status, 'acknowledged')
    assert.equal((await suite.client.count(c)).count, 1)
  })
})
