import { Injectable } from '@nestjs/common'
import { conflict, notFound } from '@quiver/common'
import { totalSize, isStored } from '@quiver/cluster-backup'
import { Prisma, PrismaService } from '@quiver/database'
import { AgentIdentity } from '../../auth/principal'
import { AgentBackupReportDto, AgentRestoreReportDto, collectionEntries } from './agent-backups.dto'
import { RestoreOutcomes } from './restore-outcomes'
import { ACTIVE, isActive } from './backup-rules'


/**
 * What an agent reports about its environment's backups: statuses and metadata (file names, sizes,
 * checksums), never data. An agent reaches only backups and restores of its own environment (404).
 */
@Injectable()
export class AgentBackupReports {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outcomes: RestoreOutcomes,
  ) {}

  async backup(agent: AgentIdentity, backupId: string, report: AgentBackupReportDto): Promise<void> {
    const backup = await this.findBackup(agent, backupId)
    const entries = collectionEntries(backup.id, report)
    if (!isActive(backup.status)) throw conflict(`The backup is ${backup.status}; it is no longer being made`)
    const now = new Date()
    const data: Prisma.BackupUpdateManyMutationInput = {
      RUNNING: { status: 'RUNNING' as const, startedAt: backup.startedAt ?? now, statusReason: null, collections: asJson(entries) },
      SUCCEEDED: { status: 'SUCCEEDED' as const, completedAt: now, collections: asJson(entries), sizeBytes: totalSize(entries.filter(isStored)) },
      FAILED: { status: 'FAILED' as const, statusReason: report.reason ?? 'The agent could not make the backup', completedAt: now, collections: [], sizeBytes: 0 },
    }[report.status]
    const moved = await this.prisma.backup.updateMany({ where: { id: backup.id, accountId: agent.accountId, status: { in: [...ACTIVE] } }, data })
    if (moved.count !== 1) throw conflict('The backup changed meanwhile; it is no longer being made')
  }

  async restore(agent: AgentIdentity, restoreId: string, report: AgentRestoreReportDto): Promise<void> {
    const restore = await this.prisma.backupRestore.findFirst({ where: { id: restoreId, accountId: agent.accountId } })
    const cluster = restore && (await this.prisma.cluster.findFirst({ where: { id: restore.clusterId, accountId: agent.accountId, environmentId: agent.environmentId }, select: { id: true } }))
    if (!restore || !cluster) throw notFound('Restore')
    if (!isActive(restore.status)) throw conflict(`The restore is ${restore.status}; it is no longer being done`)
    switch (report.status) {
      case 'RUNNING':
        await this.prisma.backupRestore.updateMany({ where: { id: restore.id, accountId: agent.accountId, status: 'PENDING' }, data: { status: 'RUNNING' } })
        return
      case 'SUCCEEDED':
        return this.outcomes.succeeded(restore)
      case 'FAILED':
        return this.outcomes.failed(restore, report.reason ?? 'The agent could not restore the backup', report.damaged === true)
    }
  }

  /** The agent removed a DELETING backup's files: now the backup is gone. */
  async deleted(agent: AgentIdentity, backupId: string): Promise<void> {
    const backup = await this.findBackup(agent, backupId)
    if (backup.status !== 'DELETING') throw conflict(`The backup is ${backup.status}, not DELETING`)
    await this.prisma.backup.deleteMany({ where: { id: backup.id, accountId: agent.accountId, environmentId: agent.environmentId, status: 'DELETING' } })
  }

  private async findBackup(agent: AgentIdentity, backupId: string) {
    const backup = await this.prisma.backup.findFirst({ where: { id: backupId, accountId: agent.accountId, environmentId: agent.environmentId } })
    if (!backup) throw notFound('Backup')
    return backup
  }
}

const asJson = (value: unknown) => value as Prisma.InputJsonValue
