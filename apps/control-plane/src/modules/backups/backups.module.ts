import { Module } from '@nestjs/common'
import path from 'node:path'
import { Config } from '@quiver/common'
import { BACKUP_STORE, LocalBackupStore } from '@quiver/backup-store'
import { ClustersModule } from '../clusters/clusters.module'
import { AgentBackupReports } from './agent-backup-reports.service'
import { AgentBackupWork } from './agent-backup-work.service'
import { AgentBackupsController } from './agent-backups.controller'
import { BackupCreateHandler } from './backup-create.handler'
import { BackupRestoreHandler } from './backup-restore.handler'
import { BackupSchedulersModule } from './backup-schedulers'
import { BackupSchedulesController } from './backup-schedules.controller'
import { BackupSchedulesService } from './backup-schedules.service'
import { BackupsController } from './backups.controller'
import { BackupsRetentionHandler } from './backups-retention.handler'
import { BackupsService } from './backups.service'
import { RestoreOutcomes } from './restore-outcomes'

@Module({
  imports: [ClustersModule, BackupSchedulersModule],
  controllers: [BackupsController, BackupSchedulesController, AgentBackupsController],
  providers: [
    BackupsService,
    RestoreOutcomes,
    AgentBackupWork,
    AgentBackupReports,
    BackupSchedulesService,
    BackupCreateHandler,
    BackupRestoreHandler,
    BackupsRetentionHandler,
    { provide: BACKUP_STORE, inject: [Config], useFactory: (config: Config) => new LocalBackupStore(path.resolve(config.QUIVER_DATA_DIR, 'backups')) },
  ],
  exports: [AgentBackupWork],
})
export class BackupsModule {}
