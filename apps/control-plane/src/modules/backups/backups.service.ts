import { Inject, Injectable } from '@nestjs/common'
import { randomUUID } from 'node:crypto'
import { conflict, notFound, Page, pageArgs, toPage } from '@quiver/common'
import { BACKUP_STORE, BackupStore } from '@quiver/backup-store'
import { PrismaService } from '@quiver/database'
import { JobQueue } from '../../jobs/job-queue'
import { ClusterChanges } from '../clusters/cluster-changes'
import { ACTIVE, assertRestorableInto, feedsNewCluster, isActive } from './backup-rules'
import { BackupView, backupView } from './backup-views'
import { CreateBackupDto, DEFAULT_RETENTION_DAYS, ListByClusterQuery, RestoreBackupDto } from './backups.dto'

const DAY_MS = 24 * 3600_000
const latestRestore = { restores: { orderBy: { createdAt: 'desc' as const }, take: 1 } }

@Injectable()
export class BackupsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    private readonly changes: ClusterChanges,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async list(accountId: string, query: ListByClusterQuery): Promise<Page<BackupView>> {
    const args = pageArgs(query)
    const rows = await this.prisma.backup.findMany({
      ...args,
      where: { ...args.where, accountId, ...(query.clusterId ? { clusterId: query.clusterId } : {}) },
      include: latestRestore,
    })
    return toPage(rows, query, backupView)
  }

  async get(accountId: string, backupId: string): Promise<BackupView> {
    return backupView(await this.find(accountId, backupId))
  }

  async create(accountId: string, clusterId: string, dto: CreateBackupDto): Promise<BackupView> {
    const cluster = await this.prisma.cluster.findFirst({ where: { id: clusterId, accountId } })
    if (!cluster) throw notFound('Cluster')
    if (cluster.status !== 'HEALTHY') throw conflict(`A cluster that is ${cluster.status} cannot be backed up; wait until it is HEALTHY`)
    const id = randomUUID()
    const retentionDays = dto.retentionDays ?? DEFAULT_RETENTION_DAYS
    const backup = await this.prisma.backup.create({
      data: {
        id,
        accountId,
        clusterId,
        clusterName: cluster.name,
        environmentId: cluster.environmentId,
        jobId: `backup-${id}`,
        retentionDays,
        expiresAt: new Date(Date.now() + retentionDays * DAY_MS),
      },
      include: latestRestore,
    })
    // a hybrid environment's agent makes it: it learns of the backup with its next heartbeat
    if (!cluster.environmentId) await this.jobs.enqueue('backup.create', { accountId, backupId: id }, { jobId: backup.jobId })
    return backupView(backup)
  }

  /**
   * Removes the stored files, then the row (null: it is gone); a backup being made or restored cannot
   * be deleted. A hybrid environment's backup is DELETING (returned) until its agent confirms that it
   * removed the files: the control plane cannot reach them.
   */
  async delete(accountId: string, backupId: string): Promise<BackupView | null> {
    const backup = await this.find(accountId, backupId)
    if (isActive(backup.status)) throw conflict(`The backup is ${backup.status}; delete it when it has finished`)
    if (await feedsNewCluster(this.prisma, accountId, backup.id)) throw conflict('A cluster is being created from this backup; delete it when that cluster is HEALTHY')
    const idle = { id: backup.id, accountId, status: { notIn: [...ACTIVE] }, restores: { none: { status: { in: [...ACTIVE] } } } }
    const done = backup.environmentId
      ? await this.prisma.backup.updateMany({ where: idle, data: { status: 'DELETING' } })
      : await this.prisma.backup.deleteMany({ where: idle })
    if (done.count !== 1) throw conflict('The backup is being restored; delete it when the restore has finished')
    if (backup.environmentId) return this.get(accountId, backup.id)
    await this.store.deletePrefix(`${accountId}/${backup.id}`)
    return null
  }

  /**
   * Moves the target cluster (the backup's own unless another is named) from HEALTHY to UPDATING
   * and enqueues the restore; the cluster comes back HEALTHY holding exactly the backed-up collections.
   */
  async restore(accountId: string, backupId: string, dto: RestoreBackupDto): Promise<BackupView> {
    const backup = await this.find(accountId, backupId)
    if (backup.status !== 'SUCCEEDED') throw conflict(`Only a SUCCEEDED backup can be restored; this one is ${backup.status}`)
    const clusterId = dto.clusterId ?? backup.clusterId
    const cluster = await this.prisma.cluster.findFirst({ where: { id: clusterId, accountId } })
    if (!cluster && dto.clusterId) throw notFound('Cluster')
    if (!cluster) throw conflict(`The backup's cluster ${backup.clusterName} was deleted; create a cluster from the backup instead (fromBackupId)`)
    assertRestorableInto(backup, cluster.environmentId)
    if (cluster.status !== 'HEALTHY') throw conflict(`A cluster that is ${cluster.status} cannot be restored into; wait until it is HEALTHY`)
    const generation = cluster.generation + 1
    const jobId = `restore-${cluster.id}-${generation}`
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.cluster.updateMany({
        where: { id: cluster.id, accountId, status: 'HEALTHY', generation: cluster.generation },
        data: { status: 'UPDATING', statusReason: null, generation },
      })
      if (moved.count !== 1) throw conflict('The cluster changed meanwhile; reload it and try again')
      await tx.backupRestore.create({ data: { accountId, backupId: backup.id, clusterId: cluster.id, generation, jobId } })
    })
    await this.changes.changed(accountId)
    // a hybrid environment's agent restores from its own store: it learns of the restore with its next heartbeat
    if (!cluster.environmentId) await this.jobs.enqueue('backup.restore', { accountId, backupId: backup.id, clusterId: cluster.id, generation }, { jobId })
    return this.get(accountId, backup.id)
  }

  private async find(accountId: string, backupId: string) {
    const backup = await this.prisma.backup.findFirst({ where: { id: backupId, accountId }, include: latestRestore })
    if (!backup) throw notFound('Backup')
    return backup
  }
}
