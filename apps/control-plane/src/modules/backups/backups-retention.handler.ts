import { Inject, Injectable, Logger } from '@nestjs/common'
import { Config } from '@quiver/common'
import { BACKUP_STORE, BackupStore } from '@quiver/backup-store'
import { PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobQueue } from '../../jobs/job-queue'
import { ACTIVE, feedsNewCluster } from './backup-rules'
import { BackupSchedulers } from './backup-schedulers'
import { RestoreOutcomes } from './restore-outcomes'

/** a row younger than this may not have its job enqueued yet */
const ENQUEUE_GRACE_MS = 60_000


/**
 * Repeating upkeep: deletes expired backups (files, then rows; a hybrid environment's go DELETING for
 * its agent); fails backups and restores whose job is gone or gave up without saying so (a worker
 * killed on its last attempt), or whose agent has been silent too long, releasing the cluster a
 * restore held; removes stored files no backup row owns (an account deleted with its backups); and
 * puts the schedules' job schedulers back in step with PostgreSQL.
 */
@Injectable()
@HandlesJob('backups.retention')
export class BackupsRetentionHandler implements JobHandler<'backups.retention'> {
  private readonly startedAt = Date.now()
  private readonly logger = new Logger('BackupsRetention')

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    private readonly schedulers: BackupSchedulers,
    private readonly outcomes: RestoreOutcomes,
    private readonly config: Config,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async handle(): Promise<void> {
    await this.deleteExpired()
    await this.failAbandoned()
    await this.failWorkOfSilentAgents()
    await this.removeUnownedFiles()
    await this.schedulers.sync()
  }

  private async deleteExpired(): Promise<void> {
    const idle = { restores: { none: { status: { in: [...ACTIVE] } } } }
    const expired = await this.prisma.backup.findMany({
      where: { expiresAt: { lte: new Date() }, status: { in: ['SUCCEEDED', 'FAILED'] }, ...idle },
      select: { id: true, accountId: true, environmentId: true },
      take: 500,
    })
    for (const backup of expired) {
      if (await feedsNewCluster(this.prisma, backup.accountId, backup.id)) continue // expires once that cluster is HEALTHY
      const where = { id: backup.id, accountId: backup.accountId, status: { in: ['SUCCEEDED' as const, 'FAILED' as const] }, ...idle }
      if (backup.environmentId) {
        await this.prisma.backup.updateMany({ where, data: { status: 'DELETING' } })
        continue
      }
      await this.store.deletePrefix(`${backup.accountId}/${backup.id}`)
      await this.prisma.backup.deleteMany({ where })
    }
    if (expired.length) this.logger.log(`deleted ${expired.length} expired backup(s)`)
  }

  /** Only this installation's own work has jobs; a hybrid environment's agent is handed its work by heartbeat. */
  private async failAbandoned(): Promise<void> {
    const before = new Date(Date.now() - ENQUEUE_GRACE_MS)
    const backups = await this.prisma.backup.findMany({ where: { status: { in: [...ACTIVE] }, environmentId: null, createdAt: { lt: before } } })
    for (const backup of backups) {
      if (!(await this.abandoned(backup.jobId))) continue
      await this.store.deletePrefix(`${backup.accountId}/${backup.id}`)
      await this.prisma.backup.updateMany({
        where: { id: backup.id, status: { in: [...ACTIVE] } },
        data: { status: 'FAILED', statusReason: 'The backup job stopped before it finished', completedAt: new Date(), collections: [], sizeBytes: 0 },
      })
    }
    const restores = await this.prisma.backupRestore.findMany({ where: { status: { in: [...ACTIVE] }, backup: { environmentId: null }, createdAt: { lt: before } } })
    for (const restore of restores) {
      if (!(await this.abandoned(restore.jobId))) continue
      await this.outcomes.failed(restore, 'The restore job stopped before it finished; the cluster may hold only part of the backup, so restore it again')
    }
  }

  /**
   * Nothing waits forever for an agent that is gone; one that comes back later is simply told nothing
   * more. A control plane that was down itself heard no heartbeats meanwhile: it judges silence only
   * once a connected agent has had the time to send one.
   */
  private async failWorkOfSilentAgents(): Promise<void> {
    if (Date.now() - this.startedAt < this.config.AGENT_SILENCE_SECONDS * 1000) return
    const minutes = this.config.AGENT_BACKUP_TIMEOUT_MINUTES
    const since = new Date(Date.now() - minutes * 60_000)
    const silent = { OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: since } }] }
    const offline = `The hybrid cloud environment's agent has been offline for more than ${minutes} minute(s)`
    const backups = await this.prisma.backup.findMany({ where: { status: { in: [...ACTIVE] }, createdAt: { lt: since }, environment: silent }, select: { id: true } })
    for (const { id } of backups) {
      await this.prisma.backup.updateMany({
        where: { id, status: { in: [...ACTIVE] } },
        data: { status: 'FAILED', statusReason: `${offline}; the backup was not made`, completedAt: new Date(), collections: [], sizeBytes: 0 },
      })
    }
    const restores = await this.prisma.backupRestore.findMany({ where: { status: { in: [...ACTIVE] }, createdAt: { lt: since }, backup: { environment: silent } } })
    for (const restore of restores) {
      await this.outcomes.failed(restore, `${offline}; the cluster may hold only part of the backup, so restore it again`)
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
