import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { clusterPath, dataAccessToken, qdrant, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { spawnNode, Spawned } from './support/processes'
import { signUp } from './support/users'

const WORKER_MAIN = path.resolve(__dirname, '../apps/control-plane/src/worker.js')

let cp: TestControlPlane
const workers: Spawned[] = []
before(async () => {
  cp = await startControlPlane({ JOB_LOCK_MS: '2000' }) // no in-process worker: separate worker processes below
})
after(async () => {
  for (const w of workers) await w.stop()
  await cp.close()
})

function startWorker() {
  const worker = spawnNode(WORKER_MAIN, { ...cp.workerEnv, JOB_LOCK_MS: '2000', LOG_LEVEL: 'info' })
  workers.push(worker)
  return worker
}

/** Node processes running on this cluster's data directories. */
function nodeProcesses(clusterId: string): number[] {
  const dir = `QUIVER_NODE_DATA_DIR=${path.join(cp.dataDir, 'clusters', clusterId)}/`
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((v) => v.startsWith(dir)) ? [Number(pid)] : []
    } catch {
      return []
    }
  })
}

describe('a worker killed while provisioning', () => {
  it('leaves a job that another worker completes: the cluster converges, with one node, not two', async () => {
    const owner = await signUp(cp.http)
    const first = startWorker()
    await first.waitFor(/worker started/)
    const created = await cp.http.post(clusterPath(owner), { name: 'crash-test' }, { token: owner.token })
    assert.equal(created.status, 202)
    const deadline = Date.now() + 20_000
    while (nodeProcesses(created.body.id).length === 0 && Date.now() < deadline) await sleep(20)
    assert.equal(nodeProcesses(created.body.id).length, 1, 'the first worker started the node')
    first.child.kill('SIGKILL') // mid-job: the node runs, the job never finished
    await sleep(100)
    assert.equal((await cp.http.get(clusterPath(owner, created.body.id), { token: owner.token })).body.status, 'CREATING')

    const second = startWorker()
    await second.waitFor(/worker started/)
    const healthy = await waitForCluster(cp.http, owner, created.body.id, 'HEALTHY', 30_000)
    assert.deepEqual(nodeProcesses(created.body.id).length, 1, 'the running node was adopted, not duplicated')
    const token = await dataAccessToken(cp.http, owner, created.body.id, 'm')
    assert.ok(Array.isArray((await qdrant(healthy.endpoint.url, token.token).getCollections()).collections))

    await cp.http.delete(clusterPath(owner, created.body.id), { token: owner.token })
    await waitForCluster(cp.http, owner, created.body.id, 'GONE', 30_000)
    assert.equal(nodeProcesses(created.body.id).length, 0)
  })
})
