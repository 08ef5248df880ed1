// Beyond Qdrant: a payload-restricted token tries to escape its restriction through every write and
// read path; collection patterns are attacked at the HTTP level (regex syntax, anchoring, case, path
// traversal through an encoded `/`). Revocation and value_exists are in rbac-lifecycle.spec.ts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { QdrantClient } from '@qdrant/js-client-rest'
import { bearer, KEYS, RBAC_ENV, sign } from './support/rbac-credentials'
import { call, nodeForSuite, NodeProcess, randomVector, rejectsWith, removeDir, seededRandom, startNode } from './support/node-process'

const SHARED = 'shared_tenants'
const UUID_B = '6f1c1d3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f'
const POINTS = [
  { id: 1, vector: [1, 0, 0], payload: { tenant: 'a', n: 1 } },
  { id: 2, vector: [0.9, 0.1, 0], payload: { tenant: 'b', n: 2, secret: 'b-only' } },
  { id: 3, vector: [0, 1, 0], payload: { tenant: 'a', n: 3 } },
  { id: 4, vector: [1, 0.1, 0], payload: { tenant: 'b', n: 4 } },
  { id: UUID_B, vector: [0.95, 0, 0.05], payload: { tenant: 'b', n: 5 } },
]
const B_POINTS = [2, 4, UUID_B]
const FOREIGN = /^Point .+ is outside this token's payload restriction$|^Point .+ must set payload key "tenant" to "a" \(payload restriction\)$/

