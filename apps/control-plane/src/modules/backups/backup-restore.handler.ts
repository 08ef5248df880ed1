import { Inject, Injectable, Logger } from '@nestjs/common'
import type { Job } from 'bullmq'
import { Config, SecretBox } from '@quiver/common'
import { BACKUP_STORE, BackupIntegrityError, BackupStore } from '@quiver/backup-store'
import { CollectionEntry, DamagedBackup, isStored, nodeClients, restoreCollections, verifyStoredCollections } from '@quiver/cluster-backup'
import { Backup, BackupRestore, PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobPayloads } from '../../jobs/jobs'
import { ClusterChanges } from '../clusters/cluster-changes'
import { isLastAttempt } from './backup-create.handler'
import { withBackupLock } from './cluster-lock'

/** A restore that cannot happen (no retry helps); `damaged` marks the backup itself as unusable. */
class RestoreRefused extends Error {
  constructor(
    message: string,
    readonly damaged = false,
  ) {
    super(message)
  }
}

/**
 * Restores a backup into a cluster that the request moved to UPDATING (or that was created from the
 * backup and is still CREATING), at the generation in the payload. Every stored file is verified
 * before anything on the cluster changes; then each collection is replaced from its snapshot (the
 * node checks the checksum again), collections the backup does not hold are removed, and the cluster
 * is HEALTHY again. Replacing a collection is idempotent, so a retry simply does it all again.
 */
@Injectable()
@HandlesJob('backup.restore')
export class BackupRestoreHandler implements JobHandler<'backup.restore'> {
  private readonly logger = new Logger('BackupRestore')

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretBox,
    private readonly config: Config,
    private readonly changes: ClusterChanges,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async handle({ accountId, backupId, clusterId, generation }: JobPayloads['backup.restore'], job: Job): Promise<void> {
    const backup = await this.prisma.backup.findFirst({ where: { id: backupId, accountId } })
    if (!backup) {
      await this.release(accountId, clusterId, generation, 'the backup was deleted')
      return
    }
    // a cluster created from the backup has no row yet: the restore is recorded here, once per job
    const restore = await this.prisma.backupRestore.upsert({
      where: { jobId: job.id! },
      create: { accountId, backupId, clusterId, generation, jobId: job.id! },
      update: {},
    })
    if (restore.status === 'SUCCEEDED' || restore.status === 'FAILED') return
    try {
      await withBackupLock(this.config.DATABASE_URL, clusterId, () => this.run(backup, restore))
    } catch (error) {
      const refused = error instanceof RestoreRefused
      if (refused || isLastAttempt(job)) await this.fail(backup, restore, error as Error)
      if (!refused) throw error
    }
  }

  private async run(backup: Backup, restore: BackupRestore): Promise<void> {
    const cluster = await this.prisma.cluster.findFirst({ where: { id: restore.clusterId, accountId: restore.accountId }, include: { nodes: true } })
    if (!cluster || cluster.generation !== restore.generation || !['UPDATING', 'CREATING'].includes(cluster.status)) {
      throw new RestoreRefused('The cluster was deleted or changed before the restore began; nothing was restored')
    }
    if (backup.status !== 'SUCCEEDED') throw new RestoreRefused(`The backup is ${backup.status}: ${backup.statusReason ?? 'not restorable'}`)
    await this.prisma.backupRestore.update({ where: { id: restore.id }, data: { status: 'RUNNING' } })

    const entries = (backup.collections as unknown as CollectionEntry[]).filter(isStored)
    await verifyStoredCollections(this.store, entries).catch((error: Error) => {
      throw error instanceof DamagedBackup ? new RestoreRefused(error.message, true) : error
    })
    const nodes = nodeClients(cluster.nodes, this.secrets.open(cluster.signingKey))
    await restoreCollections({ store: this.store, nodes, label: restore.id, log: this.logger }, entries)

    const settled = await this.prisma.cluster.updateMany({
      where: { id: cluster.id, generation: restore.generation, status: { in: ['UPDATING', 'CREATING'] } },
      data: { status: 'HEALTHY', statusReason: null, restoreFromBackupId: null },
    })
    await this.prisma.backupRestore.update({
      where: { id: restore.id },
      data: settled.count ? { status: 'SUCCEEDED', completedAt: new Date() } : { status: 'FAILED', statusReason: 'The cluster changed while it was restored', completedAt: new Date() },
    })
    await this.changes.changed(restore.accountId)
    this.logger.log(`restore ${restore.id}: backup ${backup.id} restored into cluster ${cluster.id} (${entries.length} collection(s))`)
  }

  private async fail(backup: Backup, restore: BackupRestore, error: Error): Promise<void> {
    const reason = error instanceof RestoreRefused || error instanceof BackupIntegrityError ? error.message : `The restore failed: ${error.message}`
    await this.prisma.backupRestore.updateMany({
      where: { id: restore.id, status: { in: ['PENDING', 'RUNNING'] } },
      data: { status: 'FAILED', statusReason: reason, completedAt: new Date() },
    })
    if (error instanceof RestoreRefused && error.damaged) {
      await this.prisma.backup.updateMany({ where: { id: backup.id, status: 'SUCCEEDED' }, data: { status: 'FAILED', statusReason: reason } })
    }
    await this.release(restore.accountId, restore.clusterId, restore.generation, reason)
    this.logger.warn(`restore ${restore.id} of backup ${backup.id} failed: ${reason}`)
  }

  /**
   * The cluster leaves the restore's hold: a cluster restored into goes back to HEALTHY (its nodes
   * kept running throughout); one created from the backup shows FAILED with the reason.
   */
  private async release(accountId: string, clusterId: string, generation: number, reason: string): Promise<void> {
    const where = { id: clusterId, accountId, generation }
    await this.prisma.cluster.updateMany({ where: { ...where, status: 'UPDATING' }, data: { status: 'HEALTHY', statusReason: null } })
    await this.prisma.cluster.updateMany({
      where: { ...where, status: 'CREATING', restoreFromBackupId: { not: null } },
      data: { status: 'FAILED', statusReason: `Restoring the backup failed: ${reason}` },
    })
    await this.changes.changed(accountId)
  }
}
