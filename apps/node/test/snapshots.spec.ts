import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { describe, test } from 'node:test'
import { call, nodeForSuite, rejectsWith } from './support/node-process'

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url)
  assert.equal(res.status, 200)
  return Buffer.from(await res.arrayBuffer())
}

function upload(url: string, bytes: Buffer): Promise<{ status: number; body: any }> {
  const form = new FormData()
  form.append('snapshot', new Blob([bytes]), 'x.snapshot')
  return fetch(url, { method: 'POST', body: form }).then(async (r) => ({ status: r.status, body: await r.json() }))
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('node: snapshots', () => {
  const suite = nodeForSuite()

  async function seed(name: string, n = 300): Promise<void> {
    await suite.client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } })
    await suite.client.upsert(name, { wait: true, points: Array.from({ length: n }, (_, i) => ({ id: i, vector: [i, 1, 2, 3], payload: { i, tag: `t${i % 3}` } })) })
    await suite.client.createPayloadIndex(name, { field_name: 'tag', field_schema: 'keyword', wait: true })
  }

  test('create, list, download, delete; the checksum is the archive\'s sha256 and the archive is a tar', async () => {
    await seed('source')
    const created = await suite.client.createSnapshot('source')
    assert.ok(created && created.name.endsWith('.snapshot'))
    const listed = await suite.client.listSnapshots('source')
    assert.deepEqual(
      listed.map((s) => s.name),
      [created.name],
    )
    const bytes = await download(`${suite.node.url}/collections/source/snapshots/${created.name}`)
    assert.equal(bytes.length, created.size)
    assert.equal(sha256(bytes), created.checksum)
    const file = path.join(suite.node.dataDir, 'copy.tar')
    writeFileSync(file, bytes)
    const entries = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')
    assert.deepEqual(entries.sort(), ['checkpoint/index.hnsw', 'checkpoint/manifest.json', 'checkpoint/points.ndjson', 'checkpoint/vectors.f32', 'collection.json'])
    assert.equal(await suite.client.deleteSnapshot('source', created.name), true)
    assert.deepEqual(await suite.client.listSnapshots('source'), [])
    assert.equal((await call(`${suite.node.url}/collections/source/snapshots/${created.name}`, 'GET')).status, 404)
    await rejectsWith(suite.client.createSnapshot('nowhere'), 404, /nowhere/)
  })

  test('upload recovers a collection under a new name, indexes included; a wrong checksum changes nothing', async () => {
    await seed('original', 200)
    const snap = (await suite.client.createSnapshot('original'))!
    const bytes = await download(`${suite.node.url}/collections/original/snapshots/${snap.name}`)
    const refused = await upload(`${suite.node.url}/collections/copy/snapshots/upload?checksum=${'0'.repeat(64)}`, bytes)
    assert.equal(refused.status, 400)
    assert.match(refused.body.status.error, /checksum mismatch/)
    assert.deepEqual(await suite.client.collectionExists('copy'), { exists: false })

    const ok = await upload(`${suite.node.url}/collections/copy/snapshots/upload?checksum=${snap.checksum}`, bytes)
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
    assert.equal((await suite.client.count('copy')).count, 200)
    assert.deepEqual((await suite.client.getCollection('copy')).payload_schema.tag, { data_type: 'keyword', points: 200 })
    const [p] = await suite.client.retrieve('copy', { ids: [7], with_vector: true })
    assert.deepEqual(p.payload, { i: 7, tag: 't1' })
    const hits = await suite.client.query('copy', { query: [7, 1, 2, 3], limit: 1, filter: { must: [{ key: 'tag', match: { value: 't1' } }] } })
    assert.equal(hits.points[0].id, 7)
    // the copy is a collection of its own
    await suite.client.upsert('copy', { wait: true, points: [{ id: 1000, vector: [1, 1, 1, 1] }] })
    assert.equal((await suite.client.count('original')).count, 200)
  })

  test('a damaged archive is refused and the collection it would replace is kept', async () => {
    await seed('precious', 50)
    const snap = (await suite.client.createSnapshot('precious'))!
    const bytes = await download(`${suite.node.url}/collections/precious/snapshots/${snap.name}`)
    const damaged = Buffer.from(bytes)
    damaged[Math.floor(damaged.length / 2)] ^= 0x5a
    const res = await upload(`${suite.node.url}/collections/precious/snapshots/upload`, damaged)
    assert.equal(res.status, 400)
    assert.match(res.body.status.error, /not a valid collection snapshot/)
    assert.equal((await suite.client.count('precious')).count, 50)
  })

  test('recover from a URL (http and this node\'s own file://) replaces the collection', async () => {
    await seed('remote', 120)
    const snap = (await suite.client.createSnapshot('remote'))!
    const bytes = await download(`${suite.node.url}/collections/remote/snapshots/${snap.name}`)
    await suite.client.delete('remote', { wait: true, filter: { must: [{ key: 'i', range: { gte: 20 } }] } })
    assert.equal((await suite.client.count('remote')).count, 20)

    const server = createServer((req, res) => {
      if (req.headers['api-key'] !== 'secret') return void res.writeHead(401).end()
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as { port: number }).port
      const location = `http://127.0.0.1:${port}/${snap.name}`
      await rejectsWith(suite.client.recoverSnapshot('remote', { location, checksum: snap.checksum }), 400, /HTTP 401/)
      assert.equal(await suite.client.recoverSnapshot('remote', { location, checksum: snap.checksum, api_key: 'secret' }), true)
      assert.equal((await suite.client.count('remote')).count, 120)
    } finally {
      server.close()
    }

    await suite.client.delete('remote', { wait: true, points: [0, 1, 2] })
    const local = `file://${path.join(suite.node.dataDir, 'snapshots', 'remote', snap.name)}`
    assert.equal(await suite.client.recoverSnapshot('remote', { location: local }), true)
    assert.equal((await suite.client.count('remote')).count, 120)
    await rejectsWith(suite.client.recoverSnapshot('remote', { location: 'file:///etc/passwd' }), 400, /snapshots directory/)
  })

  test('a snapshot taken while writes go on is a consistent cut of them', async () => {
    await suite.client.createCollection('busy', { vectors: { size: 4, distance: 'Dot' } })
    let next = 0
    let stop = false
    const writer = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 20 }, (_, k) => ({ id: next + k, vector: [next + k, 1, 1, 1], payload: { seq: next + k } }))
        await suite.client.upsert('busy', { wait: true, points: batch })
        next += 20
      }
    })()
    await new Promise((r) => setTimeout(r, 150))
    const ackedBefore = next
    const snap = (await suite.client.createSnapshot('busy'))!
    await new Promise((r) => setTimeout(r, 100))
    stop = true
    await writer
    const bytes = await download(`${suite.node.url}/collections/busy/snapshots/${snap.name}`)
    assert.equal((await upload(`${suite.node.url}/collections/busy_copy/snapshots/upload?checksum=${snap.checksum}`, bytes)).status, 200)
    const count = (await suite.client.count('busy_copy')).count
    assert.ok(count >= ackedBefore, `the snapshot holds every write acknowledged before it was asked for (${count} >= ${ackedBefore})`)
    assert.ok(count < next, 'and not the writes that came after it')
    assert.equal(count % 20, 0, 'no batch is cut in half')
    const ids = (await suite.client.scroll('busy_copy', { limit: count + 1, with_payload: false })).points.map((p) => p.id)
    assert.deepEqual(
      ids,
      Array.from({ length: count }, (_, i) => i),
    )
  })
})