describe('node: a payload-restricted token cannot escape its restriction', () => {
  let node: NodeProcess
  let manage: QdrantClient
  let tenant: QdrantClient
  let jwt: string
  const raw = (method: string, path: string, body?: unknown) => call(`${node.url}${path}`, method, body, bearer(jwt))
  /** Tenant b's points exactly as they were seeded: nothing any call below did reached them. */
  const assertBUntouched = async () => {
    const stored = await manage.retrieve(SHARED, { ids: B_POINTS, with_payload: true, with_vector: true })
    assert.deepEqual(
      stored.map((p) => ({ id: p.id, vector: p.vector, payload: p.payload })).sort((x, y) => String(x.id).localeCompare(String(y.id))),
      POINTS.filter((p) => B_POINTS.includes(p.id)).map((p) => ({ id: p.id, vector: p.vector.map(Math.fround), payload: p.payload })).sort((x, y) => String(x.id).localeCompare(String(y.id))),
    )
  }
  const seed = async () => {
    await manage.delete(SHARED, { wait: true, filter: { must: [] } })
    await manage.upsert(SHARED, { wait: true, points: POINTS })
  }

  before(async () => {
    node = await startNode({ env: RBAC_ENV })
    manage = node.client(KEYS.manage)
    await manage.createCollection(SHARED, { vectors: { size: 3, distance: 'Dot' } })
    await manage.createPayloadIndex(SHARED, { wait: true, field_name: 'tenant', field_schema: 'keyword' })
    jwt = await sign({ access: [{ collection: SHARED, access: 'rw', payload: { tenant: 'a' } }] })
    tenant = node.client(jwt)
    await seed()
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })

  test('upsert: the restricted key must be set, to exactly the restricted value, in every form of the request', async () => {
    const vector = [0, 0, 1]
    const bad: [string, unknown][] = [
      ['a foreign value', { tenant: 'b' }],
      ['no restricted key', { n: 9 }],
      ['no payload at all', undefined],
      ['an array holding the value and another', { tenant: ['a', 'b'] }],
      ['an array holding only the value', { tenant: ['a'] }],
      ['another case', { tenant: 'A' }],
      ['padding', { tenant: 'a ' }],
      ['another type', { tenant: 1 }],
      ['null', { tenant: null }],
      ['an object', { tenant: { value: 'a' } }],
      ['a nested key instead', { 'tenant.x': 'a' }],
    ]
    for (const [what, payload] of bad) {
      await rejectsWith(tenant.upsert(SHARED, { wait: true, points: [{ id: 50, vector, ...(payload !== undefined && { payload: payload as never }) }] }), 403, FOREIGN).catch((e: Error) => assert.fail(`${what}: ${e.message}`))
    }
    await rejectsWith(tenant.upsert(SHARED, { wait: true, batch: { ids: [50, 51], vectors: [vector, vector], payloads: [{ tenant: 'a' }, { tenant: 'b' }] } }), 403, FOREIGN)
    await rejectsWith(tenant.upsert(SHARED, { wait: true, batch: { ids: [50], vectors: [vector] } }), 403, FOREIGN)
    // one bad point refuses the whole request: the good one is not written either
    await rejectsWith(tenant.upsert(SHARED, { wait: true, points: [{ id: 50, vector, payload: { tenant: 'a' } }, { id: 51, vector, payload: { tenant: 'b' } }] }), 403, FOREIGN)
    assert.deepEqual(await manage.retrieve(SHARED, { ids: [50, 51] }), [])
    await tenant.upsert(SHARED, { wait: true, points: [{ id: 50, vector, payload: { tenant: 'a', extra: ['x'] } }] })
    assert.deepEqual((await manage.retrieve(SHARED, { ids: [50] }))[0].payload, { tenant: 'a', extra: ['x'] })
    await assertBUntouched()
    await seed()
  })

  test("upsert onto another tenant's id is refused, whatever spelling of the id", async () => {
    const spellings: (number | string)[] = [2, 4, UUID_B, UUID_B.toUpperCase(), `{${UUID_B}}`, `urn:uuid:${UUID_B}`, UUID_B.replace(/-/g, '')]
    for (const id of spellings) {
      await rejectsWith(tenant.upsert(SHARED, { wait: true, points: [{ id, vector: [1, 1, 1], payload: { tenant: 'a' } }] }), 403, /outside this token's payload restriction/).catch((e: Error) =>
        assert.fail(`id ${id}: ${e.message}`),
      )
      await rejectsWith(tenant.upsert(SHARED, { wait: true, batch: { ids: [id], vectors: [[1, 1, 1]], payloads: [{ tenant: 'a' }] } }), 403, /outside/)
    }
    await assertBUntouched()
  })

  test('set, overwrite and delete payload cannot change or remove the restricted key, by any path syntax', async () => {
    const own = { points: [1] }
    for (const payload of [{ tenant: 'b' }, { tenant: ['a', 'b'] }, { tenant: null }]) {
      await rejectsWith(tenant.setPayload(SHARED, { wait: true, payload: payload as never, ...own }), 403, /Payload key "tenant" is restricted/)
    }
    for (const key of ['tenant', 'tenant.x', '"tenant"', '"tenant".x', 'tenant[0]', 'tenant[]', ' tenant']) {
      await rejectsWith(tenant.setPayload(SHARED, { wait: true, payload: { v: 'b' }, key, ...own }), 403, /Payload key "tenant" is restricted/).catch((e: Error) => assert.fail(`key ${key}: ${e.message}`))
      await rejectsWith(tenant.deletePayload(SHARED, { wait: true, keys: [key], ...own }), 403, /Payload key "tenant" is restricted by this token and cannot be deleted/).catch((e: Error) =>
        assert.fail(`delete ${key}: ${e.message}`),
      )
    }
    assert.equal((await raw('DELETE', `/collections/${SHARED}/points/payload?wait=true`, { keys: ['n', 'tenant'], points: [1] })).status, 403)
    for (const payload of [{ n: 1 }, { tenant: 'b' }, {}, { tenant: ['a'] }]) {
      await rejectsWith(tenant.overwritePayload(SHARED, { wait: true, payload, ...own }), 403, /The new payload must set payload key "tenant" to "a"/)
    }
    await rejectsWith(tenant.clearPayload(SHARED, { wait: true, points: [1] }), 403, /must set payload key "tenant"/)
    // what is allowed: other keys, nested under a key of its own, and the restricted key to its own value
    await tenant.setPayload(SHARED, { wait: true, payload: { tenant: 'a', note: 'mine' }, key: 'meta', points: [1] })
    await tenant.setPayload(SHARED, { wait: true, payload: { tenant: 'a', seen: true }, points: [1] })
    assert.deepEqual((await manage.retrieve(SHARED, { ids: [1] }))[0].payload, { tenant: 'a', n: 1, meta: { tenant: 'a', note: 'mine' }, seen: true })
    await assertBUntouched()
    await seed()
  })

  test("payload edits and deletes by id reach only the token's points, even listed with its own", async () => {
    const edits = [
      ['POST', 'points/payload', { payload: { hacked: true } }, { tenant: 'a', n: 1, hacked: true }],
      ['PUT', 'points/payload', { payload: { tenant: 'a', hacked: true } }, { tenant: 'a', hacked: true }],
      ['POST', 'points/payload/delete', { keys: ['n', 'secret'] }, { tenant: 'a' }],
      ['DELETE', 'points/payload', { keys: ['n', 'secret'] }, { tenant: 'a' }],
    ] as const
    for (const [method, path, body, own] of edits) {
      for (const points of [[2], [UUID_B.toUpperCase()], [1, ...B_POINTS]]) {
        const answer = await raw(method, `/collections/${SHARED}/${path}?wait=true`, { ...body, points })
        assert.equal(answer.status, 200, `${method} ${path} ${JSON.stringify(points)}: ${JSON.stringify(answer.body)}`)
        await assertBUntouched()
      }
      assert.deepEqual((await manage.retrieve(SHARED, { ids: [1] }))[0].payload, own, `${method} ${path} did edit its own point`)
      await seed()
    }
    await tenant.delete(SHARED, { wait: true, points: [1, ...B_POINTS] })
    assert.deepEqual((await manage.retrieve(SHARED, { ids: [1, 3] })).map((p) => p.id), [3])
    await assertBUntouched()
    await seed()
  })

  test('payload edits and deletes by filter reach only its points, however the filter is built', async () => {
    const filters = [
      { must: [{ key: 'tenant', match: { value: 'b' } }] },
      { should: [{ key: 'tenant', match: { value: 'b' } }] },
      { must_not: [{ key: 'tenant', match: { value: 'a' } }] },
      { must: [{ has_id: B_POINTS }] },
      { must: [{ key: 'tenant', match: { any: ['a', 'b'] } }], must_not: [{ has_id: [1, 3] }] },
      { should: [{ must: [{ key: 'tenant', match: { value: 'b' } }] }, { is_empty: { key: 'tenant' } }] },
      { must: [{ key: 'tenant', match: { except: ['a'] } }] },
    ]
    for (const filter of filters) {
      await tenant.setPayload(SHARED, { wait: true, payload: { hacked: true }, filter })
      await tenant.overwritePayload(SHARED, { wait: true, payload: { tenant: 'a', hacked: true }, filter })
      await tenant.deletePayload(SHARED, { wait: true, keys: ['n', 'secret'], filter })
      await tenant.delete(SHARED, { wait: true, filter })
      await tenant.delete(SHARED, { wait: true, points: B_POINTS, filter })
    }
    await tenant.delete(SHARED, { wait: true, points: B_POINTS })
    await assertBUntouched()
    assert.deepEqual((await manage.retrieve(SHARED, { ids: [1, 3] })).map((p) => p.payload), [{ tenant: 'a', n: 1 }, { tenant: 'a', n: 3 }])
    // and "everything" means everything of its own
    await tenant.delete(SHARED, { wait: true, filter: { must: [] } })
    assert.deepEqual((await manage.count(SHARED)).count, 3)
    await assertBUntouched()
    await seed()
  })

  test("no read path shows another tenant's points, their payloads or their vectors", async () => {
    const bFilter = { must: [{ key: 'tenant', match: { value: 'b' } }] }
    const ids = (points: { id: unknown }[]) => points.map((p) => p.id)
    assert.deepEqual(ids((await tenant.scroll(SHARED, { limit: 100 })).points), [1, 3])
    assert.deepEqual(ids((await tenant.scroll(SHARED, { filter: bFilter })).points), [])
    assert.deepEqual(ids((await tenant.scroll(SHARED, { offset: 2, limit: 100 })).points), [3])
    assert.deepEqual(ids((await tenant.scroll(SHARED, { filter: { should: [{ has_id: B_POINTS }, { key: 'n', range: { gte: 0 } }] } })).points), [1, 3])
    assert.equal((await tenant.count(SHARED, { exact: true })).count, 2)
    assert.equal((await tenant.count(SHARED, { filter: { must_not: [{ key: 'tenant', match: { value: 'a' } }] } })).count, 0)
    assert.deepEqual(ids(await tenant.retrieve(SHARED, { ids: [1, ...B_POINTS, UUID_B.toUpperCase()] })), [1])
    for (const id of [2, UUID_B]) {
      const answer = await raw('GET', `/collections/${SHARED}/points/${id}`)
      assert.equal(answer.status, 404)
      assert.equal(answer.body.status.error, `Not found: No point with id ${id} found`, 'as for a point that does not exist')
      await rejectsWith(tenant.query(SHARED, { query: id, limit: 10 }), 404, new RegExp(`No point with id ${id} found`))
    }
    assert.equal((await raw('GET', `/collections/${SHARED}/points/999`)).body.status.error, 'Not found: No point with id 999 found')
    const query = [1, 0, 0]
    assert.deepEqual(ids((await tenant.query(SHARED, { query, limit: 10 })).points), [1, 3])
    assert.deepEqual(ids((await tenant.query(SHARED, { query, limit: 10, filter: bFilter })).points), [])
    assert.deepEqual(ids((await tenant.query(SHARED, { limit: 10 })).points), [1, 3])
    assert.deepEqual(ids((await tenant.query(SHARED, { query: { nearest: query }, limit: 10, params: { exact: true } })).points), [1, 3])
    assert.deepEqual((await tenant.queryBatch(SHARED, { searches: [{ query, limit: 10 }, { query, filter: bFilter, limit: 10 }] })).map((r) => ids(r.points)), [[1, 3], []])
    const search = await raw('POST', `/collections/${SHARED}/points/search`, { vector: query, limit: 10, with_payload: true, with_vector: true })
    assert.deepEqual(ids(search.body.result), [1, 3])
    assert.ok(!JSON.stringify(search.body).includes('b-only'))
    const batch = await raw('POST', `/collections/${SHARED}/points/search/batch`, { searches: [{ vector: query, limit: 10, filter: bFilter }, { vector: query, limit: 10, params: { exact: true } }] })
    assert.deepEqual(batch.body.result.map(ids), [[], [1, 3]])
    // a multi-stage query could be steered by another tenant's points: refused outright
    for (const body of [{ prefetch: [{ query, limit: 10 }], query, limit: 10 }, { query: 2, lookup_from: { collection: SHARED }, limit: 10 }]) {
      assert.equal((await raw('POST', `/collections/${SHARED}/points/query`, body)).status, 400)
    }
    await rejectsWith(tenant.getCollection(SHARED), 403, /"payload" restriction/)
  })
})

