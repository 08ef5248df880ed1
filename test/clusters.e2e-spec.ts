import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { clusterPath, createHealthyCluster, dataAccessToken, qdrant, statusOf, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { createKey, createRole } from './support/iam'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane({ RECONCILE_INTERVAL_MS: '1000' }, { worker: true })
})
after(() => cp.close())

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const nodesOf = (clusterId: string) => cp.prisma.clusterNode.findMany({ where: { clusterId }, orderBy: { ordinal: 'asc' } })

async function seed(url: string, token: string, collection = 'products', points = 20) {
  const client = qdrant(url, token)
  await client.createCollection(collection, { vectors: { size: 4, distance: 'Cosine' } })
  await client.upsert(collection, {
    wait: true,
    points: Array.from({ length: points }, (_, i) => ({ id: i + 1, vector: [i + 1, 1, 0.5, (i % 3) + 0.1], payload: { tenant: i % 2 ? 'a' : 'b', n: i } })),
  })
  return client
}

describe('cluster lifecycle', () => {
  let owner: TestUser
  let cluster: { id: string; endpoint: { url: string } }
  before(async () => {
    owner = await signUp(cp.http)
    cluster = await createHealthyCluster(cp.http, owner)
  })

  it('runs a real node reachable with Qdrant\'s client: a manage token writes, a read token only reads', async () => {
    assert.match(cluster.endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const manage = await dataAccessToken(cp.http, owner, cluster.id, 'm')
    assert.equal(manage.endpoint.url, cluster.endpoint.url)
    await seed(cluster.endpoint.url, manage.token)
    const read = await dataAccessToken(cp.http, owner, cluster.id, 'r')
    const reader = qdrant(cluster.endpoint.url, read.token)
    const hits = await reader.query('products', { query: [1, 1, 0.5, 0.1], limit: 3 })
    assert.equal(hits.points.length, 3)
    assert.equal(await statusOf(reader.upsert('products', { wait: true, points: [{ id: 99, vector: [1, 2, 3, 4] }] })), 403)
    assert.equal(await statusOf(qdrant(cluster.endpoint.url).getCollections()), 401)
    assert.equal(await statusOf(qdrant(cluster.endpoint.url, 'not-a-token').getCollections()), 401)
  })

  it('refuses a manage token to a member holding only read:cluster_data', async () => {
    const role = await createRole(cp.http, owner, ['read:cluster_data'])
    const { key } = await createKey(cp.http, owner, [role.id])
    const path_ = `${clusterPath(owner, cluster.id)}/data-access-token`
    assert.equal((await cp.http.post(path_, { access: 'r' }, { apikey: key })).status, 201)
    const denied = await cp.http.post(path_, { access: 'm' }, { apikey: key })
    assert.equal(denied.status, 403)
    assert.deepEqual(denied.body.missingPermissions, ['write:cluster_data'])
  })

  it('mints database API keys scoped by collection and by payload, and revokes them within a second', async () => {
    const keys = `${clusterPath(owner, cluster.id)}/api-keys`
    const scoped = await cp.http.post(keys, { name: 'products rw', accessRules: [{ type: 'collection', collection: 'prod*', access: 'rw' }] }, { token: owner.token })
    assert.equal(scoped.status, 201, JSON.stringify(scoped.body))
    const tenant = await cp.http.post(
      keys,
      { name: 'tenant a', expiresInDays: null, accessRules: [{ type: 'collection', collection: 'products', access: 'prw', payload: { tenant: 'a' } }] },
      { token: owner.token },
    )
    assert.equal(tenant.status, 201)
    assert.equal(tenant.body.expiresAt, null)

    const scopedClient = qdrant(cluster.endpoint.url, scoped.body.key)
    assert.equal(await statusOf(scopedClient.upsert('products', { wait: true, points: [{ id: 50, vector: [1, 1, 1, 1], payload: { tenant: 'b' } }] })), 200)
    assert.equal(await statusOf(scopedClient.createCollection('elsewhere', { vectors: { size: 4, distance: 'Dot' } })), 403)

    const tenantClient = qdrant(cluster.endpoint.url, tenant.body.key)
    const { points } = await tenantClient.scroll('products', { limit: 100, with_payload: true })
    assert.ok(points.length > 0)
    assert.ok(points.every((p) => (p.payload as { tenant: string }).tenant === 'a'))
    assert.equal(await statusOf(tenantClient.upsert('products', { wait: true, points: [{ id: 60, vector: [1, 1, 1, 1], payload: { tenant: 'b' } }] })), 403)

    const listed = await cp.http.get(keys, { token: owner.token })
    assert.equal(listed.body.items.length, 2)
    assert.ok(!JSON.stringify(listed.body).includes(tenant.body.key))
    assert.equal(listed.body.items[0].suffix, scoped.body.key.slice(-6))

    assert.equal((await cp.http.delete(`${keys}/${tenant.body.id}`, { token: owner.token })).status, 204)
    const started = Date.now()
    let status = 200
    while (status !== 403 && Date.now() - started < 1000) status = await statusOf(tenantClient.getCollections())
    assert.equal(status, 403, 'the revoked key is refused within a second')
    assert.equal(await statusOf(scopedClient.getCollection('products')), 200, 'other keys keep working')
  })

  it('heals a node killed with SIGKILL, data intact, within 30 s', async () => {
    const manage = await dataAccessToken(cp.http, owner, cluster.id, 'm')
    const before_ = (await qdrant(cluster.endpoint.url, manage.token).count('products', { exact: true })).count
    const [node] = await nodesOf(cluster.id)
    process.kill(node.pid!, 'SIGKILL')
    const killedAt = Date.now()
    let healed = false
    while (!healed && Date.now() - killedAt < 30_000) {
      await sleep(250)
      const [now] = await nodesOf(cluster.id)
      healed = now.pid !== node.pid && alive(now.pid!) && (await statusOf(qdrant(cluster.endpoint.url, manage.token).getCollections())) === 200
    }
    assert.ok(healed, 'the node came back')
    assert.equal((await cp.http.get(clusterPath(owner, cluster.id), { token: owner.token })).body.status, 'HEALTHY')
    assert.equal((await qdrant(cluster.endpoint.url, manage.token).count('products', { exact: true })).count, before_)
  })

  it('scales out and back, suspends with the data kept, resumes, refuses invalid transitions', async () => {
    const scaled = await cp.http.patch(clusterPath(owner, cluster.id), { nodes: 2 }, { token: owner.token })
    assert.equal(scaled.status, 202)
    assert.equal(scaled.body.status, 'UPDATING')
    const two = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.equal(two.nodes, 2)
    assert.match(two.topology, /own process/)
    const nodes = await nodesOf(cluster.id)
    assert.equal(nodes.length, 2)
    assert.ok(nodes.every((n) => alive(n.pid!)))
    await cp.http.patch(clusterPath(owner, cluster.id), { nodes: 1 }, { token: owner.token })
    await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.ok(!alive(nodes[1].pid!), 'the removed node is stopped')

    const [node] = await nodesOf(cluster.id)
    assert.equal((await cp.http.post(`${clusterPath(owner, cluster.id)}/suspend`, undefined, { token: owner.token })).status, 202)
    const suspended = await waitForCluster(cp.http, owner, cluster.id, 'SUSPENDED')
    assert.equal(suspended.endpoint, null)
    assert.ok(!alive(node.pid!))
    assert.equal((await cp.http.patch(clusterPath(owner, cluster.id), { nodes: 3 }, { token: owner.token })).status, 409)
    assert.equal((await cp.http.post(`${clusterPath(owner, cluster.id)}/suspend`, undefined, { token: owner.token })).status, 409)
    assert.equal((await cp.http.post(`${clusterPath(owner, cluster.id)}/resume`, undefined, { token: owner.token })).status, 202)
    const resumed = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    const manage = await dataAccessToken(cp.http, owner, cluster.id, 'm')
    assert.ok((await qdrant(resumed.endpoint.url, manage.token).count('products', { exact: true })).count >= 20, 'the data survived')
  })

  it('deletes: DELETING, then gone, with its processes and data', async () => {
    const nodes = await nodesOf(cluster.id)
    const res = await cp.http.delete(clusterPath(owner, cluster.id), { token: owner.token })
    assert.equal(res.status, 202)
    assert.equal(res.body.status, 'DELETING')
    await waitForCluster(cp.http, owner, cluster.id, 'GONE')
    assert.ok(nodes.every((n) => !alive(n.pid!)))
    assert.ok(!existsSync(path.join(cp.dataDir, 'clusters', cluster.id)))
  })
})

describe('signing key rotation', () => {
  it('keeps the previous key valid for the grace period, re-issues keys, then drops the previous key', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    const keys = `${clusterPath(owner, cluster.id)}/api-keys`
    const old = await cp.http.post(keys, { name: 'app' }, { token: owner.token })
    const other = await cp.http.post(keys, { name: 'left alone' }, { token: owner.token })
    await qdrant(cluster.endpoint.url, old.body.key).createCollection('kept', { vectors: { size: 2, distance: 'Dot' } })

    const rotated = await cp.http.post(`${clusterPath(owner, cluster.id)}/rotate-signing-key`, { gracePeriodMinutes: 60 }, { token: owner.token })
    assert.equal(rotated.status, 202)
    assert.equal(rotated.body.status, 'UPDATING')
    const healthy = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    // during the grace period both generations of tokens work
    assert.equal(await statusOf(qdrant(healthy.endpoint.url, old.body.key).getCollection('kept')), 200)
    const fresh = await dataAccessToken(cp.http, owner, cluster.id, 'r')
    assert.equal(await statusOf(qdrant(healthy.endpoint.url, fresh.token).getCollection('kept')), 200)

    const reissued = await cp.http.post(`${keys}/${old.body.id}/reissue`, undefined, { token: owner.token })
    assert.equal(reissued.status, 201)
    assert.notEqual(reissued.body.key, old.body.key)
    assert.equal(await statusOf(qdrant(healthy.endpoint.url, reissued.body.key).getCollection('kept')), 200)

    // the grace period ends: the nodes drop the previous key
    await cp.prisma.cluster.update({ where: { id: cluster.id }, data: { previousKeyExpiresAt: new Date(Date.now() - 1000) } })
    const deadline = Date.now() + 20_000
    let oldStatus = 200
    while (oldStatus === 200 && Date.now() < deadline) {
      await sleep(250)
      const now = await cp.http.get(clusterPath(owner, cluster.id), { token: owner.token })
      if (now.body.status === 'HEALTHY' && now.body.endpoint) oldStatus = await statusOf(qdrant(now.body.endpoint.url, other.body.key).getCollection('kept'))
    }
    assert.equal(oldStatus, 403, 'a token signed with the dropped key is refused')
    const after_ = await waitForCluster(cp.http, owner, cluster.id, 'HEALTHY')
    assert.equal(await statusOf(qdrant(after_.endpoint.url, reissued.body.key).getCollection('kept')), 200, 'the re-issued key works')

    // deleting a re-issued key revokes both of its tokens
    assert.equal((await cp.http.delete(`${keys}/${old.body.id}`, { token: owner.token })).status, 204)
    assert.equal(await statusOf(qdrant(after_.endpoint.url, reissued.body.key).getCollection('kept')), 403)
    await cp.http.delete(clusterPath(owner, cluster.id), { token: owner.token })
  })
})

