// Every background job: its name and its payload type, in one map (STYLE.md §3).
export interface JobPayloads {
  /** E-mails an invite's accept link. */
  'invite.email': { accountId: string; inviteId: string; acceptUrl: string }
  /** Brings a cluster's nodes to its desired state (create, scale, restart, suspend, resume, delete). */
  'cluster.converge': { accountId: string; clusterId: string; restart?: boolean }
  /** Sends a cluster's revoked database API keys to every node (retried while a node is down). */
  'cluster.push-revocations': { accountId: string; clusterId: string }
  /** Repeating: finds nodes that died or should not exist, and converges their clusters. */
  'clusters.reconcile': Record<string, never>
  /** Copies every collection of a cluster into the backup store: a requested backup, or a schedule's occurrence (which makes its row). */
  'backup.create': { accountId: string; backupId: string } | { accountId: string; scheduleId: string }
  /** Restores a backup into a cluster that the request (or a create from the backup) moved to `generation`. */
  'backup.restore': { accountId: string; backupId: string; clusterId: string; generation: number }
  /** Repeating: deletes expired backups, fails work whose job died, keeps schedules' job schedulers in step with PostgreSQL. */
  'backups.retention': Record<string, never>
}

export type JobName = keyof JobPayloads

export const JOB_NAMES = [
  'invite.email',
  'cluster.converge',
  'cluster.push-revocations',
  'clusters.reconcile',
  'backup.create',
  'backup.restore',
  'backups.retention',
] as const satisfies readonly JobName[]
// a job added to JobPayloads but not to JOB_NAMES fails to compile here
const everyJobListed: Exclude<JobName, (typeof JOB_NAMES)[number]> extends never ? true : never = true
void everyJobListed

export const QUEUE_NAME = 'quiver'

/** Repeating jobs, upserted as BullMQ job schedulers when a worker starts. */
export const JOB_SCHEDULES: { name: JobName; everyMs: (config: { RECONCILE_INTERVAL_MS: number; BACKUP_RETENTION_INTERVAL_MS: number }) => number }[] = [
  { name: 'clusters.reconcile', everyMs: (config) => config.RECONCILE_INTERVAL_MS },
  { name: 'backups.retention', everyMs: (config) => config.BACKUP_RETENTION_INTERVAL_MS },
]
