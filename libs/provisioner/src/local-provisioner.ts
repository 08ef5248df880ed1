import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClusterProvisioner, ClusterSpec, NodeRecord, ProvisioningError, RunningNode } from './cluster-provisioner'

const NODE_ENTRY = path.resolve(__dirname, '../../../apps/node/src/main.js') // from dist/libs/provisioner/src
const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
const HOST = '127.0.0.1'

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, HOST, () => server.close(() => resolve(true)))
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Nodes as child processes on this host: own port on loopback, own data directory, detached. */
export class LocalProvisioner implements ClusterProvisioner {
  private readonly nodeEntry: string

  constructor(
    private readonly dataDir: string,
    nodeEntry?: string,
  ) {
    this.nodeEntry = nodeEntry ? path.resolve(nodeEntry) : NODE_ENTRY
  }

  nodeDataDir(clusterId: string, ordinal: number): string {
    return path.resolve(this.dataDir, 'clusters', clusterId, `node-${ordinal}`)
  }

  async ensureRunning(spec: ClusterSpec): Promise<RunningNode[]> {
    const running: RunningNode[] = []
    const processes = this.runningNodes()
    for (const recorded of spec.nodes) {
      // a node started by a job that crashed before recording it runs unrecorded: adopt it, never start a twin
      const found = processes.find((p) => p.dataDir === this.nodeDataDir(spec.clusterId, recorded.ordinal))
      const node = recorded.pid && pidAlive(recorded.pid) ? recorded : found ? { ...recorded, pid: found.pid, port: found.port } : recorded
      if (node.pid && node.port && (await this.isAlive(spec, node))) {
        running.push({ ordinal: node.ordinal, pid: node.pid, port: node.port, url: `http://${HOST}:${node.port}` })
      } else {
        if (found && pidAlive(found.pid)) await this.stopOne(spec.clusterId, { ...node, pid: found.pid })
        running.push(await this.start(spec, node))
      }
    }
    return running
  }

  async isAlive(spec: ClusterSpec, node: NodeRecord): Promise<boolean> {
    if (!node.pid || !node.port || !pidAlive(node.pid) || !this.ownsPid(spec.clusterId, node)) return false
    try {
      const res = await fetch(`http://${HOST}:${node.port}/collections`, {
        headers: { 'api-key': spec.signingKey },
        signal: AbortSignal.timeout(2000),
      })
      return res.ok
    } catch {
      return false
    }
  }

  async stop(spec: ClusterSpec, nodes: NodeRecord[]): Promise<void> {
    await Promise.all(nodes.map((n) => this.stopOne(spec.clusterId, n)))
  }

  async destroy(spec: ClusterSpec, nodes: NodeRecord[]): Promise<void> {
    await this.stop(spec, nodes)
    for (const n of nodes) rmSync(this.nodeDataDir(spec.clusterId, n.ordinal), { recursive: true, force: true })
    const clusterDir = path.resolve(this.dataDir, 'clusters', spec.clusterId)
    if (existsSync(clusterDir) && spec.nodes.every((n) => nodes.some((d) => d.ordinal === n.ordinal))) {
      rmSync(clusterDir, { recursive: true, force: true })
    }
  }

  async removeOrphans(known: ReadonlySet<string>): Promise<string[]> {
    const clustersDir = path.resolve(this.dataDir, 'clusters')
    const onDisk = existsSync(clustersDir) ? readdirSync(clustersDir) : []
    const orphans = new Set(onDisk.filter((id) => !known.has(id)))
    for (const { clusterId } of this.runningNodes()) if (!known.has(clusterId)) orphans.add(clusterId)
    for (const clusterId of orphans) {
      for (const node of this.runningNodes().filter((n) => n.clusterId === clusterId)) {
        process.kill(node.pid, 'SIGKILL') // its data goes next: no checkpoint to flush
      }
      rmSync(path.join(clustersDir, clusterId), { recursive: true, force: true })
    }
    return [...orphans]
  }

