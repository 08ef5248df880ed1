import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { JobQueue } from '../apps/control-plane/src/jobs/job-queue'
import { withBackupLock } from '../apps/control-plane/src/modules/backups/cluster-lock'
import { backUp, backupsPath, clusterBackupsPath, clusterData, damageFile, restoreBackup, seedCollections, waitForBackup } from './support/backups'
import { clusterPath, createHealthyCluster, dataAccessToken, qdrant, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { createKey, createRole } from './support/iam'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane({ BACKUP_RETENTION_INTERVAL_MS: '1000' }, { worker: true })
})
after(() => cp.close())

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const storedFile = (owner: TestUser, backupId: string, node: number, collection: string) =>
  path.join(cp.dataDir, 'backups', owner.accountId, backupId, `node-${node}`, `${collection}.snapshot`)

async function manageClient(owner: TestUser, clusterId: string) {
  const { token, endpoint } = await dataAccessToken(cp.http, owner, clusterId, 'm')
  return qdrant(endpoint.url, token)
}

describe('backup and restore', () => {
  let owner: TestUser
  let cluster: { id: string; name: string }
  let backup: any
  let kept: any
  let deletedClusterData: unknown

  before(async () => {
    owner = await signUp(cp.http)
    cluster = await createHealthyCluster(cp.http, owner)
  })

  it('copies every collection into the backup store, checked against the node\'s checksums, leaving no snapshot behind', async () => {
    const client = await manageClient(owner, cluster.id)
    await seedCollections(client)
    backup = await backUp(cp.http, owner, cluster.id, { retentionDays: 3 })
    assert.equal(backup.clusterId, cluster.id)
    assert.equal(backup.clusterName, cluster.name)
    assert.equal(backup.scheduleId, null)
    assert.deepEqual(backup.collections.map((c: any) => c.name), ['events', 'products', 'users'])
    for (const c of backup.collections) {
      assert.equal(c.node, 0)
      assert.equal(sha256(storedFile(owner, backup.id, 0, c.name)), c.checksum)
      assert.equal(readFileSync(storedFile(owner, backup.id, 0, c.name)).length, c.sizeBytes)
      assert.deepEqual(await client.listSnapshots(c.name), [], 'the node keeps no copy')
    }
    assert.equal(backup.sizeBytes, backup.collections.reduce((n: number, c: any) => n + c.sizeBytes, 0))
    const retention = Date.parse(backup.expiresAt) - Date.parse(backup.createdAt)
    assert.ok(Math.abs(retention - 3 * 86_400_000) < 5000, `expires ${backup.expiresAt}`)
    assert.ok(Date.parse(backup.completedAt) >= Date.parse(backup.startedAt))

    const listed = await cp.http.get(`${backupsPath(owner)}?clusterId=${cluster.id}`, { token: owner.token })
    assert.deepEqual(listed.body.items.map((b: any) => b.id), [backup.id])
    const none = await cp.http.get(`${backupsPath(owner)}?clusterId=${crypto.randomUUID()}`, { token: owner.token })
    assert.deepEqual(none.body.items, [])
  })

  it('restores exactly the backed-up state after deletes, overwrites, a dropped and a new collection', async () => {
    const client = await manageClient(owner, cluster.id)
    const expected = await clusterData(client)

    await client.delete('products', { wait: true, points: Array.from({ length: 150 }, (_, i) => i + 1) })
    await client.upsert('products', { wait: true, points: [{ id: 7_000, vector: [1, 1, 1, 1, 1, 1, 1, 1], payload: { tag: 'new' } }] })
    await client.overwritePayload('users', { wait: true, payload: { email: 'overwritten' }, points: ['00000000-0000-4000-8000-000000000003'] })
    await client.upsert('users', { wait: true, points: [{ id: '00000000-0000-4000-8000-000000000004', vector: [9, 9, 9, 9], payload: { moved: true } }] })
    await client.deleteCollection('events')
    await client.createCollection('scratch', { vectors: { size: 2, distance: 'Dot' } })
    assert.notDeepEqual(await clusterData(client), expected)

    const res = await cp.http.post(`${backupsPath(owner, backup.id)}/restore`, undefined, { token: owner.token })
    assert.equal(res.status, 202, JSON.stringify(res.body))
    assert.equal(res.body.lastRestore.status, 'PENDING')
    assert.equal(res.body.lastRestore.clusterId, cluster.id)
    assert.equal((await cp.http.get(clusterPath(owner, cluster.id), { token: owner.token })).body.status, 'UPDATING')
    assert.equal((await cp.http.post(`${backupsPath(owner, backup.id)}/restore`, {}, { token: owner.token })).status, 409, 'one restore at a time')
    assert.equal((await cp.http.post(clusterBackupsPath(owner, cluster.id), {}, { token: owner.token })).status, 409, 'no backup of a cluster being restored')

    const done = await waitForBackup(cp.http, owner, backup.id, (b) => b.lastRestore.status === 'SUCCEEDED' || b.lastRestore.status === 'FAILED')
    assert.equal(done.lastRestore.status, 'SUCCEEDED', done.lastRestore.statusReason)
    assert.ok(done.lastRestore.completedAt)
    await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.deepEqual(await clusterData(await manageClient(owner, cluster.id)), expected)
  })

  it('detects a damaged stored file at restore: FAILED with the reason, the cluster untouched and HEALTHY', async () => {
    const client = await manageClient(owner, cluster.id)
    const damaged = await backUp(cp.http, owner, cluster.id)
    await client.upsert('products', { wait: true, points: [{ id: 8_000, vector: [2, 2, 2, 2, 2, 2, 2, 2], payload: { tag: 'after' } }] })
    await client.createCollection('later', { vectors: { size: 2, distance: 'Dot' } })
    const current = await clusterData(client)

    damageFile(storedFile(owner, damaged.id, 0, 'products'))

    const restore = await restoreBackup(cp.http, owner, damaged.id)
    assert.equal(restore.status, 'FAILED')
    assert.match(restore.statusReason!, /stored snapshot of collection products \(node 0\) is damaged, so nothing was restored: .*checksum mismatch/)
    const after_ = await cp.http.get(backupsPath(owner, damaged.id), { token: owner.token })
    assert.equal(after_.body.status, 'FAILED')
    assert.match(after_.body.statusReason, /damaged/)
    const healthy = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.equal(healthy.statusReason, null)
    assert.deepEqual(await clusterData(client), current, 'nothing on the cluster changed')
    const again = await cp.http.post(`${backupsPath(owner, damaged.id)}/restore`, undefined, { token: owner.token })
    assert.equal(again.status, 409, 'a damaged backup is not restored again')
  })

  it('deletes a backup with its stored files; a deleted backup is gone', async () => {
    const extra = await backUp(cp.http, owner, cluster.id)
    const dir = path.join(cp.dataDir, 'backups', owner.accountId, extra.id)
    assert.ok(existsSync(dir))
    assert.equal((await cp.http.delete(backupsPath(owner, extra.id), { token: owner.token })).status, 204)
    assert.ok(!existsSync(dir))
    assert.equal((await cp.http.get(backupsPath(owner, extra.id), { token: owner.token })).status, 404)
    assert.equal((await cp.http.delete(backupsPath(owner, extra.id), { token: owner.token })).status, 404)
  })

  it('keeps the backups of a deleted cluster until they expire; restoring into it is refused with what to do instead', async () => {
    const other = await createHealthyCluster(cp.http, owner)
    const client = await manageClient(owner, other.id)
    await client.createCollection('kept', { vectors: { size: 2, distance: 'Dot' } })
    await client.upsert('kept', { wait: true, points: [{ id: 1, vector: [1, 2], payload: { a: 1 } }, { id: 2, vector: [3, 4], payload: { b: [1, 2] } }] })
    deletedClusterData = await clusterData(client)
    kept = await backUp(cp.http, owner, other.id)
    await cp.http.delete(clusterPath(owner, other.id), { token: owner.token })
    await waitForCluster(cp.http, owner, other.id, 'GONE')
    const still = await cp.http.get(backupsPath(owner, kept.id), { token: owner.token })
    assert.equal(still.status, 200)
    assert.equal(still.body.clusterId, other.id)
    assert.ok(existsSync(storedFile(owner, kept.id, 0, 'kept')))
    const refused = await cp.http.post(`${backupsPath(owner, kept.id)}/restore`, undefined, { token: owner.token })
    assert.equal(refused.status, 409)
    assert.match(refused.body.detail, /was deleted; create a cluster from the backup/)
  })

  it('creates a cluster from a backup: CREATING until the backup is restored into it, then HEALTHY with its data', async () => {
    const failed = (await cp.http.get(`${backupsPath(owner)}?clusterId=${cluster.id}`, { token: owner.token })).body.items.find((b: any) => b.status === 'FAILED')
    assert.equal((await cp.http.post(clusterPath(owner), { name: 'from-nothing', fromBackupId: crypto.randomUUID() }, { token: owner.token })).status, 404)
    assert.equal((await cp.http.post(clusterPath(owner), { name: 'from-damaged', fromBackupId: failed.id }, { token: owner.token })).status, 409)
    assert.equal((await cp.http.post(clusterPath(owner), { name: 'from-bad', fromBackupId: 'x' }, { token: owner.token })).status, 400)

    const res = await cp.http.post(clusterPath(owner), { name: 'reborn', fromBackupId: kept.id }, { token: owner.token })
    assert.equal(res.status, 202, JSON.stringify(res.body))
    assert.equal(res.body.status, 'CREATING')
    const early = await cp.http.delete(backupsPath(owner, kept.id), { token: owner.token })
    assert.equal(early.status, 409, 'the backup is kept while a cluster is being created from it')
    assert.match(early.body.detail, /being created from this backup/)
    const reborn = await waitForCluster(cp.http, owner, res.body.id, 'HEALTHY')
    assert.deepEqual(await clusterData(await manageClient(owner, reborn.id)), deletedClusterData)
    const restored = (await cp.http.get(backupsPath(owner, kept.id), { token: owner.token })).body.lastRestore
    assert.equal(restored.clusterId, reborn.id)
    assert.equal(restored.status, 'SUCCEEDED')
  })

  it('restores into another cluster when asked: its collections become exactly those of the backup', async () => {
    assert.notDeepEqual(await clusterData(await manageClient(owner, cluster.id)), deletedClusterData)
    assert.equal((await cp.http.post(`${backupsPath(owner, kept.id)}/restore`, { clusterId: crypto.randomUUID() }, { token: owner.token })).status, 404)
    const restore = await restoreBackup(cp.http, owner, kept.id, { clusterId: cluster.id })
    assert.equal(restore.status, 'SUCCEEDED', restore.statusReason ?? undefined)
    assert.equal(restore.clusterId, cluster.id)
    await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.deepEqual(await clusterData(await manageClient(owner, cluster.id)), deletedClusterData)
  })
})

