import { Injectable } from '@nestjs/common'
import { Config } from '@quiver/common'
import { CollectionEntry, isStored, StoredCollection } from '@quiver/cluster-backup'
import { Backup, Cluster, PrismaService } from '@quiver/database'
import { AgentIdentity } from '../../auth/principal'
import { ACTIVE, backupReadiness } from './backup-rules'
import { RestoreOutcomes } from './restore-outcomes'

/** per heartbeat, of each kind; the rest follow with the next ones */
const BATCH = 100

export interface AgentBackupWorkView {
  /** backups to make (PENDING) or to redo (RUNNING: `collections` says what the interrupted attempt left) */
  backups: { id: string; clusterId: string; status: string; collections: CollectionEntry[] }[]
  /** restores to do from the agent's own store, verified against these checksums first */
  restores: { id: string; backupId: string; clusterId: string; generation: number; collections: StoredCollection[] }[]
  /** backups whose files the agent is to remove, then confirm */
  deletions: { id: string }[]
}

/**
 * What an agent learns, with each heartbeat, about the backups of its environment's clusters. Work
 * that can no longer be done (its cluster deleted or changed) fails here, as the worker's job would.
 */
@Injectable()
export class AgentBackupWork {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outcomes: RestoreOutcomes,
    private readonly config: Config,
  ) {}

  /** `clusters`: the environment's clusters, as the heartbeat read them. */
  async pending(agent: AgentIdentity, clusters: Cluster[]): Promise<AgentBackupWorkView> {
    const byId = new Map(clusters.map((c) => [c.id, c]))
    const ofEnvironment = { accountId: agent.accountId, environmentId: agent.environmentId }

    // a backup waits for its cluster to be HEALTHY, but not longer than work waits for a silent agent
    const minutes = this.config.AGENT_BACKUP_TIMEOUT_MINUTES
    const waitedTooLong = new Date(Date.now() - minutes * 60_000)
    const backups: AgentBackupWorkView['backups'] = []
    const active = await this.prisma.backup.findMany({ where: { ...ofEnvironment, status: { in: [...ACTIVE] } }, orderBy: { createdAt: 'asc' }, take: BATCH })
    for (const backup of active) {
      const readiness = backupReadiness(byId.get(backup.clusterId) ?? null)
      if (readiness.ready) backups.push({ id: backup.id, clusterId: backup.clusterId, status: backup.status, collections: entriesOf(backup) })
      else if (!readiness.wait) await this.failBackup(agent, backup, readiness.reason)
      else if (backup.createdAt < waitedTooLong) await this.failBackup(agent, backup, `${readiness.reason}, and it waited ${minutes} minute(s)`)
    }

    const restores: AgentBackupWorkView['restores'] = []
    const rows = await this.prisma.backupRestore.findMany({
      where: { accountId: agent.accountId, status: { in: [...ACTIVE] }, clusterId: { in: [...byId.keys()] } },
      include: { backup: true },
      orderBy: { createdAt: 'asc' },
      take: BATCH,
    })
    for (const restore of rows) {
      const cluster = byId.get(restore.clusterId)!
      if (cluster.generation !== restore.generation || !['UPDATING', 'CREATING'].includes(cluster.status)) {
        await this.outcomes.failed(restore, 'The cluster was deleted or changed before the restore began; nothing was restored')
      } else if (restore.backup.status !== 'SUCCEEDED') {
        await this.outcomes.failed(restore, `The backup is ${restore.backup.status}: ${restore.backup.statusReason ?? 'not restorable'}`)
      } else {
        const { id, backupId, clusterId, generation } = restore
        restores.push({ id, backupId, clusterId, generation, collections: entriesOf(restore.backup).filter(isStored) })
      }
    }

    const deletions = await this.prisma.backup.findMany({ where: { ...ofEnvironment, status: 'DELETING' }, select: { id: true }, orderBy: { createdAt: 'asc' }, take: BATCH })
    return { backups, restores, deletions }
  }

  /**
   * Whether a restore holds the cluster at its generation, so that its nodes running does not make
   * it HEALTHY yet. A cluster created from a backup gets its restore here, once its nodes run.
   */
  async restoreHolds(agent: AgentIdentity, cluster: Cluster): Promise<boolean> {
    const { id: clusterId, generation } = cluster
    if (cluster.status === 'CREATING' && cluster.restoreFromBackupId) {
      const backupId = cluster.restoreFromBackupId
      if (!(await this.prisma.backup.findFirst({ where: { id: backupId, accountId: agent.accountId }, select: { id: true } }))) {
        await this.outcomes.release(agent.accountId, clusterId, generation, 'the backup was deleted')
        return true
      }
      const jobId = `restore-${clusterId}-${generation}`
      await this.prisma.backupRestore.upsert({ where: { jobId }, create: { accountId: agent.accountId, backupId, clusterId, generation, jobId }, update: {} })
      return true
    }
    if (cluster.status !== 'UPDATING') return false
    const holding = await this.prisma.backupRestore.count({ where: { accountId: agent.accountId, clusterId, generation, status: { in: [...ACTIVE] } } })
    return holding > 0
  }

  private async failBackup(agent: AgentIdentity, backup: Backup, reason: string): Promise<void> {
    await this.prisma.backup.updateMany({
      where: { id: backup.id, accountId: agent.accountId, status: { in: [...ACTIVE] } },
      data: { status: 'FAILED', statusReason: reason, completedAt: new Date(), collections: [], sizeBytes: 0 },
    })
  }
}

const entriesOf = (backup: Backup) => backup.collections as unknown as CollectionEntry[]
