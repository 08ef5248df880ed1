import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { QdrantClient } from '@qdrant/js-client-rest'
import { JobQueue } from '../apps/control-plane/src/jobs/job-queue'
import { agentCredential, agentProcesses, createEnvironment, environmentsPath } from './support/agents'
import { backUp, backupsPath, clusterBackupsPath, clusterData, damageFile, fireScheduleOccurrence, restoreBackup, schedulesPath, seedCollections, waitForBackup } from './support/backups'
import { clusterPath, createHealthyCluster, qdrant, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { until } from './support/polling'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
let agents: ReturnType<typeof agentProcesses>
before(async () => {
  cp = await startControlPlane({ BACKUP_RETENTION_INTERVAL_MS: '1000', AGENT_BACKUP_TIMEOUT_MINUTES: '1', AGENT_SILENCE_SECONDS: '2' }, { worker: true })
  agents = agentProcesses(cp.url)
})
after(async () => {
  await agents.stopAll()
  await cp.close()
})

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Every file below `dir` (relative paths), or [] when it does not exist. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

describe('backups of a cluster in a hybrid cloud environment', () => {
  let owner: TestUser
  let environmentId: string
  let agentDir: string
  let agent: ReturnType<typeof agents.start>['agent']
  let cluster: { id: string; endpoint: { url: string } }
  let client: QdrantClient
  let backup: any
  let backedUp: unknown

  const agentFile = (backupId: string, collection: string) => path.join(agentDir, 'backups', backupId, 'node-0', `${collection}.snapshot`)

  before(async () => {
    owner = await signUp(cp.http)
    const environment = await createEnvironment(cp.http, owner, 'on-prem')
    environmentId = environment.id
    ;({ agent, dir: agentDir } = agents.start({ QUIVER_AGENT_BOOTSTRAP_TOKEN: environment.bootstrapToken }))
    cluster = await createHealthyCluster(cp.http, owner, { environmentId })
    const key = await cp.http.post(`${clusterPath(owner, cluster.id)}/api-keys`, { name: 'app' }, { token: owner.token })
    assert.equal(key.status, 201, JSON.stringify(key.body))
    client = qdrant(cluster.endpoint.url, key.body.key)
  })

  it("is made by the agent into its own store: the control plane's holds nothing, only the metadata", async () => {
    await seedCollections(client)
    backedUp = await clusterData(client)
    backup = await backUp(cp.http, owner, cluster.id, { retentionDays: 2 })
    assert.equal(backup.environmentId, environmentId)
    assert.deepEqual(backup.collections.map((c: any) => c.name), ['events', 'products', 'users'])
    assert.ok(backup.startedAt && Date.parse(backup.completedAt) >= Date.parse(backup.startedAt))
    assert.ok(Math.abs(Date.parse(backup.expiresAt) - Date.parse(backup.createdAt) - 2 * 86_400_000) < 5000)
    for (const c of backup.collections) {
      assert.equal(sha256(agentFile(backup.id, c.name)), c.checksum)
      assert.equal(readFileSync(agentFile(backup.id, c.name)).length, c.sizeBytes)
      assert.deepEqual(await client.listSnapshots(c.name), [], 'the node keeps no copy')
    }
    assert.equal(backup.sizeBytes, backup.collections.reduce((n: number, c: any) => n + c.sizeBytes, 0))
    assert.deepEqual(filesBelow(path.join(cp.dataDir, 'backups')), [], "nothing in the control plane's backup store")
    assert.deepEqual(filesBelow(path.join(agentDir, 'backups', backup.id)), ['events', 'products', 'users'].map((c) => `node-0/${c}.snapshot`))
  })

  it('restores from the agent\'s store: exactly the backed-up points after deletes, overwrites, a dropped and a new collection', async () => {
    await client.delete('products', { wait: true, points: Array.from({ length: 100 }, (_, i) => i + 1) })
    await client.upsert('products', { wait: true, points: [{ id: 9_000, vector: [1, 1, 1, 1, 1, 1, 1, 1], payload: { tag: 'new' } }] })
    await client.overwritePayload('users', { wait: true, payload: { email: 'changed' }, points: ['00000000-0000-4000-8000-000000000002'] })
    await client.deleteCollection('events')
    await client.createCollection('scratch', { vectors: { size: 2, distance: 'Dot' } })
    assert.notDeepEqual(await clusterData(client), backedUp)

    const restore = await restoreBackup(cp.http, owner, backup.id)
    assert.equal(restore.status, 'SUCCEEDED', restore.statusReason ?? undefined)
    await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.deepEqual(await clusterData(client), backedUp)
    assert.deepEqual(filesBelow(path.join(cp.dataDir, 'backups')), [])
  })

  it('a damaged file on the agent\'s side fails the restore, naming the collection, and leaves the cluster untouched', async () => {
    const damaged = await backUp(cp.http, owner, cluster.id)
    await client.upsert('products', { wait: true, points: [{ id: 9_001, vector: [2, 2, 2, 2, 2, 2, 2, 2], payload: { tag: 'after' } }] })
    const current = await clusterData(client)
    damageFile(agentFile(damaged.id, 'products'))

    const restore = await restoreBackup(cp.http, owner, damaged.id)
    assert.equal(restore.status, 'FAILED')
    assert.match(restore.statusReason!, /stored snapshot of collection products \(node 0\) is damaged, so nothing was restored: .*checksum mismatch/)
    const after_ = (await cp.http.get(backupsPath(owner, damaged.id), { token: owner.token })).body
    assert.equal(after_.status, 'FAILED')
    assert.match(after_.statusReason, /damaged/)
    const healthy = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.equal(healthy.statusReason, null)
    assert.deepEqual(await clusterData(client), current, 'nothing on the cluster changed')
  })

  it("a schedule's occurrence fires in the control plane and the agent makes the backup", async () => {
    const created = await cp.http.post(`${clusterPath(owner, cluster.id)}/backup-schedules`, { cron: '0 4 * * *', retentionDays: 3 }, { token: owner.token })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const jobId = await fireScheduleOccurrence(cp.app.get(JobQueue).queue, created.body.id)
    const made = await until(() => cp.prisma.backup.findUnique({ where: { jobId } }), (b) => b?.status === 'SUCCEEDED' || b?.status === 'FAILED')
    assert.equal(made?.status, 'SUCCEEDED', made?.statusReason ?? undefined)
    const view = (await cp.http.get(backupsPath(owner, made!.id), { token: owner.token })).body
    assert.equal(view.scheduleId, created.body.id)
    assert.equal(view.environmentId, environmentId)
    assert.equal(view.retentionDays, 3)
    for (const c of view.collections) assert.equal(sha256(agentFile(made!.id, c.name)), c.checksum)
    assert.equal(existsSync(path.join(cp.dataDir, 'backups', owner.accountId, made!.id)), false)
    assert.equal((await cp.http.delete(schedulesPath(owner, created.body.id), { token: owner.token })).status, 204)
  })

  it("deleting removes the agent's files; offline, the backup stays DELETING and a RUNNING one waits, until the restarted agent finishes both", async () => {
    const gone = await backUp(cp.http, owner, cluster.id)
    const deleting = await cp.http.delete(backupsPath(owner, gone.id), { token: owner.token })
    assert.equal(deleting.status, 202, JSON.stringify(deleting.body))
    assert.equal(deleting.body.status, 'DELETING')
    await until(() => cp.http.get(backupsPath(owner, gone.id), { token: owner.token }), (r) => r.status === 404)
    assert.equal(existsSync(path.join(agentDir, 'backups', gone.id)), false)

    const kept = await backUp(cp.http, owner, cluster.id)
    await agent.stop()
    assert.equal((await cp.http.delete(backupsPath(owner, kept.id), { token: owner.token })).status, 202)
    // a backup the stopped agent had begun: a snapshot started on the node, a file left in its store
    const requested = await cp.http.post(clusterBackupsPath(owner, cluster.id), {}, { token: owner.token })
    assert.equal(requested.status, 202)
    const started = await client.createSnapshot('products')
    await cp.prisma.backup.update({ where: { id: requested.body.id }, data: { status: 'RUNNING', collections: [{ node: 0, name: 'products', snapshot: started!.name }] } })
    mkdirSync(path.join(agentDir, 'backups', requested.body.id, 'node-0'), { recursive: true })
    writeFileSync(path.join(agentDir, 'backups', requested.body.id, 'node-0', 'stale.snapshot'), 'left by the crashed attempt')
    await sleep(1000)
    assert.equal((await cp.http.get(backupsPath(owner, kept.id), { token: owner.token })).body.status, 'DELETING')
    assert.ok(existsSync(agentFile(kept.id, 'products')))
    assert.equal((await cp.http.get(backupsPath(owner, requested.body.id), { token: owner.token })).body.status, 'RUNNING')

    ;({ agent } = agents.start({}, agentDir))
    const redone = await waitForBackup(cp.http, owner, requested.body.id, (b) => b.status === 'SUCCEEDED' || b.status === 'FAILED')
    assert.equal(redone.status, 'SUCCEEDED', redone.statusReason)
    assert.deepEqual(filesBelow(path.join(agentDir, 'backups', redone.id)), ['events', 'products', 'users'].map((c) => `node-0/${c}.snapshot`))
    assert.deepEqual(await client.listSnapshots('products'), [], "the interrupted attempt's snapshot is gone from the node")
    await until(() => cp.http.get(backupsPath(owner, kept.id), { token: owner.token }), (r) => r.status === 404)
    assert.equal(existsSync(path.join(agentDir, 'backups', kept.id)), false)
  })

  it('creates a cluster of the environment from its backup; a backup never crosses between the environment and the control plane', async () => {
    const res = await cp.http.post(clusterPath(owner), { name: 'reborn', environmentId, fromBackupId: backup.id }, { token: owner.token })
    assert.equal(res.status, 202, JSON.stringify(res.body))
    assert.equal(res.body.status, 'CREATING')
    const reborn = await waitForCluster(cp.http, owner, res.body.id, 'HEALTHY')
    const key = await cp.http.post(`${clusterPath(owner, reborn.id)}/api-keys`, { name: 'app' }, { token: owner.token })
    assert.deepEqual(await clusterData(qdrant(reborn.endpoint.url, key.body.key)), backedUp)
    assert.equal((await cp.http.get(backupsPath(owner, backup.id), { token: owner.token })).body.lastRestore.clusterId, reborn.id)

    const refused = await cp.http.post(clusterPath(owner), { name: 'elsewhere', fromBackupId: backup.id }, { token: owner.token })
    assert.equal(refused.status, 409)
    assert.match(refused.body.detail, /kept by the agent of hybrid cloud environment/)
    const local = await createHealthyCluster(cp.http, owner)
    const into = await cp.http.post(`${backupsPath(owner, backup.id)}/restore`, { clusterId: local.id }, { token: owner.token })
    assert.equal(into.status, 409)
    assert.equal((await cp.http.get(clusterPath(owner, local.id), { token: owner.token })).body.status, 'HEALTHY')
    await cp.http.delete(clusterPath(owner, reborn.id), { token: owner.token })
    await cp.http.delete(clusterPath(owner, local.id), { token: owner.token })
  })

  it("an agent reaches only its own environment's backups and restores (404), and bad reports are 400", async () => {
    const restoreId = (await cp.http.get(backupsPath(owner, backup.id), { token: owner.token })).body.lastRestore.id
    const register = async (user: TestUser) => {
      const environment = await createEnvironment(cp.http, user)
      const res = await cp.http.post('/api/v1/agent/register', { bootstrapToken: environment.bootstrapToken })
      return res.body.credential as string
    }
    const stranger = await signUp(cp.http)
    for (const credential of [await register(stranger), await register(owner)]) {
      const heartbeat = await cp.http.post('/api/v1/agent/heartbeat', {}, { token: credential })
      assert.deepEqual(heartbeat.body.backupWork, { backups: [], restores: [], deletions: [] })
      assert.equal((await cp.http.post(`/api/v1/agent/backups/${backup.id}/report`, { status: 'FAILED', collections: [] }, { token: credential })).status, 404)
      assert.equal((await cp.http.post(`/api/v1/agent/backups/${backup.id}/deleted`, {}, { token: credential })).status, 404)
      assert.equal((await cp.http.post(`/api/v1/agent/restores/${restoreId}/report`, { status: 'FAILED' }, { token: credential })).status, 404)
    }
    assert.equal((await cp.http.get(backupsPath(owner, backup.id), { token: owner.token })).body.status, 'SUCCEEDED', 'nothing changed')

    const own = agentCredential(agentDir)
    const report = (body: unknown, id = backup.id) => cp.http.post(`/api/v1/agent/backups/${id}/report`, body, { token: own })
    const stored = { node: 0, name: 'c', key: `${backup.id}/node-0/c.snapshot`, sizeBytes: 1, checksum: 'a'.repeat(64) }
    for (const body of [
      { status: 'DONE', collections: [] },
      { status: 'SUCCEEDED' },
      { status: 'SUCCEEDED', collections: [{ ...stored, snapshot: 'x' }] },
      { status: 'SUCCEEDED', collections: [{ node: 0, name: 'c', snapshot: 'x' }] },
      { status: 'SUCCEEDED', collections: [{ ...stored, checksum: 'nope' }] },
      { status: 'RUNNING', collections: [{ node: 0, name: 'c' }] },
      { status: 'FAILED', collections: [], extra: 1 },
      { status: 'SUCCEEDED', collections: [{ ...stored, key: `${crypto.randomUUID()}/node-0/c.snapshot` }] }, // another backup's files
      { status: 'SUCCEEDED', collections: [{ ...stored, key: `${backup.id}/../x.snapshot` }] },
      { status: 'SUCCEEDED', collections: [{ ...stored, key: backup.id }] },
      { status: 'SUCCEEDED', collections: [{ ...stored, sizeBytes: 1e19 }] }, // beyond the column
      { status: 'FAILED', collections: [], reason: 'a\u0000b' },
    ]) {
      assert.equal((await report(body)).status, 400, JSON.stringify(body))
    }
    assert.equal((await report({ status: 'FAILED', collections: [] }, 'not-a-uuid')).status, 400)
    assert.equal((await report({ status: 'SUCCEEDED', collections: [stored] })).status, 409, 'a finished backup takes no report')
    assert.equal((await cp.http.post(`/api/v1/agent/backups/${backup.id}/deleted`, {}, { token: own })).status, 409, 'it is not DELETING')
  })
})

describe('a hybrid backup whose cluster never becomes HEALTHY', () => {
  it('fails after AGENT_BACKUP_TIMEOUT_MINUTES, though the agent is connected', async () => {
    const owner = await signUp(cp.http)
    const environment = await createEnvironment(cp.http, owner)
    const credential = (await cp.http.post('/api/v1/agent/register', { bootstrapToken: environment.bootstrapToken })).body.credential
    const created = await cp.http.post(`/api/v1/accounts/${owner.accountId}/clusters`, { name: 'stuck', environmentId: environment.id }, { token: owner.token })
    assert.equal(created.body.status, 'CREATING')
    const backup = (createdAt: Date) =>
      cp.prisma.backup.create({
        data: {
          accountId: owner.accountId, clusterId: created.body.id, clusterName: 'stuck', environmentId: environment.id,
          jobId: `backup-${crypto.randomUUID()}`, retentionDays: 1, expiresAt: new Date(Date.now() + 86_400_000), createdAt,
        },
      })
    const fresh = await backup(new Date())
    const old = await backup(new Date(Date.now() - 120_000))
    const heartbeat = await cp.http.post('/api/v1/agent/heartbeat', {}, { token: credential })
    assert.deepEqual(heartbeat.body.backupWork.backups, [], 'nothing to do while the cluster is CREATING')
    const failed = (await cp.http.get(backupsPath(owner, old.id), { token: owner.token })).body
    assert.equal(failed.status, 'FAILED')
    assert.match(failed.statusReason, /The cluster is CREATING; the backup waits until it is HEALTHY, and it waited 1 minute/)
    assert.equal((await cp.http.get(backupsPath(owner, fresh.id), { token: owner.token })).body.status, 'PENDING', 'a younger one still waits')
  })
})

describe('a hybrid environment whose agent is gone', () => {
  it('fails its backups after AGENT_BACKUP_TIMEOUT_MINUTES; the environment is deleted only once its backups are deleted', async () => {
    const owner = await signUp(cp.http)
    const environment = await createEnvironment(cp.http, owner)
    await cp.http.post('/api/v1/agent/register', { bootstrapToken: environment.bootstrapToken })
    const twoMinutesAgo = new Date(Date.now() - 120_000)
    await cp.prisma.hybridCloudEnvironment.update({ where: { id: environment.id }, data: { lastSeenAt: twoMinutesAgo } })
    const waiting = await cp.prisma.backup.create({
      data: {
        accountId: owner.accountId, clusterId: crypto.randomUUID(), clusterName: 'gone', environmentId: environment.id,
        jobId: `backup-${crypto.randomUUID()}`, retentionDays: 1, expiresAt: new Date(Date.now() + 86_400_000), createdAt: twoMinutesAgo,
      },
    })
    const failed = await waitForBackup(cp.http, owner, waiting.id, (b) => b.status === 'FAILED', 15_000)
    assert.match(failed.statusReason, /agent has been offline for more than 1 minute/)

    const refused = await cp.http.delete(environmentsPath(owner, environment.id), { token: owner.token })
    assert.equal(refused.status, 409)
    assert.match(refused.body.detail, /still keeps 1 backup/)
    assert.equal((await cp.http.delete(backupsPath(owner, waiting.id), { token: owner.token })).status, 202)
    assert.equal((await cp.http.delete(environmentsPath(owner, environment.id), { token: owner.token })).status, 204)
    assert.equal((await cp.http.get(backupsPath(owner, waiting.id), { token: owner.token })).status, 404, 'a DELETING backup goes with its environment')
  })
})