describe('retention', () => {
  it('deletes expired backups with their files, and stored files that no backup owns', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    await (await manageClient(owner, cluster.id)).createCollection('c', { vectors: { size: 2, distance: 'Dot' } })
    const expiring = await backUp(cp.http, owner, cluster.id, { retentionDays: 1 })
    const lasting = await backUp(cp.http, owner, cluster.id, { retentionDays: 1 })
    const orphan = path.join(cp.dataDir, 'backups', owner.accountId, crypto.randomUUID())
    mkdirSync(path.join(orphan, 'node-0'), { recursive: true })
    writeFileSync(path.join(orphan, 'node-0', 'c.snapshot'), 'left by a deleted account')
    await cp.prisma.backup.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } })

    const deadline = Date.now() + 15_000
    while ((await cp.http.get(backupsPath(owner, expiring.id), { token: owner.token })).status !== 404 && Date.now() < deadline) await sleep(200)
    assert.equal((await cp.http.get(backupsPath(owner, expiring.id), { token: owner.token })).status, 404)
    assert.ok(!existsSync(path.join(cp.dataDir, 'backups', owner.accountId, expiring.id)))
    while (existsSync(orphan) && Date.now() < deadline) await sleep(200)
    assert.ok(!existsSync(orphan))
    assert.equal((await cp.http.get(backupsPath(owner, lasting.id), { token: owner.token })).body.status, 'SUCCEEDED')
    assert.deepEqual(readdirSync(path.join(cp.dataDir, 'backups', owner.accountId)), [lasting.id])
  })

  it('fails a backup whose job is gone, so nothing stays PENDING forever', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    const lost = await cp.prisma.backup.create({
      data: { accountId: owner.accountId, clusterId: cluster.id, clusterName: 'x', jobId: `lost-${crypto.randomUUID()}`, retentionDays: 1, expiresAt: new Date(Date.now() + 86_400_000), createdAt: new Date(Date.now() - 120_000) },
    })
    const failed = await waitForBackup(cp.http, owner, lost.id, (b) => b.status === 'FAILED', 15_000)
    assert.match(failed.statusReason, /job stopped before it finished/)
  })
})

