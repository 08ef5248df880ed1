import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { agentProcesses, waitForEnvironment } from './support/agents'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { clusterPath, qdrant, waitForCluster } from './support/clusters'
import { createKey, createRole } from './support/iam'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
let agents: ReturnType<typeof agentProcesses>
before(async () => {
  cp = await startControlPlane({ AGENT_SILENCE_SECONDS: '2' })
  agents = agentProcesses(cp.url)
})
after(async () => {
  await agents.stopAll()
  await cp.close()
})

const startAgent = (env: Record<string, string>, dataDir?: string) => agents.start(env, dataDir)
const waitForStatus = (owner: TestUser, environmentId: string, status: string) => waitForEnvironment(cp.http, owner, environmentId, status)

describe('hybrid cloud environments', () => {
  it('creates an environment with a bootstrap token shown once and the command that starts an agent', async () => {
    const owner = await signUp(cp.http)
    const path_ = `/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments`
    const created = await cp.http.post(path_, { name: 'frankfurt' }, { token: owner.token })
    assert.equal(created.status, 201)
    assert.equal(created.body.status, 'PENDING')
    assert.match(created.body.bootstrapToken, /^qvb_/)
    assert.ok(created.body.agentCommand.includes(`QUIVER_AGENT_BOOTSTRAP_TOKEN=${created.body.bootstrapToken}`))
    assert.ok(created.body.agentCommand.includes('npm run start:agent'))
    const listed = await cp.http.get(path_, { token: owner.token })
    assert.equal(listed.body.items[0].bootstrapToken, undefined)
    const row = await cp.prisma.hybridCloudEnvironment.findUniqueOrThrow({ where: { id: created.body.id } })
    assert.notEqual(row.bootstrapTokenHash, created.body.bootstrapToken)
    assert.equal((await cp.http.patch(`${path_}/${created.body.id}`, { name: 'fra-1' }, { token: owner.token })).body.name, 'fra-1')
    assert.equal((await cp.http.post(path_, { name: 'fra-1' }, { token: owner.token })).status, 409)
  })

  it('an agent exchanges the bootstrap token once, shows CONNECTED, then DISCONNECTED when it stops', async () => {
    const owner = await signUp(cp.http)
    const created = await cp.http.post(`/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments`, { name: 'edge' }, { token: owner.token })
    const { agent, dir } = startAgent({ QUIVER_AGENT_BOOTSTRAP_TOKEN: created.body.bootstrapToken })
    await agent.waitFor(/registered with environment/)
    const connected = await waitForStatus(owner, created.body.id, 'CONNECTED')
    assert.ok(connected.lastSeenAt)
    // the bootstrap token stopped working
    const reuse = await cp.http.post('/api/v1/agent/register', { bootstrapToken: created.body.bootstrapToken })
    assert.equal(reuse.status, 401)
    await agent.stop()
    await waitForStatus(owner, created.body.id, 'DISCONNECTED')
    // a restart needs no bootstrap token: the agent kept its own credential
    const again = startAgent({}, dir)
    await again.agent.waitFor(/agent started/)
    await waitForStatus(owner, created.body.id, 'CONNECTED')
    await again.agent.stop()
  })

  it('an agent whose environment was deleted is refused (401) and exits', async () => {
    const owner = await signUp(cp.http)
    const created = await cp.http.post(`/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments`, { name: 'doomed' }, { token: owner.token })
    const { agent } = startAgent({ QUIVER_AGENT_BOOTSTRAP_TOKEN: created.body.bootstrapToken })
    await waitForStatus(owner, created.body.id, 'CONNECTED')
    assert.equal((await cp.http.delete(`/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments/${created.body.id}`, { token: owner.token })).status, 204)
    const { code } = await agent.waitFor(/$^/, 10_000)
    assert.equal(code, 3)
    assert.match(agent.output(), /refused this agent/)
  })

  it('refuses agent calls without a valid credential, and bad bootstrap tokens', async () => {
    assert.equal((await cp.http.post('/api/v1/agent/heartbeat', {})).status, 401)
    assert.equal((await cp.http.post('/api/v1/agent/heartbeat', {}, { token: 'qva_forged' })).status, 401)
    assert.equal((await cp.http.post('/api/v1/agent/register', { bootstrapToken: `qvb_${'a'.repeat(43)}` })).status, 401)
    assert.equal((await cp.http.post('/api/v1/agent/register', { bootstrapToken: 'nope' })).status, 400)
  })

  it('opens each route to exactly its permission', async () => {
    const owner = await signUp(cp.http)
    const base = `/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments`
    const key = async (p: string) => (await createKey(cp.http, owner, [(await createRole(cp.http, owner, [p])).id])).key
    const reader = await key('read:hybrid_cloud_environments')
    const writer = await key('write:hybrid_cloud_environments')
    const deleter = await key('delete:hybrid_cloud_environments')
    assert.equal((await cp.http.post(base, { name: 'r' }, { apikey: reader })).status, 403)
    const made = await cp.http.post(base, { name: 'w' }, { apikey: writer })
    assert.equal(made.status, 201)
    assert.equal((await cp.http.get(base, { apikey: reader })).status, 200)
    assert.equal((await cp.http.get(base, { apikey: deleter })).status, 403)
    assert.equal((await cp.http.delete(`${base}/${made.body.id}`, { apikey: writer })).status, 403)
    assert.equal((await cp.http.delete(`${base}/${made.body.id}`, { apikey: deleter })).status, 204)
    const stranger = await signUp(cp.http)
    assert.equal((await cp.http.get(base, { token: stranger.token })).status, 404)
  })
})

