import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call, nodeForSuite, randomVector, rejectsWith, seededRandom } from './support/node-process'

type Distance = 'Cosine' | 'Dot' | 'Euclid'

function score(distance: Distance, a: number[], b: number[]): number {
  if (distance === 'Euclid') return Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0))
  const dot = a.reduce((s, x, i) => s + x * b[i], 0)
  if (distance === 'Dot') return dot
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  return dot / (norm(a) * norm(b))
}

function bruteForce(distance: Distance, points: { id: number; vector: number[] }[], query: number[], k: number): { id: number; score: number }[] {
  const scored = points.map((p) => ({ id: p.id, score: score(distance, p.vector, query) }))
  scored.sort((x, y) => (distance === 'Euclid' ? x.score - y.score : y.score - x.score))
  return scored.slice(0, k)
}

describe('node: search and filters', () => {
  const suite = nodeForSuite()

  for (const distance of ['Cosine', 'Dot', 'Euclid'] as const) {
    test(`${distance} scores are Qdrant's (exact plan, small collection)`, async () => {
      const c = `scores_${distance}`
      await suite.client.createCollection(c, { vectors: { size: 4, distance } })
      const random = seededRandom(7)
      const points = Array.from({ length: 40 }, (_, i) => ({ id: i, vector: randomVector(random, 4) }))
      await suite.client.upsert(c, { wait: true, points })
      const query = randomVector(random, 4)
      const { points: hits } = await suite.client.query(c, { query, limit: 5 })
      const expected = bruteForce(distance, points, query, 5)
      assert.deepEqual(
        hits.map((h) => h.id),
        expected.map((e) => e.id),
      )
      hits.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i].score) < 1e-5, `${h.score} vs ${expected[i].score}`))
      const legacy = await call(`${suite.node.url}/collections/${c}/points/search`, 'POST', { vector: query, limit: 5 })
      assert.deepEqual(
        legacy.body.result.map((h: { id: number }) => h.id),
        expected.map((e) => e.id),
      )
    })
  }

  test('Cosine stores normalized vectors and returns them, as Qdrant does', async () => {
    await suite.client.createCollection('normalized', { vectors: { size: 2, distance: 'Cosine' } })
    await suite.client.upsert('normalized', { points: [{ id: 1, vector: [3, 4] }] })
    const [p] = await suite.client.retrieve('normalized', { ids: [1], with_vector: true })
    const v = p.vector as number[]
    assert.ok(Math.abs(v[0] - 0.6) < 1e-6 && Math.abs(v[1] - 0.8) < 1e-6)
  })

  test('limit, offset, score_threshold, with_payload and with_vector', async () => {
    await suite.client.createCollection('paging', { vectors: { size: 1, distance: 'Dot' } })
    await suite.client.upsert('paging', { points: Array.from({ length: 10 }, (_, i) => ({ id: i + 1, vector: [i + 1], payload: { rank: i + 1, secret: 's' } })) })
    const page = await suite.client.query('paging', { query: [1], limit: 3, offset: 2, with_payload: { exclude: ['secret'] } })
    assert.deepEqual(
      page.points.map((p) => [p.id, p.score]),
      [
        [8, 8],
        [7, 7],
        [6, 6],
      ],
    )
    assert.deepEqual(page.points[0].payload, { rank: 8 })
    const above = await suite.client.query('paging', { query: [1], limit: 10, score_threshold: 7.5 })
    assert.deepEqual(
      above.points.map((p) => p.id),
      [10, 9, 8],
    )
    const withVector = await suite.client.query('paging', { query: [1], limit: 1, with_vector: true, with_payload: ['rank'] })
    assert.deepEqual(withVector.points[0].vector, [10])
    assert.deepEqual(withVector.points[0].payload, { rank: 10 })
    const plain = await suite.client.query('paging', { query: [1], limit: 1 })
    assert.equal(plain.points[0].payload ?? undefined, undefined, 'no payload unless asked, as in Qdrant')
    await suite.client.createCollection('euclid_threshold', { vectors: { size: 1, distance: 'Euclid' } })
    await suite.client.upsert('euclid_threshold', { points: [0, 1, 2, 5].map((x) => ({ id: x + 1, vector: [x] })) })
    const near = await suite.client.query('euclid_threshold', { query: [0], limit: 10, score_threshold: 2 })
    assert.deepEqual(
      near.points.map((p) => p.id),
      [1, 2, 3],
      'for Euclid the threshold is a maximum distance',
    )
  })

  test('filters: must, should, must_not, match value/any/except, range, has_id, nested keys, is_empty, is_null', async () => {
    const c = 'filtering'
    await suite.client.createCollection(c, { vectors: { size: 2, distance: 'Dot' } })
    const payloads = [
      { city: 'Berlin', n: 1, tags: ['x', 'y'], address: { zip: '10115', geo: { lat: 52 } } },
      { city: 'London', n: 5, tags: ['y'], address: { zip: 'SW1' } },
      { city: 'Paris', n: 10, items: [{ sku: 'a' }, { sku: 'b' }] },
      { city: 'Berlin', n: 20, note: null },
      { n: 7.5, tags: [] },
    ]
    await suite.client.upsert(c, { wait: true, points: payloads.map((payload, i) => ({ id: i + 1, vector: [1, i], payload })) })
    const ids = async (filter: Record<string, unknown>) => {
      const res = await suite.client.scroll(c, { filter, limit: 100, with_payload: false })
      return res.points.map((p) => p.id)
    }
    assert.deepEqual(await ids({ must: [{ key: 'city', match: { value: 'Berlin' } }] }), [1, 4])
    assert.deepEqual(await ids({ should: [{ key: 'city', match: { value: 'Paris' } }, { key: 'n', range: { gte: 20 } }] }), [3, 4])
    assert.deepEqual(await ids({ must_not: [{ key: 'city', match: { any: ['Berlin', 'London'] } }] }), [3, 5])
    assert.deepEqual(await ids({ must: [{ key: 'city', match: { except: ['Berlin'] } }] }), [2, 3], 'except never matches a missing key')
    assert.deepEqual(await ids({ must: [{ key: 'n', range: { gt: 1, lt: 10 } }] }), [2, 5])
    assert.deepEqual(await ids({ must: [{ has_id: [2, 4, 99] }] }), [2, 4])
    assert.deepEqual(await ids({ must: [{ key: 'tags', match: { value: 'y' } }] }), [1, 2], 'an array matches if any element does')
    assert.deepEqual(await ids({ must: [{ key: 'address.zip', match: { value: 'SW1' } }] }), [2])
    assert.deepEqual(await ids({ must: [{ key: 'address.geo.lat', range: { gte: 50 } }] }), [1])
    assert.deepEqual(await ids({ must: [{ key: 'items[].sku', match: { value: 'b' } }] }), [3])
    assert.deepEqual(await ids({ must: [{ key: 'items.sku', match: { value: 'a' } }] }), [3])
    assert.deepEqual(await ids({ must: [{ is_empty: { key: 'tags' } }] }), [3, 4, 5])
    assert.deepEqual(await ids({ must: [{ is_null: { key: 'note' } }] }), [4])
    assert.deepEqual(await ids({ must: [{ key: 'tags', values_count: { gte: 2 } }] }), [1])
    assert.deepEqual(
      await ids({ must: [{ should: [{ key: 'city', match: { value: 'Paris' } }, { key: 'city', match: { value: 'London' } }] }], must_not: [{ has_id: [3] }] }),
      [2],
      'nested filters',
    )
    const filtered = await suite.client.query(c, { query: [1, 1], limit: 10, filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] } })
    assert.deepEqual(
      filtered.points.map((p) => p.id),
      [4, 1],
    )
    await rejectsWith(suite.client.scroll(c, { filter: { must: [{ key: 'city', geo_radius: { center: { lat: 0, lon: 0 }, radius: 1 } }] } as never }), 400, /geo_radius/)
  })

  test('the HNSW graph: good recall at a given ef, params.exact equals brute force', async () => {
    const c = 'graph'
    // a small full-scan threshold so that 2000 points go through the graph
    await suite.client.createCollection(c, { vectors: { size: 16, distance: 'Cosine' }, hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10 } })
    const random = seededRandom(42)
    const points = Array.from({ length: 2000 }, (_, i) => ({ id: i, vector: randomVector(random, 16) }))
    for (let i = 0; i < points.length; i += 500) await suite.client.upsert(c, { wait: true, points: points.slice(i, i + 500) })
    let found = 0
    for (let q = 0; q < 20; q++) {
      const query = randomVector(random, 16)
      const truth = bruteForce('Cosine', points, query, 10).map((e) => e.id)
      const approx = await suite.client.query(c, { query, limit: 10, params: { hnsw_ef: 128 } })
      found += approx.points.filter((p) => truth.includes(p.id as number)).length
      const exact = await suite.client.query(c, { query, limit: 10, params: { exact: true } })
      assert.deepEqual(
        exact.points.map((p) => p.id),
        truth,
      )
    }
    assert.ok(found / 200 >= 0.95, `recall@10 ${found / 200}`)
  })

  test('a payload index makes selective filters exact; unselective ones go through the graph and still only match', async () => {
    const c = 'indexed'
    await suite.client.createCollection(c, { vectors: { size: 8, distance: 'Dot' }, hnsw_config: { full_scan_threshold: 4 } })
    const random = seededRandom(5)
    const points = Array.from({ length: 3000 }, (_, i) => ({ id: i, vector: randomVector(random, 8), payload: { tenant: `t${i % 100}`, bucket: i % 2 } }))
    for (let i = 0; i < points.length; i += 1000) await suite.client.upsert(c, { wait: true, points: points.slice(i, i + 1000) })
    await suite.client.createPayloadIndex(c, { field_name: 'tenant', field_schema: 'keyword', wait: true })
    await suite.client.createPayloadIndex(c, { field_name: 'bucket', field_schema: 'integer', wait: true })
    const info = await suite.client.getCollection(c)
    assert.deepEqual(info.payload_schema.tenant, { data_type: 'keyword', points: 3000 })
    for (let q = 0; q < 10; q++) {
      const query = randomVector(random, 8)
      const tenant = `t${q * 7}`
      const truth = bruteForce('Dot', points.filter((p) => p.payload.tenant === tenant), query, 10).map((e) => e.id)
      const hits = await suite.client.query(c, { query, limit: 10, filter: { must: [{ key: 'tenant', match: { value: tenant } }] }, with_payload: true })
      assert.deepEqual(
        hits.points.map((p) => p.id),
        truth,
        '1% selectivity: exact over the candidates',
      )
      const half = await suite.client.query(c, { query, limit: 10, filter: { must: [{ key: 'bucket', match: { value: 1 } }] }, with_payload: true })
      assert.equal(half.points.length, 10)
      assert.ok(half.points.every((p) => (p.payload as { bucket: number }).bucket === 1))
    }
    // indexed and unindexed conditions together: the index narrows, every condition still holds
    const tenant = 't3'
    const excluded = points.filter((p) => p.payload.tenant === tenant).slice(0, 5).map((p) => p.id)
    const mixed = { must: [{ key: 'tenant', match: { value: tenant } }], must_not: [{ has_id: excluded }], should: [{ key: 'bucket', match: { value: 1 } }, { key: 'tenant', match: { value: 't999' } }] }
    const expected = points.filter((p) => p.payload.tenant === tenant && !excluded.includes(p.id) && p.payload.bucket === 1).map((p) => p.id)
    assert.equal((await suite.client.count(c, { filter: mixed })).count, expected.length)
    const mixedHits = await suite.client.query(c, { query: [1, 0, 0, 0, 0, 0, 0, 0], limit: 100, filter: mixed })
    assert.deepEqual(new Set(mixedHits.points.map((p) => p.id)), new Set(expected))
    const unindexed = await suite.client.query(c, { query: [1, 0, 0, 0, 0, 0, 0, 0], limit: 5, filter: { must: [{ has_id: [5, 6, 7] }] } })
    assert.deepEqual(new Set(unindexed.points.map((p) => p.id)), new Set([5, 6, 7]))
  })

  test('deleted points never come back, and their slots are reused by new points', async () => {
    const c = 'reuse'
    await suite.client.createCollection(c, { vectors: { size: 8, distance: 'Euclid' }, hnsw_config: { full_scan_threshold: 4 } })
    const random = seededRandom(9)
    const first = Array.from({ length: 1000 }, (_, i) => ({ id: i, vector: randomVector(random, 8) }))
    await suite.client.upsert(c, { wait: true, points: first })
    await suite.client.delete(c, { wait: true, points: first.filter((p) => p.id % 2 === 0).map((p) => p.id) })
    const second = Array.from({ length: 500 }, (_, i) => ({ id: 10_000 + i, vector: randomVector(random, 8) }))
    await suite.client.upsert(c, { wait: true, points: second })
    assert.equal((await suite.client.count(c)).count, 1000)
    const alive = [...first.filter((p) => p.id % 2 === 1), ...second]
    for (let q = 0; q < 10; q++) {
      const query = randomVector(random, 8)
      const hits = await suite.client.query(c, { query, limit: 20, params: { hnsw_ef: 200 } })
      assert.ok(hits.points.every((p) => (p.id as number) % 2 === 1 || (p.id as number) >= 10_000), 'no deleted id')
      const truth = bruteForce('Euclid', alive, query, 20).map((e) => e.id)
      const overlap = hits.points.filter((p) => truth.includes(p.id as number)).length
      assert.ok(overlap >= 18, `recall ${overlap}/20`)
    }
    const [p] = await suite.client.retrieve(c, { ids: [10_003], with_vector: true })
    assert.deepEqual(
      (p.vector as number[]).map((x) => Math.fround(x)),
      second[3].vector.map((x) => Math.fround(x)),
    )
  })

  test('query by point id uses its vector and leaves it out; no query lists by id; batches', async () => {
    const c = 'querying'
    await suite.client.createCollection(c, { vectors: { size: 2, distance: 'Euclid' } })
    await suite.client.upsert(c, { points: [0, 1, 2, 3].map((x) => ({ id: x + 1, vector: [x, 0] })) })
    const byId = await suite.client.query(c, { query: 2, limit: 2 })
    assert.deepEqual(new Set(byId.points.map((p) => p.id)), new Set([1, 3]))
    const nearest = await suite.client.query(c, { query: { nearest: [3, 0] }, limit: 1 })
    assert.equal(nearest.points[0].id, 4)
    const listing = await suite.client.query(c, { limit: 2, offset: 1 })
    assert.deepEqual(
      listing.points.map((p) => p.id),
      [2, 3],
    )
    const batch = await suite.client.queryBatch(c, { searches: [{ query: [0, 0], limit: 1 }, { query: [3, 0], limit: 1 }] })
    assert.deepEqual(
      batch.map((b) => b.points[0].id),
      [1, 4],
    )
    const searchBatch = await call(`${suite.node.url}/collections/${c}/points/search/batch`, 'POST', { searches: [{ vector: [0, 0], limit: 1 }] })
    assert.equal(searchBatch.body.result[0][0].id, 1)
    await rejectsWith(suite.client.query(c, { query: 99, limit: 1 }), 404, /No point with id 99/)
    await rejectsWith(suite.client.query(c, { prefetch: [{ query: [1, 0] }], query: [1, 0] }), 400, /prefetch/)
  })
})
