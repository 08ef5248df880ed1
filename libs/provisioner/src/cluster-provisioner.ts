// Where a cluster's nodes run. `local` (child processes on this host) is the embedded default;
// other drivers (Kubernetes, a hybrid-cloud agent) implement the same interface.

export interface NodeRecord {
  ordinal: number
  port: number | null
  pid: number | null
}

export interface ClusterSpec {
  clusterId: string
  /** the node's manage API key; it also signs the cluster's JWTs */
  signingKey: string
  /** still accepted during a key rotation's grace period */
  previousSigningKey?: string | null
  nodes: NodeRecord[]
}

export interface RunningNode {
  ordinal: number
  port: number
  pid: number
  url: string
}

export interface ClusterProvisioner {
  /** Starts every node of the spec that is not running, re-adopting those that are; idempotent. */
  ensureRunning(spec: ClusterSpec): Promise<RunningNode[]>
  /** Whether this node is up and is the cluster's own (answers to its key). */
  isAlive(spec: ClusterSpec, node: NodeRecord): Promise<boolean>
  /** Stops the given nodes; their data stays. */
  stop(spec: ClusterSpec, nodes: NodeRecord[]): Promise<void>
  /** Stops the given nodes and deletes their data. */
  destroy(spec: ClusterSpec, nodes: NodeRecord[]): Promise<void>
  /** Stops and deletes every cluster this provisioner runs that is not in `known`; returns their ids. */
  removeOrphans(known: ReadonlySet<string>): Promise<string[]>
}

export const CLUSTER_PROVISIONER = Symbol('ClusterProvisioner')

export class ProvisioningError extends Error {}
