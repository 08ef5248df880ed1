import { Inject, Injectable, Logger } from '@nestjs/common'
import type { Job } from 'bullmq'
import { Config, SecretBox } from '@quiver/common'
import { BACKUP_STORE, BackupStore } from '@quiver/backup-store'
import { CollectionEntry, DamagedBackup, isStored, nodeClients, restoreCollections, restoreFailureReason, verifyStoredCollections } from '@quiver/cluster-backup'
import { Backup, BackupRestore, PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobPayloads } from '../../jobs/jobs'
import { isLastAttempt } from './backup-create.handler'
import { withBackupLock } from './cluster-lock'
import { RestoreOutcomes } from './restore-outcomes'

/** A restore that cannot happen (no retry helps). */
class RestoreRefused extends Error {}

/**
 * Restores a backup into a cluster that the request moved to UPDATING (or that was created from the
 * backup and is still CREATING), at the generation in the payload: every stored file is verified
 * before anything on the cluster changes, then the cluster holds exactly the backed-up collections.
 * A retry simply does it all again.
 */
@Injectable()
@HandlesJob('backup.restore')
export class BackupRestoreHandler implements JobHandler<'backup.restore'> {
  private readonly logger = new Logger('BackupRestore')

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretBox,
    private readonly config: Config,
    private readonly outcomes: RestoreOutcomes,
    @Inject(BACKUP_STORE) private readonly store: BackupStore,
  ) {}

  async handle({ accountId, backupId, clusterId, generation }: JobPayloads['backup.restore'], job: Job): Promise<void> {
    const backup = await this.prisma.backup.findFirst({ where: { id: backupId, accountId } })
    if (!backup) {
      await this.outcomes.release(accountId, clusterId, generation, 'the backup was deleted')
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
      const refused = error instanceof RestoreRefused || error instanceof DamagedBackup
      if (refused || isLastAttempt(job)) {
        const reason = error instanceof RestoreRefused ? error.message : restoreFailureReason(error as Error)
        await this.outcomes.failed(restore, reason, error instanceof DamagedBackup)
      }
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
    await verifyStoredCollections(this.store, entries)
    const nodes = nodeClients(cluster.nodes, this.secrets.open(cluster.signingKey))
    await restoreCollections({ store: this.store, nodes, label: restore.id, log: this.logger }, entries)
    await this.outcomes.succeeded(restore)
  }
}
