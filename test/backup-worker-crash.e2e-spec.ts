import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { backupsPath, clusterBackupsPath, clusterData, restoreBackup, waitForBackup } from './support/backups'
import { clusterPath, dataAccessToken, qdrant, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { workerProcesses } from './support/processes'
import { signUp } from './support/users'

const COLLECTIONS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']

let cp: TestControlPlane
let workers: ReturnType<typeof workerProcesses>
before(async () => {
  cp = await startControlPlane({ JOB_LOCK_MS: '2000' }) // no in-process worker: separate worker processes below
  workers = workerProcesses(cp.workerEnv, { JOB_LOCK_MS: '2000' })
})
after(async () => {
  await workers.stopAll()
  await cp.close()
})

describe('a worker killed in the middle of a backup', () => {
  it('leaves no SUCCEEDED backup of part of the data; the retry completes it, and it restores everything', async () => {
    const owner = await signUp(cp.http)
    const first = await workers.start()
    const created = await cp.http.post(clusterPath(owner), { name: 'crash-backup' }, { token: owner.token })
    await waitForCluster(cp.http, owner, created.body.id, 'HEALTHY', 30_000)
    const { token, endpoint } = await dataAccessToken(cp.http, owner, created.body.id, 'm')
    const client = qdrant(endpoint.url, token)
    for (const name of COLLECTIONS) {
      await client.createCollection(name, { vectors: { size: 32, distance: 'Cosine' } })
      for (let batch = 0; batch < 3; batch++) {
        const points = Array.from({ length: 1000 }, (_, i) => {
          const id = batch * 1000 + i
          return { id, vector: Array.from({ length: 32 }, (_, d) => Math.cos(id * 0.37 + d * 1.1)), payload: { n: id, name } }
        })
        await client.upsert(name, { wait: true, points })
      }
    }
    const expected = await clusterData(client)

    const requested = await cp.http.post(clusterBackupsPath(owner, created.body.id), { retentionDays: 1 }, { token: owner.token })
    assert.equal(requested.status, 202)
    await first.waitFor(new RegExp(`backup ${requested.body.id}: stored collection c1 `), 30_000)
    first.child.kill('SIGKILL')

    const interrupted = (await cp.http.get(backupsPath(owner, requested.body.id), { token: owner.token })).body
    assert.equal(interrupted.status, 'RUNNING')
    assert.ok(interrupted.collections.length < COLLECTIONS.length, `${interrupted.collections.length} collections stored before the kill`)
    await sleep(500)
    assert.equal((await cp.http.get(backupsPath(owner, requested.body.id), { token: owner.token })).body.status, 'RUNNING', 'nothing finishes it without a worker')

    await workers.start()
    const done = await waitForBackup(cp.http, owner, requested.body.id, (b) => b.status === 'SUCCEEDED' || b.status === 'FAILED', 30_000)
    assert.equal(done.status, 'SUCCEEDED', done.statusReason)
    assert.deepEqual(done.collections.map((c: { name: string }) => c.name), COLLECTIONS)
    const dir = path.join(cp.dataDir, 'backups', owner.accountId, done.id, 'node-0')
    assert.deepEqual(readdirSync(dir).sort(), COLLECTIONS.map((c) => `${c}.snapshot`), 'exactly the stored files: no partial or temporary file is left')
    for (const c of done.collections) {
      assert.equal(createHash('sha256').update(readFileSync(path.join(dir, `${c.name}.snapshot`))).digest('hex'), c.checksum)
    }

    for (const name of COLLECTIONS.slice(0, 3)) await client.deleteCollection(name)
    const restore = await restoreBackup(cp.http, owner, done.id)
    assert.equal(restore.status, 'SUCCEEDED', restore.statusReason ?? undefined)
    assert.deepEqual(await clusterData(client), expected)

    await cp.http.delete(clusterPath(owner, created.body.id), { token: owner.token })
    await waitForCluster(cp.http, owner, created.body.id, 'GONE', 30_000)
  })
})