describe('backup input and access', () => {
  it('validates retention and the cluster; a POST without a body takes the defaults', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    for (const body of [{ retentionDays: 0 }, { retentionDays: 366 }, { retentionDays: 'x' }, { retentionDays: 1.5 }, { other: 1 }]) {
      const res = await cp.http.post(clusterBackupsPath(owner, cluster.id), body, { token: owner.token })
      assert.equal(res.status, 400, JSON.stringify(body))
    }
    assert.equal((await cp.http.request('POST', clusterBackupsPath(owner, cluster.id), { token: owner.token, rawBody: '[1]', headers: { 'content-type': 'application/json' } })).status, 400)
    assert.equal((await cp.http.post(clusterBackupsPath(owner, crypto.randomUUID()), {}, { token: owner.token })).status, 404)
    assert.equal((await cp.http.get(backupsPath(owner, 'not-a-uuid'), { token: owner.token })).status, 400)
    assert.equal((await cp.http.get(`${backupsPath(owner)}?clusterId=nope`, { token: owner.token })).status, 400)
    const plain = await backUp(cp.http, owner, cluster.id)
    assert.equal(plain.retentionDays, 7)
    assert.deepEqual(plain.collections, [])
  })

  it('replays an idempotent backup request instead of making a second backup', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    const headers = { 'idempotency-key': crypto.randomUUID() }
    const first = await cp.http.post(clusterBackupsPath(owner, cluster.id), { retentionDays: 2 }, { token: owner.token, headers })
    const second = await cp.http.post(clusterBackupsPath(owner, cluster.id), { retentionDays: 2 }, { token: owner.token, headers })
    assert.equal(first.status, 202)
    assert.equal(second.body.id, first.body.id)
    assert.equal((await cp.http.get(backupsPath(owner), { token: owner.token })).body.items.length, 1)
  })

  it('a restore needs both write:backups and write:clusters', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    const backup = await backUp(cp.http, owner, cluster.id)
    const restore = `${backupsPath(owner, backup.id)}/restore`
    for (const [permissions, missing] of [
      [['write:backups'], ['write:clusters']],
      [['write:clusters'], ['write:backups']],
      [['read:backups', 'read:clusters'], ['write:backups', 'write:clusters']],
    ]) {
      const { key } = await createKey(cp.http, owner, [(await createRole(cp.http, owner, permissions)).id])
      const res = await cp.http.post(restore, undefined, { apikey: key })
      assert.equal(res.status, 403, permissions.join())
      assert.deepEqual(res.body.missingPermissions, missing)
    }
    assert.equal((await cp.http.get(clusterPath(owner, cluster.id), { token: owner.token })).body.status, 'HEALTHY', 'nothing was started')
    const { key } = await createKey(cp.http, owner, [(await createRole(cp.http, owner, ['write:backups', 'write:clusters'])).id])
    const res = await cp.http.post(restore, undefined, { apikey: key })
    assert.equal(res.status, 202, JSON.stringify(res.body))
    const done = await waitForBackup(cp.http, owner, backup.id, (b) => b.lastRestore.status === 'SUCCEEDED')
    assert.equal(done.lastRestore.id, res.body.lastRestore.id)
  })
})

describe('the backup lock', () => {
  it('makes backups and restores of one cluster take turns, and holds up no other cluster', async () => {
    const url = cp.workerEnv.DATABASE_URL
    const [one, two] = [crypto.randomUUID(), crypto.randomUUID()]
    const events: string[] = []
    const hold = (name: string, clusterId: string, ms: number) =>
      withBackupLock(url, clusterId, async () => {
        events.push(`${name}+`)
        await sleep(ms)
        events.push(`${name}-`)
      })
    const first = hold('a', one, 400)
    await sleep(100)
    await Promise.all([first, hold('b', one, 0), hold('other', two, 0)])
    assert.deepEqual(events, ['a+', 'other+', 'other-', 'a-', 'b+', 'b-'])
  })
})

describe('the job queue', () => {
  it('runs backups.retention on its own schedule', async () => {
    const schedulers = await cp.app.get(JobQueue).queue.getJobSchedulers(0, -1)
    const retention = schedulers.find((s) => s.key === 'backups.retention')
    assert.equal(retention?.every, 1000)
  })
})
