// Hybrid-cloud agents as real child processes beside a test's control plane, each with its own data directory.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { LocalProvisioner } from '@quiver/provisioner'
import { HttpClient } from './http'
import { spawnNode, Spawned } from './processes'
import { TestUser } from './users'

const AGENT_MAIN = path.resolve(__dirname, '../../apps/agent/src/main.js')

export function agentProcesses(controlPlaneUrl: string) {
  const dataDirs: string[] = []
  const agents: Spawned[] = []
  return {
    /** Starts an agent; pass `dataDir` to restart one (it keeps its credential and its backups there). */
    start(env: Record<string, string>, dataDir?: string) {
      const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'quiver-agent-'))
      if (!dataDir) dataDirs.push(dir)
      const agent = spawnNode(AGENT_MAIN, { QUIVER_AGENT_CONTROL_PLANE_URL: controlPlaneUrl, QUIVER_AGENT_DATA_DIR: dir, QUIVER_AGENT_HEARTBEAT_MS: '300', ...env })
      agents.push(agent)
      return { agent, dir }
    },
    /** Stops the agents, and every node they started (nodes outlive their agent). */
    async stopAll() {
      for (const agent of agents) await agent.stop()
      for (const dir of dataDirs) {
        await new LocalProvisioner(path.join(dir, 'nodes')).removeOrphans(new Set())
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** The credential an agent stored after exchanging its bootstrap token. */
export const agentCredential = (dataDir: string): string => JSON.parse(readFileSync(path.join(dataDir, 'agent-state.json'), 'utf8')).credential

export const environmentsPath = (owner: TestUser, environmentId = '') =>
  `/api/v1/accounts/${owner.accountId}/hybrid-cloud-environments${environmentId ? `/${environmentId}` : ''}`

export async function createEnvironment(http: HttpClient, owner: TestUser, name = `env-${crypto.randomUUID().slice(0, 8)}`) {
  const res = await http.post(environmentsPath(owner), { name }, { token: owner.token })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body as { id: string; bootstrapToken: string }
}

export async function waitForEnvironment(http: HttpClient, owner: TestUser, environmentId: string, status: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await http.get(environmentsPath(owner, environmentId), { token: owner.token })
    if (last.body.status === status) return last.body
    await sleep(200)
  }
  throw new Error(`environment never became ${status}: ${JSON.stringify(last?.body)}`)
}