describe('deleting an account', () => {
  it('tears down its clusters: node processes stopped, data removed', async () => {
    const owner = await signUp(cp.http)
    const cluster = await createHealthyCluster(cp.http, owner)
    const nodes = await nodesOf(cluster.id)
    assert.equal((await cp.http.delete(`/api/v1/accounts/${owner.accountId}`, { token: owner.token })).status, 202)
    const deadline = Date.now() + 20_000
    while (nodes.some((n) => alive(n.pid!)) && Date.now() < deadline) await sleep(200)
    assert.ok(nodes.every((n) => !alive(n.pid!)), 'its nodes are stopped')
    assert.ok(!existsSync(path.join(cp.dataDir, 'clusters', cluster.id)), 'its data is removed')
  })
})

describe('a cluster that cannot start', () => {
  it('shows FAILED with the reason from the node, and can still be deleted', async () => {
    const script = path.join(cp.dataDir, 'broken-node.js')
    writeFileSync(script, "process.stderr.write('license file /etc/quiver/license is missing\\n'); process.exit(3)\n")
    const broken = await startControlPlane({ QUIVER_NODE_ENTRY: script, JOB_ATTEMPTS: '2' }, { worker: true })
    try {
      const owner = await signUp(broken.http)
      const created = await broken.http.post(clusterPath(owner), { name: 'doomed' }, { token: owner.token })
      const failed = await waitForCluster(broken.http, owner, created.body.id, 'FAILED', 20_000)
      assert.match(failed.statusReason, /exited at start-up: license file \/etc\/quiver\/license is missing/)
      assert.equal(failed.endpoint, null)
      assert.equal((await broken.http.delete(clusterPath(owner, created.body.id), { token: owner.token })).status, 202)
      await waitForCluster(broken.http, owner, created.body.id, 'GONE', 20_000)
    } finally {
      await broken.close()
    }
  })
})

describe('cluster input', () => {
  it('validates the body and keeps names unique per account', async () => {
    const owner = await signUp(cp.http)
    for (const body of [{}, { name: '' }, { name: 'x', nodes: 0 }, { name: 'x', nodes: 99 }, { name: 'x', resources: { cpu: 0 } }, { name: 'x', extra: 1 }]) {
      assert.equal((await cp.http.post(clusterPath(owner), body, { token: owner.token })).status, 400, JSON.stringify(body))
    }
    await cp.http.post(clusterPath(owner), { name: 'same' }, { token: owner.token })
    assert.equal((await cp.http.post(clusterPath(owner), { name: 'same' }, { token: owner.token })).status, 409)
    assert.equal((await cp.http.get(clusterPath(owner, 'not-a-uuid'), { token: owner.token })).status, 400)
  })
})
