import { Injectable, Logger } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { ClusterChanges } from '../clusters/cluster-changes'
import { ACTIVE } from './backup-rules'

type RestoreRef = { id: string; accountId: string; backupId: string; clusterId: string; generation: number }

/**
 * How a restore ends, whoever did the work (the worker, or a hybrid environment's agent): the cluster
 * it held at its generation leaves UPDATING (or CREATING, for a cluster made from the backup).
 */
@Injectable()
export class RestoreOutcomes {
  private readonly logger = new Logger('BackupRestore')

  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: ClusterChanges,
  ) {}

  async succeeded(restore: RestoreRef): Promise<void> {
    const settled = await this.prisma.cluster.updateMany({
      where: { id: restore.clusterId, accountId: restore.accountId, generation: restore.generation, status: { in: ['UPDATING', 'CREATING'] } },
      data: { status: 'HEALTHY', statusReason: null, restoreFromBackupId: null },
    })
    await this.prisma.backupRestore.updateMany({
      where: { id: restore.id, accountId: restore.accountId },
      data: settled.count ? { status: 'SUCCEEDED', completedAt: new Date() } : { status: 'FAILED', statusReason: 'The cluster changed while it was restored', completedAt: new Date() },
    })
    await this.changes.changed(restore.accountId)
    this.logger.log(`restore ${restore.id}: backup ${restore.backupId} restored into cluster ${restore.clusterId}`)
  }

  /** `damaged`: a stored file failed its checksum, so the backup itself is marked FAILED (never restored again). */
  async failed(restore: RestoreRef, reason: string, damaged = false): Promise<void> {
    await this.prisma.backupRestore.updateMany({
      where: { id: restore.id, accountId: restore.accountId, status: { in: [...ACTIVE] } },
      data: { status: 'FAILED', statusReason: reason, completedAt: new Date() },
    })
    if (damaged) {
      await this.prisma.backup.updateMany({ where: { id: restore.backupId, accountId: restore.accountId, status: 'SUCCEEDED' }, data: { status: 'FAILED', statusReason: reason } })
    }
    await this.release(restore.accountId, restore.clusterId, restore.generation, reason)
    this.logger.warn(`restore ${restore.id} of backup ${restore.backupId} failed: ${reason}`)
  }

  /**
   * The cluster leaves the restore's hold: a cluster restored into goes back to HEALTHY (its nodes
   * kept running throughout); one created from the backup shows FAILED with the reason.
   */
  async release(accountId: string, clusterId: string, generation: number, reason: string): Promise<void> {
    const where = { id: clusterId, accountId, generation }
    await this.prisma.cluster.updateMany({ where: { ...where, status: 'UPDATING' }, data: { status: 'HEALTHY', statusReason: null } })
    await this.prisma.cluster.updateMany({
      where: { ...where, status: 'CREATING', restoreFromBackupId: { not: null } },
      data: { status: 'FAILED', statusReason: `Restoring the backup failed: ${reason}` },
    })
    await this.changes.changed(accountId)
  }
}
