import { Inject, Injectable, Logger } from '@nestjs/common'
import { BACKUP_STORE, BackupStore } from '@quiver/backup-store'
import { PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobQueue } from '../../jobs/job-queue'
import { ClusterChanges } from '../clusters/cluster-changes'
import { BackupSchedulers } from './backup-schedulers'

/** a row younger than this may not have its job enqueued yet */
const ENQUEUE_GRACE_MS = 60_000

/**
 * Repeating upkeep: deletes expired backups (files, then rows); fails backups and restores whose
 * job is gone or gave up without saying so (a worker killed on its last attempt), releasing the
 * cluster a restore held; removes stored files no backup row owns (an account deleted with its
 * backups); and puts the schedules' job schedulers back in step with PostgreSQL.
 */
@Injectable()
@HandlesJob('backups.retention')
export class BackupsRetentionHandler implements JobHandler<'backups.retention'> {
  private readonly logger = new Logger('BackupsRetention')

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    private readonly schedulers: BackupSchedulers,
    private readonly changes: ClusterChanges,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async handle(): Promise<void> {
    await this.deleteExpired()
    await this.failAbandoned()
    await this.removeUnownedFiles()
    await this.schedulers.sync()
  }

  private async deleteExpired(): Promise<void> {
    const expired = await this.prisma.backup.findMany({
      where: { expiresAt: { lte: new Date() }, status: { in: ['SUCCEEDED', 'FAILED'] }, restores: { none: { status: { in: ['PENDING', 'RUNNING'] } } } },
      select: { id: true, accountId: true },
      take: 500,
    })
    for (const backup of expired) {
      await this.store.deletePrefix(`${backup.accountId}/${backup.id}`)
      await this.prisma.backup.deleteMany({ where: { id: backup.id, accountId: backup.accountId, restores: { none: { status: { in: ['PENDING', 'RUNNING'] } } } } })
    }
    if (expired.length) this.logger.log(`deleted ${expired.length} expired backup(s)`)
  }

  private async failAbandoned(): Promise<void> {
    const before = new Date(Date.now() - ENQUEUE_GRACE_MS)
    const backups = await this.prisma.backup.findMany({ where: { status: { in: ['PENDING', 'RUNNING'] }, createdAt: { lt: before } } })
    for (const backup of backups) {
      if (!(await this.abandoned(backup.jobId))) continue
      await this.store.deletePrefix(`${backup.accountId}/${backup.id}`)
      await this.prisma.backup.updateMany({
        where: { id: backup.id, status: { in: ['PENDING', 'RUNNING'] } },
        data: { status: 'FAILED', statusReason: 'The backup job stopped before it finished', completedAt: new Date(), collections: [], sizeBytes: 0 },
      })
    }
    const restores = await this.prisma.backupRestore.findMany({ where: { status: { in: ['PENDING', 'RUNNING'] }, createdAt: { lt: before } } })
    for (const restore of restores) {
      if (!(await this.abandoned(restore.jobId))) continue
      const reason = 'The restore job stopped before it finished; the cluster may hold only part of the backup, so restore it again'
      await this.prisma.backupRestore.updateMany({ where: { id: restore.id, status: { in: ['PENDING', 'RUNNING'] } }, data: { status: 'FAILED', statusReason: reason, completedAt: new Date() } })
      await this.prisma.cluster.updateMany({ where: { id: restore.clusterId, generation: restore.generation, status: 'UPDATING' }, data: { status: 'HEALTHY' } })
      await this.prisma.cluster.updateMany({
        where: { id: restore.clusterId, generation: restore.generation, status: 'CREATING', restoreFromBackupId: { not: null } },
        data: { status: 'FAILED', statusReason: reason },
      })
      await this.changes.changed(restore.accountId)
    }
  }

  private async abandoned(jobId: string): Promise<boolean> {
    const job = await this.jobs.queue.getJob(jobId)
    return !job || (await job.getState()) === 'failed'
  }

  private async removeUnownedFiles(): Promise<void> {
    for (const accountId of (await this.store.listPrefixes('')).filter(isUuid)) {
      const ids = await this.store.listPrefixes(accountId)
      if (!ids.length) continue
      const owned = new Set((await this.prisma.backup.findMany({ where: { accountId, id: { in: ids.filter(isUuid) } }, select: { id: true } })).map((b) => b.id))
      for (const id of ids.filter((i) => !owned.has(i))) {
        this.logger.warn(`removing stored files of backup ${accountId}/${id}, which no longer exists`)
        await this.store.deletePrefix(`${accountId}/${id}`)
      }
    }
  }
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)
