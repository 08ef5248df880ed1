import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call, nodeForSuite, removeDir, runToExit, startNode, tempDataDir } from './support/node-process'

describe('node: process, collections', () => {
  const suite = nodeForSuite()

  test('GET / answers title and a Qdrant API version the official client accepts', async () => {
    const { status, body } = await call(suite.node.url + '/', 'GET')
    assert.equal(status, 200)
    assert.equal(body.title, 'quiver')
    assert.match(body.version, /^1\.\d+\.\d+$/)
    const info = await suite.node.client().versionInfo()
    assert.equal(info.title, 'quiver')
  })

  test('health, readiness, liveness and metrics need no credential', async () => {
    for (const path of ['/healthz', '/readyz', '/livez']) assert.equal((await call(suite.node.url + path, 'GET')).status, 200, path)
    await suite.node.client().createCollection('metered', { vectors: { size: 2, distance: 'Dot' } })
    await suite.node.client().upsert('metered', { points: [{ id: 1, vector: [1, 2] }] })
    const metrics = await call(suite.node.url + '/metrics', 'GET')
    assert.equal(metrics.status, 200)
    assert.match(metrics.body, /quiver_node_points\{collection="metered"\} 1/)
    assert.match(metrics.body, /quiver_node_requests_total\{operation="points:upsert",status="200"\}/)
  })

  test('create, get, list, exists and delete through the official client', async () => {
    assert.equal(await suite.client.createCollection('books', { vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: 8, ef_construct: 64 } }), true)
    const info = await suite.client.getCollection('books')
    assert.equal(info.status, 'green')
    assert.equal(info.points_count, 0)
    assert.deepEqual(info.config.params.vectors, { size: 4, distance: 'Cosine' })
    assert.equal(info.config.hnsw_config.m, 8)
    assert.equal(info.config.hnsw_config.ef_construct, 64)
    assert.ok((await suite.client.getCollections()).collections.some((c) => c.name === 'books'))
    assert.deepEqual(await suite.client.collectionExists('books'), { exists: true })
    assert.deepEqual(await suite.client.collectionExists('nope'), { exists: false })
    assert.equal(await suite.client.deleteCollection('books'), true)
    assert.deepEqual(await suite.client.collectionExists('books'), { exists: false })
    assert.equal((await call(`${suite.node.url}/collections/books`, 'DELETE')).body.result, false)
  })

  test('defaults: m 16, ef_construct 100', async () => {
    await suite.node.client().createCollection('defaults', { vectors: { size: 3, distance: 'Euclid' } })
    const info = await suite.node.client().getCollection('defaults')
    assert.equal(info.config.hnsw_config.m, 16)
    assert.equal(info.config.hnsw_config.ef_construct, 100)
  })

  test('creating an existing name fails as Qdrant does: 400 "already exists"', async () => {
    await suite.node.client().createCollection('twice', { vectors: { size: 2, distance: 'Dot' } })
    const again = await call(`${suite.node.url}/collections/twice`, 'PUT', { vectors: { size: 2, distance: 'Dot' } })
    assert.equal(again.status, 400)
    assert.equal(again.body.status.error, 'Wrong input: Collection `twice` already exists!')
    assert.equal(typeof again.body.time, 'number')
  })

  test('a missing collection is 404 with Qdrant\'s message', async () => {
    const missing = await call(`${suite.node.url}/collections/ghost`, 'GET')
    assert.equal(missing.status, 404)
    assert.equal(missing.body.status.error, 'Not found: Collection `ghost` doesn\'t exist!')
    const search = await call(`${suite.node.url}/collections/ghost/points/search`, 'POST', { vector: [1], limit: 1 })
    assert.equal(search.status, 404)
  })

  test('bad collection settings are 400 and name the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /vectors/],
      [{ vectors: { size: 0, distance: 'Cosine' } }, /vectors\.size/],
      [{ vectors: { size: 'x', distance: 'Cosine' } }, /vectors\.size/],
      [{ vectors: { size: 4, distance: 'Cosinus' } }, /vectors\.distance/],
      [{ vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: -1 } }, /hnsw_config\.m/],
      [{ vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { ef_construct: 'big' } }, /hnsw_config\.ef_construct/],
      [{ vectors: { text: { size: 4, distance: 'Cosine' } } }, /named vectors are not supported/],
      [{ vectors: { size: 4, distance: 'Manhattan' } }, /Manhattan/],
    ]
    for (const [body, message] of cases) {
      const res = await call(`${suite.node.url}/collections/bad`, 'PUT', body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.match(res.body.status.error, message)
    }
    assert.deepEqual(await suite.node.client().collectionExists('bad'), { exists: false })
  })

  test('names are validated like Qdrant\'s', async () => {
    for (const name of ['a*b', 'a:b', 'x'.repeat(256), 'a|b']) {
      const res = await call(`${suite.node.url}/collections/${encodeURIComponent(name)}`, 'PUT', { vectors: { size: 2, distance: 'Dot' } })
      assert.equal(res.status, 400, name)
      assert.match(res.body.status.error, /collection name/)
    }
  })

  test('a body that is not JSON is a 400 format error, not a crash', async () => {
    const res = await call(`${suite.node.url}/collections/twice/points/scroll`, 'POST', '{"limit": ')
    assert.equal(res.status, 400)
    assert.match(res.body.status.error, /^Format error in JSON body/)
    assert.equal((await call(suite.node.url + '/healthz', 'GET')).status, 200)
  })
})

describe('node: configuration', () => {
  test('a bad value stops the process with a message naming the variable', async () => {
    const dir = tempDataDir()
    try {
      for (const [name, value] of [
        ['QUIVER_NODE_PORT', '70000'],
        ['QUIVER_NODE_PORT', 'abc'],
        ['QUIVER_NODE_HOST', 'bad host'],
        ['QUIVER_NODE_DATA_DIR', ' '],
      ]) {
        const { code, output } = await runToExit({ QUIVER_NODE_DATA_DIR: dir, [name]: value })
        assert.notEqual(code, 0)
        assert.match(output, new RegExp(name))
      }
    } finally {
      removeDir(dir)
    }
  })

  test('a second node on the same data directory refuses to start', async () => {
    const first = await startNode()
    try {
      const { code, output } = await runToExit({ QUIVER_NODE_DATA_DIR: first.dataDir, QUIVER_NODE_PORT: '0' })
      assert.notEqual(code, 0)
      assert.match(output, /in use/)
    } finally {
      await first.stop()
      removeDir(first.dataDir)
    }
  })
})
