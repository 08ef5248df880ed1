import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import { call, NodeProcess, removeDir, seededRandom, startNode, tempDataDir } from './support/node-process'

const DIM = 8
const WRITERS = 4
const IDS_PER_WRITER = 40
// tiny log threshold: checkpoints happen all through the stream, so kills also land in the middle of one
const ENV = { QUIVER_NODE_CHECKPOINT_WAL_BYTES: '16384', QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '1' }

const vectorOf = (id: number, version: number) => Array.from({ length: DIM }, (_, i) => ((id * 31 + version * 7 + i) % 17) - 8)

/** What one id must look like: absent, or present with payload version v. */
type Expected = { present: false } | { present: true; version: number }

describe('node: durability', () => {
  test('SIGKILL in the middle of acknowledged upserts and deletes loses nothing, over several runs', async () => {
    const dataDir = tempDataDir()
    const acked = new Map<number, Expected>()
    const random = seededRandom(2024)
    let node: NodeProcess | undefined
    try {
      node = await startNode({ dataDir, env: ENV })
      await node.client().createCollection('ledger', { vectors: { size: DIM, distance: 'Dot' } })
      let checkpoints = 0
      for (let run = 0; run < 4; run++) {
        const inFlight = new Map<number, Expected[]>() // per writer: the op that may or may not have landed
        let stop = false
        let acknowledgements = 0
        const writer = async (w: number) => {
          let version = run * 100_000 + w * 10_000
          while (!stop) {
            version++
            const id = w * IDS_PER_WRITER + Math.floor(random() * IDS_PER_WRITER)
            const remove = random() < 0.2
            const wait = random() < 0.7
            const next: Expected = remove ? { present: false } : { present: true, version }
            inFlight.set(w, [{ ...next, id } as Expected & { id: number }])
            const url = `${node!.url}/collections/ledger/points${remove ? '/delete' : ''}?wait=${wait}`
            const body = remove ? { points: [id] } : { points: [{ id, vector: vectorOf(id, version), payload: { version, writer: w } }] }
            try {
              const res = await fetch(url, { method: remove ? 'POST' : 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
              if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
              await res.json()
            } catch {
              return // the node died under us: this op stays "in flight"
            }
            acked.set(id, next)
            inFlight.delete(w)
            acknowledgements++
          }
        }
        const writers = Array.from({ length: WRITERS }, (_, w) => writer(w))
        await sleep(400 + Math.floor(random() * 500))
        await node.kill()
        checkpoints += node.output.filter((l) => l.includes('checkpoint written')).length
        stop = true
        await Promise.all(writers)
        console.log(`run ${run}: ${acknowledgements} acknowledged writes before SIGKILL`)
        assert.ok(acknowledgements > 50, `run ${run}: only ${acknowledgements} writes were acknowledged before the kill`)

        node = await startNode({ dataDir, env: ENV })
        const uncertain = new Map<number, Expected>()
        for (const [, ops] of inFlight) for (const op of ops as (Expected & { id: number })[]) uncertain.set(op.id, op)
        const allIds = Array.from({ length: WRITERS * IDS_PER_WRITER }, (_, i) => i)
        const stored = await node.client().retrieve('ledger', { ids: allIds, with_payload: true, with_vector: true })
        const byId = new Map(stored.map((p) => [p.id as number, p]))
        for (const id of allIds) {
          const expected = acked.get(id) ?? { present: false }
          const got = byId.get(id)
          const actual: Expected = got ? { present: true, version: (got.payload as { version: number }).version } : { present: false }
          const maybe = uncertain.get(id)
          const matches = (e: Expected) => e.present === actual.present && (!e.present || (actual.present && e.version === actual.version))
          assert.ok(matches(expected) || (maybe !== undefined && matches(maybe)), `run ${run}, id ${id}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`)
          if (got && actual.present) assert.deepEqual(got.vector, vectorOf(id, actual.version), `id ${id}: vector of version ${actual.version}`)
          // whatever state an in-flight op left is what the next run builds on
          if (maybe && matches(maybe)) acked.set(id, maybe)
        }
        const count = (await node.client().count('ledger')).count
        assert.equal(count, stored.length)
      }
      await node.stop()
      // the scenario needs checkpoints mid-stream; how many depends on the machine's speed
      assert.ok(checkpoints >= 2, `checkpoints ran during the stream (${checkpoints})`)
    } finally {
      await node?.kill()
      removeDir(dataDir)
    }
  })

  test('a torn or corrupt log tail is cut and every record before it is kept', async () => {
    const dataDir = tempDataDir()
    const env = { QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '0' }
    let node: NodeProcess | undefined
    try {
      node = await startNode({ dataDir, env })
      await node.client().createCollection('torn', { vectors: { size: 2, distance: 'Dot' } })
      for (let i = 1; i <= 10; i++) await node.client().upsert('torn', { wait: true, points: [{ id: i, vector: [i, 0] }] })
      await node.kill()
      const walDir = path.join(dataDir, 'collections', 'torn', 'wal')
      const segment = path.join(walDir, readdirSync(walDir).filter((n) => n.endsWith('.wal')).sort().at(-1)!)
      const size = statSync(segment).size

      // a torn last record: its end never reached the disk
      truncateSync(segment, size - 5)
      node = await startNode({ dataDir, env })
      assert.equal((await node.client().count('torn')).count, 9)
      assert.ok(node.output.some((l) => l.includes('write-ahead log damaged')))
      await node.client().upsert('torn', { wait: true, points: [{ id: 11, vector: [11, 0] }] })
      await node.kill()

      // a flipped byte inside the last record and garbage after it
      const bytes = readFileSync(segment)
      bytes[bytes.length - 3] ^= 0xff
      writeFileSync(segment, bytes)
      appendFileSync(segment, Buffer.from('garbage that is not a record'))
      node = await startNode({ dataDir, env })
      const ids = (await node.client().scroll('torn', { limit: 100 })).points.map((p) => p.id)
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9])
      assert.ok(readdirSync(walDir).some((n) => n.includes('.corrupt-')), 'the cut bytes are kept aside')
      // and the log keeps working after the cut
      await node.client().upsert('torn', { wait: true, points: [{ id: 12, vector: [12, 0] }] })
      await node.kill()
      node = await startNode({ dataDir, env })
      assert.equal((await node.client().count('torn')).count, 10)
    } finally {
      await node?.kill()
      removeDir(dataDir)
    }
  })

  test('SIGTERM flushes a checkpoint: the next start replays nothing', async () => {
    const dataDir = tempDataDir()
    let node: NodeProcess | undefined
    try {
      node = await startNode({ dataDir, env: { QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '0' } })
      await node.client().createCollection('flushed', { vectors: { size: 2, distance: 'Dot' } })
      await node.client().upsert('flushed', { wait: true, points: Array.from({ length: 100 }, (_, i) => ({ id: i, vector: [i, 1], payload: { i } })) })
      await node.client().createPayloadIndex('flushed', { field_name: 'i', field_schema: 'integer', wait: true })
      assert.equal(await node.stop(), 0)
      node = await startNode({ dataDir })
      assert.ok(!node.output.some((l) => l.includes('replayed')), node.output.join('\n'))
      assert.equal((await node.client().count('flushed')).count, 100)
      assert.deepEqual((await node.client().getCollection('flushed')).payload_schema.i, { data_type: 'integer', points: 100 })
      const res = await call(`${node.url}/collections/flushed/points/scroll`, 'POST', { filter: { must: [{ key: 'i', range: { gte: 98 } }] } })
      assert.deepEqual(
        res.body.result.points.map((p: { id: number }) => p.id),
        [98, 99],
      )
    } finally {
      await node?.kill()
      removeDir(dataDir)
    }
  })
})
