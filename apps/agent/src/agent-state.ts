// What the agent must remember across restarts: its credential and where its nodes run.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NodeRecord } from '@quiver/provisioner'

export interface AgentState {
  environmentId?: string
  credential?: string
  clusters: Record<string, { nodes: NodeRecord[] }>
}

export class AgentStateFile {
  private readonly file: string

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.file = path.join(dataDir, 'agent-state.json')
  }

  load(): AgentState {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8'))
    } catch {
      return { clusters: {} }
    }
  }

  /** Atomic: a crash leaves the old file or the new one, never half of one. */
  save(state: AgentState): void {
    const temporary = `${this.file}.tmp`
    writeFileSync(temporary, JSON.stringify(state, null, 2), { mode: 0o600 })
    renameSync(temporary, this.file)
  }
}
