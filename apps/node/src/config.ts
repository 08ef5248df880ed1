import path from 'node:path'

/** The node's configuration, read once from the environment at start-up. */
export interface NodeConfig {
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** Seconds between checkpoints of a collection that has changed (0 = only on shutdown). */
  readonly checkpointIntervalSeconds: number
  /** A collection's log is checkpointed early once it holds this many bytes. */
  readonly checkpointWalBytes: number
  readonly auth: NodeAuthSettings
}

export interface NodeAuthSettings {
  readonly apiKey?: string
  readonly altApiKey?: string
  readonly readOnlyApiKey?: string
  readonly jwtRbac: boolean
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>

export function loadConfig(env: Env = process.env): NodeConfig {
  return {
    host: host(env, 'QUIVER_NODE_HOST', '127.0.0.1'),
    port: integer(env, 'QUIVER_NODE_PORT', 6333, 0, 65535),
    dataDir: path.resolve(nonEmpty(env, 'QUIVER_NODE_DATA_DIR', './.data/node')),
    checkpointIntervalSeconds: integer(env, 'QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS', 60, 0, 86_400),
    checkpointWalBytes: integer(env, 'QUIVER_NODE_CHECKPOINT_WAL_BYTES', 64 * 2 ** 20, 4096, 2 ** 40),
    auth: {
      apiKey: optional(env, 'QUIVER_NODE_API_KEY'),
      altApiKey: optional(env, 'QUIVER_NODE_ALT_API_KEY'),
      readOnlyApiKey: optional(env, 'QUIVER_NODE_READ_ONLY_API_KEY'),
      jwtRbac: boolean(env, 'QUIVER_NODE_JWT_RBAC', false),
    },
  }
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value === '' ? undefined : value
}

function nonEmpty(env: Env, name: string, fallback: string): string {
  const value = env[name]
  if (value === undefined) return fallback
  if (value.trim() === '') throw new ConfigError(`${name} must not be empty`)
  return value
}

function host(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env, name, fallback)
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) throw new ConfigError(`${name} must be a host name or IP address, got ${JSON.stringify(value)}`)
  return value
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`)
  const value = Number(raw.trim())
  if (value < min || value > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${value}`)
  return value
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`)
}