  /** Node processes whose data directory lies below this provisioner's (procfs only). */
  private runningNodes(): { pid: number; clusterId: string; dataDir: string; port: number | null }[] {
    if (!existsSync('/proc/self/environ')) return []
    const root = `${path.resolve(this.dataDir, 'clusters')}/`
    const found: { pid: number; clusterId: string; dataDir: string; port: number | null }[] = []
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const env = new Map(
          readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
        )
        const dataDir = env.get('QUIVER_NODE_DATA_DIR')
        if (!dataDir?.startsWith(root)) continue
        const port = Number(env.get('QUIVER_NODE_PORT'))
        found.push({ pid: Number(entry), clusterId: dataDir.slice(root.length).split('/')[0], dataDir, port: port > 0 ? port : null })
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return found
  }

  private async start(spec: ClusterSpec, node: NodeRecord): Promise<RunningNode> {
    if (!existsSync(this.nodeEntry)) throw new ProvisioningError(`the node program is missing (${this.nodeEntry}); run npm run build`)
    const dataDir = this.nodeDataDir(spec.clusterId, node.ordinal)
    mkdirSync(dataDir, { recursive: true })
    // keep the endpoint stable across restarts: the recorded port, unless something else took it
    const port = node.port && (await portIsFree(node.port)) ? node.port : await freePort()
    const logPath = path.join(dataDir, 'node.log')
    const log = openSync(logPath, 'a')
    const child = spawn(process.execPath, [this.nodeEntry], {
      detached: true, // nodes outlive the control plane; it re-adopts them on start
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: process.env.NODE_ENV,
        QUIVER_NODE_HOST: HOST,
        QUIVER_NODE_PORT: String(port),
        QUIVER_NODE_DATA_DIR: dataDir,
        QUIVER_NODE_API_KEY: spec.signingKey,
        ...(spec.previousSigningKey ? { QUIVER_NODE_ALT_API_KEY: spec.previousSigningKey } : {}),
        QUIVER_NODE_JWT_RBAC: 'true',
      },
    })
    closeSync(log)
    child.unref()
    const pid = child.pid
    if (!pid) throw new ProvisioningError('the node process could not be started')
    const started: RunningNode = { ordinal: node.ordinal, pid, port, url: `http://${HOST}:${port}` }
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (!pidAlive(pid)) throw new ProvisioningError(`node ${node.ordinal} exited at start-up: ${this.tail(logPath)}`)
      if (await this.isAlive(spec, { ...node, pid, port })) return started
      await sleep(100)
    }
    process.kill(pid, 'SIGKILL')
    throw new ProvisioningError(`node ${node.ordinal} did not become ready within ${READY_TIMEOUT_MS / 1000} s: ${this.tail(logPath)}`)
  }

  private async stopOne(clusterId: string, node: NodeRecord): Promise<void> {
    const pid = node.pid
    if (!pid || !pidAlive(pid) || !this.ownsPid(clusterId, node)) return
    process.kill(pid, 'SIGTERM') // a node flushes a checkpoint on SIGTERM
    const deadline = Date.now() + STOP_TIMEOUT_MS
    while (pidAlive(pid) && Date.now() < deadline) await sleep(50)
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
  }

  /** A recorded pid may have been reused by another process: only ever signal our own node. */
  private ownsPid(clusterId: string, node: NodeRecord): boolean {
    if (!existsSync('/proc/self/environ')) return true // no procfs (macOS): the caller's HTTP check must do
    try {
      const environ = readFileSync(`/proc/${node.pid}/environ`, 'utf8').split('\0')
      return environ.includes(`QUIVER_NODE_DATA_DIR=${this.nodeDataDir(clusterId, node.ordinal)}`)
    } catch {
      return false
    }
  }

  private tail(file: string): string {
    try {
      return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ')
    } catch {
      return '(no log)'
    }
  }
}
