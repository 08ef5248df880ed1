import { Inject, Injectable, Logger } from '@nestjs/common'
import type { Job } from 'bullmq'
import { Config, SecretBox } from '@quiver/common'
import { BACKUP_STORE, BackupStore } from '@quiver/backup-store'
import { BackupContext, clearInterruptedBackup, CollectionEntry, copyCollections, nodeClients, totalSize } from '@quiver/cluster-backup'
import { Backup, Prisma, PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobPayloads } from '../../jobs/jobs'
import { ACTIVE, backupReadiness, isActive } from './backup-rules'
import { BackupSchedulers } from './backup-schedulers'
import { withBackupLock } from './cluster-lock'

const DAY_MS = 24 * 3600_000

/** A backup that cannot be made (no retry helps): it shows FAILED with this reason. */
class BackupRefused extends Error {}

export const isLastAttempt = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
const asJson = (entries: CollectionEntry[]) => entries as unknown as Prisma.InputJsonValue

/**
 * Snapshots every collection of every node of the cluster and copies each into the backup store,
 * checked against the checksum the node computed (a hybrid environment's agent does the same on its side). Idempotent: a retry (after an error or a worker
 * killed midway) first removes what the interrupted attempt left, in the store and on the nodes, and
 * starts over; the row turns SUCCEEDED only after every file is stored and verified.
 */
@Injectable()
@HandlesJob('backup.create')
export class BackupCreateHandler implements JobHandler<'backup.create'> {
  private readonly logger = new Logger('BackupCreate')

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretBox,
    private readonly config: Config,
    private readonly schedulers: BackupSchedulers,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async handle(payload: JobPayloads['backup.create'], job: Job): Promise<void> {
    const backup = 'backupId' in payload ? await this.prisma.backup.findFirst({ where: { id: payload.backupId, accountId: payload.accountId } }) : await this.occurrence(payload, job)
    if (!backup || !isActive(backup.status)) return // deleted, or finished by an earlier attempt
    if (backup.environmentId) return // its environment's agent makes it, told with its next heartbeat
    try {
      await withBackupLock(this.config.DATABASE_URL, backup.clusterId, () => this.run(backup))
    } catch (error) {
      const refused = error instanceof BackupRefused
      if (refused || isLastAttempt(job)) await this.fail(backup, (error as Error).message)
      if (!refused) throw error
    }
  }

  /** A schedule's occurrence makes its backup row once, keyed by the occurrence's job id. */
  private async occurrence({ accountId, scheduleId }: { accountId: string; scheduleId: string }, job: Job): Promise<Backup | null> {
    const made = await this.prisma.backup.findUnique({ where: { jobId: job.id! } })
    if (made) return made
    const schedule = await this.prisma.backupSchedule.findFirst({ where: { id: scheduleId, accountId }, include: { cluster: true } })
    if (!schedule || !schedule.enabled) {
      if (!schedule) await this.schedulers.remove(scheduleId) // a scheduler that outlived its schedule
      return null
    }
    const now = new Date()
    const backup = await this.prisma.backup.create({
      data: {
        accountId,
        clusterId: schedule.clusterId,
        clusterName: schedule.cluster.name,
        environmentId: schedule.cluster.environmentId,
        scheduleId,
        jobId: job.id!,
        retentionDays: schedule.retentionDays,
        expiresAt: new Date(now.getTime() + schedule.retentionDays * DAY_MS),
      },
    })
    await this.prisma.backupSchedule.updateMany({ where: { id: scheduleId, accountId }, data: { lastRunAt: now } })
    return backup
  }

  private async run(backup: Backup): Promise<void> {
    const readiness = backupReadiness(await this.prisma.cluster.findFirst({ where: { id: backup.clusterId, accountId: backup.accountId }, include: { nodes: true } }))
    if (!readiness.ready) throw readiness.wait ? new Error(readiness.reason) : new BackupRefused(readiness.reason)
    const { cluster } = readiness

    const context: BackupContext = { store: this.store, nodes: nodeClients(cluster.nodes, this.secrets.open(cluster.signingKey)), label: backup.id, log: this.logger }
    const prefix = `${backup.accountId}/${backup.id}`
    const current = await this.prisma.backup.findUniqueOrThrow({ where: { id: backup.id } })
    await clearInterruptedBackup(context, prefix, current.collections as unknown as CollectionEntry[])
    await this.prisma.backup.update({ where: { id: backup.id }, data: { status: 'RUNNING', startedAt: new Date(), statusReason: null, collections: [], sizeBytes: 0 } })

    const stored = await copyCollections(context, prefix, async (entries) => {
      await this.prisma.backup.update({ where: { id: backup.id }, data: { collections: asJson(entries) } })
    })
    await this.prisma.backup.updateMany({
      where: { id: backup.id, status: 'RUNNING' },
      data: { status: 'SUCCEEDED', completedAt: new Date(), collections: asJson(stored), sizeBytes: totalSize(stored) },
    })
    this.logger.log(`backup ${backup.id} of cluster ${cluster.id}: ${stored.length} collection(s)`)
  }

  private async fail(backup: Backup, reason: string): Promise<void> {
    await this.store.deletePrefix(`${backup.accountId}/${backup.id}`).catch(() => undefined) // the retention job sweeps what stays
    await this.prisma.backup.updateMany({
      where: { id: backup.id, status: { in: [...ACTIVE] } },
      data: { status: 'FAILED', statusReason: reason, completedAt: new Date(), collections: [], sizeBytes: 0 },
    })
    this.logger.warn(`backup ${backup.id} failed: ${reason}`)
  }
}