describe('a cluster in a hybrid cloud environment', () => {
  it('is run by the agent, reached with a database API key, and adopted without data loss after the agent restarts', async () => {
    const owner = await signUp(cp.http)
    const env = await cp.http.post(`/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments`, { name: 'on-prem' }, { token: owner.token })
    const { agent, dir } = startAgent({ QUIVER_AGENT_BOOTSTRAP_TOKEN: env.body.bootstrapToken })
    await waitForStatus(owner, env.body.id, 'CONNECTED')

    const created = await cp.http.post(clusterPath(owner), { name: 'sovereign', environmentId: env.body.id }, { token: owner.token })
    assert.equal(created.status, 202)
    assert.equal(created.body.environmentId, env.body.id)
    const healthy = await waitForCluster(cp.http, owner, created.body.id, 'HEALTHY', 30_000)
    assert.ok(healthy.endpoint.url)
    // the node runs under the agent's data directory, not the control plane's
    assert.ok(!existsSync(path.join(cp.dataDir, 'clusters', created.body.id)))
    assert.ok(existsSync(path.join(dir, 'nodes', 'clusters', created.body.id)))

    const key = await cp.http.post(`${clusterPath(owner, created.body.id)}/api-keys`, { name: 'app' }, { token: owner.token })
    assert.equal(key.status, 201)
    const client = qdrant(healthy.endpoint.url, key.body.key)
    await client.createCollection('docs', { vectors: { size: 3, distance: 'Euclid' } })
    await client.upsert('docs', { wait: true, points: [1, 2, 3].map((id) => ({ id, vector: [id, 0, 1], payload: { id } })) })

    // deleting an environment that still has clusters is refused
    assert.equal((await cp.http.delete(`/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments/${env.body.id}`, { token: owner.token })).status, 409)

    await agent.stop()
    await waitForStatus(owner, env.body.id, 'DISCONNECTED')
    assert.equal((await client.count('docs', { exact: true })).count, 3, 'the cluster keeps serving without its agent')

    const again = startAgent({}, dir)
    await waitForStatus(owner, env.body.id, 'CONNECTED')
    await sleep(1000) // a few heartbeats: the agent re-adopts its running node
    const after_ = await cp.http.get(clusterPath(owner, created.body.id), { token: owner.token })
    assert.equal(after_.body.status, 'HEALTHY')
    assert.equal(after_.body.endpoint.url, healthy.endpoint.url, 'the same node, adopted')
    assert.equal((await client.count('docs', { exact: true })).count, 3)

    // a revoked key reaches the nodes through the agent (the control plane never connects in)
    assert.equal((await cp.http.delete(`${clusterPath(owner, created.body.id)}/api-keys/${key.body.id}`, { token: owner.token })).status, 204)
    let refused = 0
    for (let i = 0; i < 50 && refused !== 403; i++) {
      await sleep(100)
      refused = await client.getCollections().then(() => 200, (e: { status?: number }) => e.status ?? -1)
    }
    assert.equal(refused, 403)

    await cp.http.delete(clusterPath(owner, created.body.id), { token: owner.token })
    await waitForCluster(cp.http, owner, created.body.id, 'GONE', 30_000)
    assert.ok(!existsSync(path.join(dir, 'nodes', 'clusters', created.body.id)))
    await again.agent.stop()
  })
})
