import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { ClusterSpec, LocalProvisioner, NodeRecord } from '@quiver/provisioner'
import { AgentConfig } from './config'
import { AgentState, AgentStateFile } from './agent-state'

interface DesiredCluster {
  id: string
  status: string
  generation: number
  nodeCount: number
  signingKey: string
  previousSigningKey: string | null
  revocations: { jti: string; exp: number | null }[]
}

type Report = { generation: number; state: 'RUNNING' | 'STOPPED' | 'DESTROYED' | 'FAILED'; nodes: { ordinal: number; port: number; url: string }[]; reason?: string }

export class AgentRevoked extends Error {}

/**
 * Runs a hybrid-cloud environment's clusters on this machine. It only ever connects outbound: it pulls
 * the desired clusters with each heartbeat, converges them with the local provisioner, reports back.
 */
export class Agent {
  private readonly stateFile: AgentStateFile
  private readonly state: AgentState
  private readonly provisioner: LocalProvisioner
  private stopped = false

  constructor(
    private readonly config: AgentConfig,
    private readonly log: (message: string) => void,
  ) {
    this.stateFile = new AgentStateFile(config.dataDir)
    this.state = this.stateFile.load()
    this.provisioner = new LocalProvisioner(path.join(config.dataDir, 'nodes'))
  }

  async run(): Promise<void> {
    await this.register()
    while (!this.stopped) {
      try {
        await this.sync()
      } catch (error) {
        if (error instanceof AgentRevoked) throw error
        this.log(`sync failed, retrying: ${(error as Error).message}`)
      }
      await sleep(this.config.heartbeatMs)
    }
  }

  stop() {
    this.stopped = true
  }

  /** Exchanges the bootstrap token once; afterwards the stored credential is used. */
  private async register() {
    if (this.state.credential) return
    if (!this.config.bootstrapToken) throw new Error('no credential yet: set QUIVER_AGENT_BOOTSTRAP_TOKEN for the first start')
    const res = await this.call('POST', '/api/v1/agent/register', { bootstrapToken: this.config.bootstrapToken }, false)
    const { environmentId, credential } = (await res.json()) as { environmentId: string; credential: string }
    this.state.environmentId = environmentId
    this.state.credential = credential
    this.stateFile.save(this.state)
    this.log(`registered with environment ${environmentId}`)
  }

  private async sync() {
    const res = await this.call('POST', '/api/v1/agent/heartbeat')
    const { clusters } = (await res.json()) as { clusters: DesiredCluster[] }
    for (const cluster of clusters) {
      const report = await this.converge(cluster).catch((error: Error) => ({
        generation: cluster.generation, state: 'FAILED' as const, nodes: [], reason: error.message,
      }))
      await this.call('POST', `/api/v1/agent/clusters/${cluster.id}/report`, report)
    }
    // a cluster the control plane no longer knows (its account was deleted) must not run on
    const desired = new Set(clusters.map((c) => c.id))
    for (const [clusterId, { nodes }] of Object.entries(this.state.clusters)) {
      if (desired.has(clusterId)) continue
      await this.provisioner.destroy({ clusterId, signingKey: '', nodes }, nodes)
      delete this.state.clusters[clusterId]
      this.stateFile.save(this.state)
      this.log(`removed cluster ${clusterId}: it no longer exists in the control plane`)
    }
  }

  private async converge(cluster: DesiredCluster): Promise<Report> {
    const known = this.state.clusters[cluster.id]?.nodes ?? []
    const spec: ClusterSpec = { clusterId: cluster.id, signingKey: cluster.signingKey, previousSigningKey: cluster.previousSigningKey, nodes: known }
    const remember = (nodes: NodeRecord[] | undefined) => {
      if (nodes) this.state.clusters[cluster.id] = { nodes }
      else delete this.state.clusters[cluster.id]
      this.stateFile.save(this.state)
    }
    switch (cluster.status) {
      case 'DELETING':
        await this.provisioner.destroy(spec, known)
        remember(undefined)
        return { generation: cluster.generation, state: 'DESTROYED', nodes: [] }
      case 'SUSPENDING':
      case 'SUSPENDED':
        await this.provisioner.stop(spec, known)
        remember(known.map((n) => ({ ...n, pid: null })))
        return { generation: cluster.generation, state: 'STOPPED', nodes: [] }
      case 'FAILED':
        return { generation: cluster.generation, state: 'FAILED', nodes: [], reason: 'waiting for the user to act' }
      default: {
        const extra = known.filter((n) => n.ordinal >= cluster.nodeCount)
        if (extra.length) await this.provisioner.destroy(spec, extra)
        const wanted = Array.from({ length: cluster.nodeCount }, (_, ordinal) => known.find((n) => n.ordinal === ordinal) ?? { ordinal, port: null, pid: null })
        const running = await this.provisioner.ensureRunning({ ...spec, nodes: wanted })
        remember(running.map(({ ordinal, port, pid }) => ({ ordinal, port, pid })))
        if (cluster.revocations.length) await this.revoke(cluster, running.map((n) => n.url))
        const nodes = running.map((n) => ({ ordinal: n.ordinal, port: n.port, url: `http://${this.config.advertisedHost}:${n.port}` }))
        return { generation: cluster.generation, state: 'RUNNING', nodes }
      }
    }
  }

  /** Hands the revoked database API keys to every node (idempotent: each heartbeat repeats it). */
  private async revoke(cluster: DesiredCluster, nodeUrls: string[]) {
    await Promise.all(
      nodeUrls.map(async (url) => {
        const res = await fetch(`${url}/internal/revocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'api-key': cluster.signingKey },
          body: JSON.stringify({ revocations: cluster.revocations }),
          signal: AbortSignal.timeout(5000),
        })
        if (!res.ok) throw new Error(`revocations refused by ${url}: ${res.status}`)
      }),
    )
  }

  /** Stops every node this agent runs (used when its environment is gone and configuration says so). */
  async stopAll(): Promise<void> {
    for (const [clusterId, { nodes }] of Object.entries(this.state.clusters)) {
      await this.provisioner.stop({ clusterId, signingKey: '', nodes }, nodes)
    }
  }

  private async call(method: string, route: string, body?: unknown, authenticated = true): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (authenticated) headers.authorization = `Bearer ${this.state.credential}`
    const res = await fetch(`${this.config.controlPlaneUrl}${route}`, {
      method,
      headers,
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(30_000),
    })
    if (res.status === 401) throw new AgentRevoked(`the control plane refused this agent (${route}): ${await res.text()}`)
    if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${await res.text()}`)
    return res
  }
}