describe('node: collection patterns cover exactly what they say, at the HTTP level', () => {
  const LONG = 'a'.repeat(200)
  const NAMES = ['tenant_42_a', 'tenant_42_b', 'tenant_420', 'tenant_42', 'xtenant_42_a', 'Tenant_42_c', 'tenant_4', 'victim', LONG]
  let node: NodeProcess
  let victimSnapshot: string
  const as = async (pattern: string, access: 'r' | 'rw' = 'r') => bearer(await sign({ access: [{ collection: pattern, access }] }))

  before(async () => {
    node = await startNode({ env: RBAC_ENV })
    const manage = node.client(KEYS.manage)
    for (const name of NAMES) await manage.createCollection(name, { vectors: { size: 2, distance: 'Dot' } })
    victimSnapshot = (await manage.createSnapshot('victim'))!.name
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })

  test('anchored, case-sensitive, and regex or SQL syntax is literal: listings and access agree', async () => {
    const cases: [string, string[]][] = [
      ['tenant_42_*', ['tenant_42_a', 'tenant_42_b']],
      ['tenant_4?', ['tenant_42']],
      ['tenant_4?*', ['tenant_42', 'tenant_420', 'tenant_42_a', 'tenant_42_b']],
      ['*_42_a', ['tenant_42_a', 'xtenant_42_a']],
      ['*', NAMES],
      ['a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a', [LONG]],
      ['.*', []],
      ['tenant_42_.*', []],
      ['^tenant.*$', []],
      ['tenant_42_[ab]', []],
      ['tenant_42_(a|b)', []],
      ['tenant_42_\\w', []],
      ['tenant%', []],
      ['tenant_42__', []],
      ['TENANT_42_*', []],
      ['tenant_42_a ', []],
      ['tenant_42', ['tenant_42']],
    ]
    for (const [pattern, visible] of cases) {
      const headers = await as(pattern)
      const listed = await call(`${node.url}/collections`, 'GET', undefined, headers)
      assert.equal(listed.status, 200)
      assert.deepEqual(listed.body.result.collections.map((c: { name: string }) => c.name).sort(), [...visible].sort(), `listing with ${JSON.stringify(pattern)}`)
      for (const name of NAMES) {
        const answer = await call(`${node.url}/collections/${name}/points/count`, 'POST', {}, headers)
        assert.equal(answer.status, visible.includes(name) ? 200 : 403, `${JSON.stringify(pattern)} on ${name}: ${JSON.stringify(answer.body)}`)
        if (answer.status === 403) assert.equal(answer.body.status.error, `Access to collection ${name} is required`)
      }
    }
  })

  test("a pattern cannot reach another collection's files through an encoded path", async () => {
    const headers = await as('tenant_42_*', 'rw')
    const disguises = ['tenant_42_%2F..%2Fvictim', 'tenant_42_%2f..%2fvictim', 'tenant_42_%2F%2E%2E%2Fvictim', 'tenant_42_%5C..%5Cvictim', 'tenant_42_%2F..%2F..%2Fsnapshots%2Fvictim', 'tenant_42_a%00']
    for (const name of disguises) {
      for (const [method, path] of [
        ['GET', `snapshots/${victimSnapshot}`],
        ['DELETE', `snapshots/${victimSnapshot}`],
        ['GET', 'snapshots'],
        ['POST', 'snapshots'],
        ['POST', 'points/scroll'],
        ['GET', 'exists'],
      ]) {
        const answer = await call(`${node.url}/collections/${name}/${path}`, method, method === 'POST' ? {} : undefined, headers)
        assert.equal(answer.status, 403, `${method} /collections/${name}/${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`)
        assert.match(answer.body.status.error, /^Access to collection tenant_42_.* is required$/)
      }
    }
    assert.ok((await node.client(KEYS.manage).listSnapshots('victim')).some((s) => s.name === victimSnapshot), "the victim's snapshot is still there")
  })
})

