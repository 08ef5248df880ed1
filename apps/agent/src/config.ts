import path from 'node:path'

export interface AgentConfig {
  controlPlaneUrl: string
  bootstrapToken?: string
  dataDir: string
  heartbeatMs: number
  /** when the control plane refuses this agent (its environment was deleted): stop its clusters too? */
  stopClustersOnRevoke: boolean
  /** the host clients use to reach this machine's nodes */
  advertisedHost: string
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const problems: string[] = []
  const url = env.QUIVER_AGENT_CONTROL_PLANE_URL ?? ''
  if (!/^https?:\/\/[^/]+/.test(url)) problems.push(`QUIVER_AGENT_CONTROL_PLANE_URL=${JSON.stringify(url)}: must be the control plane's http(s) URL`)
  const token = env.QUIVER_AGENT_BOOTSTRAP_TOKEN || undefined
  if (token && !/^qvb_[A-Za-z0-9_-]{20,100}$/.test(token)) problems.push('QUIVER_AGENT_BOOTSTRAP_TOKEN: is not a bootstrap token (qvb_...)')
  const heartbeatMs = Number(env.QUIVER_AGENT_HEARTBEAT_MS ?? 5000)
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 200 || heartbeatMs > 600_000) problems.push('QUIVER_AGENT_HEARTBEAT_MS: must be 200-600000')
  const stop = (env.QUIVER_AGENT_STOP_CLUSTERS_ON_REVOKE ?? 'false').toLowerCase()
  if (!['true', 'false'].includes(stop)) problems.push('QUIVER_AGENT_STOP_CLUSTERS_ON_REVOKE: must be true or false')
  if (problems.length) throw new Error(`invalid agent configuration:\n  ${problems.join('\n  ')}`)
  return {
    controlPlaneUrl: url.replace(/\/$/, ''),
    bootstrapToken: token,
    dataDir: path.resolve(env.QUIVER_AGENT_DATA_DIR || '.data/agent'),
    heartbeatMs,
    stopClustersOnRevoke: stop === 'true',
    advertisedHost: env.QUIVER_AGENT_ADVERTISED_HOST || '127.0.0.1',
  }
}
