import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { ClusterSpec, LocalProvisioner, NodeRecord } from '@quiver/provisioner'
import { AgentBackups, BackupWork, LocalCluster } from './agent-backups'
import { AgentConfig } from './config'
import { AgentState, AgentStateFile } from './agent-state'
import { AgentRevoked, ControlPlaneClient, reportedReason } from './control-plane-client'

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

/**
 * Runs a hybrid-cloud environment's clusters on this machine, and keeps their backups. It only ever
 * connects outbound: it pulls the desired clusters and their backup work with each heartbeat,
 * converges them with the local provisioner, and reports back.
 */
export class Agent {
  private readonly stateFile: AgentStateFile
  private readonly state: AgentState
  private readonly provisioner: LocalProvisioner
  private readonly controlPlane: ControlPlaneClient
  private readonly backups: AgentBackups
  private stopped = false

  constructor(
    private readonly config: AgentConfig,
    private readonly log: (message: string) => void,
  ) {
    this.stateFile = new AgentStateFile(config.dataDir)
    this.state = this.stateFile.load()
    this.provisioner = new LocalProvisioner(path.join(config.dataDir, 'nodes'))
    this.controlPlane = new ControlPlaneClient(config.controlPlaneUrl, () => this.state.credential)
    this.backups = new AgentBackups(config.dataDir, this.controlPlane, { log, warn: log })
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
    const res = await this.controlPlane.call('POST', '/api/v1/agent/register', { bootstrapToken: this.config.bootstrapToken }, false)
    const { environmentId, credential } = (await res.json()) as { environmentId: string; credential: string }
    this.state.environmentId = environmentId
    this.state.credential = credential
    this.stateFile.save(this.state)
    this.log(`registered with environment ${environmentId}`)
  }

  private async sync() {
    const heartbeat = this.backups.heartbeatSent()
    const res = await this.controlPlane.call('POST', '/api/v1/agent/heartbeat')
    const { clusters, backupWork } = (await res.json()) as { clusters: DesiredCluster[]; backupWork: BackupWork }
    const running = new Map<string, LocalCluster>()
    for (const cluster of clusters) {
      const report = await this.converge(cluster, running).catch((error: Error) => ({
        generation: cluster.generation, state: 'FAILED' as const, nodes: [], reason: reportedReason(error.message),
      }))
      await this.controlPlane.call('POST', `/api/v1/agent/clusters/${cluster.id}/report`, report)
    }
    this.backups.start(backupWork, running, heartbeat)
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

  /** `running` learns the local addresses of the cluster's nodes when they run. */
  private async converge(cluster: DesiredCluster, running: Map<string, LocalCluster>): Promise<Report> {
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
        const started = await this.provisioner.ensureRunning({ ...spec, nodes: wanted })
        remember(started.map(({ ordinal, port, pid }) => ({ ordinal, port, pid })))
        if (cluster.revocations.length) await this.revoke(cluster, started.map((n) => n.url))
        running.set(cluster.id, { signingKey: cluster.signingKey, nodes: started.map(({ ordinal, url }) => ({ ordinal, url })) })
        const nodes = started.map((n) => ({ ordinal: n.ordinal, port: n.port, url: `http://${this.config.advertisedHost}:${n.port}` }))
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
}