// Graph walks run on the node's index thread while its main thread goes on applying writes, so a
// point can leave the tenant (or be deleted and its slot reused) between a search and its answer.
describe('node: a restricted search racing writes that move points out of its restriction', () => {
  const RACE = 'race_tenants'
  const COUNT = 2000
  const suite = nodeForSuite({ env: RBAC_ENV })
  let manage: QdrantClient
  let tenant: QdrantClient

  before(async () => {
    manage = suite.node.client(KEYS.manage)
    tenant = suite.node.client(await sign({ access: [{ collection: RACE, access: 'r', payload: { tenant: 'a' } }] }))
    // full_scan_threshold 0: every search walks the graph, none is scored exactly on the main thread
    await manage.createCollection(RACE, { vectors: { size: 8, distance: 'Cosine' }, hnsw_config: { full_scan_threshold: 0 } })
    const random = seededRandom(11)
    const points = Array.from({ length: COUNT }, (_, id) => ({ id, vector: randomVector(random, 8), payload: { tenant: id % 2 ? 'a' : 'b' } }))
    for (let i = 0; i < COUNT; i += 500) await manage.upsert(RACE, { wait: true, points: points.slice(i, i + 500) })
  })

  for (const indexed of [false, true]) {
    test(`no hit outside the restriction, ${indexed ? 'with' : 'without'} a payload index`, async () => {
      if (indexed) await manage.createPayloadIndex(RACE, { wait: true, field_name: 'tenant', field_schema: 'keyword' })
      const random = seededRandom(indexed ? 13 : 12)
      let writing = true
      let hits = 0
      const writer = (async () => {
        for (let round = 0; writing; round++) {
          const ids = Array.from({ length: 50 }, () => 1 + 2 * Math.floor(random() * (COUNT / 2))) // tenant a's points
          await manage.setPayload(RACE, { wait: false, payload: { tenant: 'b' }, points: ids })
          await manage.delete(RACE, { wait: false, points: ids.slice(0, 10) })
          // new points take the freed slots, outside the tenant
          await manage.upsert(RACE, { wait: false, points: ids.slice(0, 10).map((id) => ({ id: id + COUNT * (round + 1), vector: randomVector(random, 8), payload: { tenant: 'b' } })) })
          await manage.setPayload(RACE, { wait: false, payload: { tenant: 'a' }, points: ids.slice(10) })
        }
      })()
      const searcher = async () => {
        for (let i = 0; i < 150; i++) {
          const found = (await tenant.query(RACE, { query: randomVector(random, 8), limit: 10, with_payload: true })).points
          for (const hit of found) assert.equal(hit.payload?.tenant, 'a', `point ${hit.id} is outside the restriction`)
          hits += found.length
        }
      }
      try {
        await Promise.all(Array.from({ length: 8 }, searcher))
      } finally {
        writing = false
        await writer
      }
      assert.ok(hits > 8 * 150 * 5, `${hits} hits: the searches found the tenant's points`)
    })
  }
})
