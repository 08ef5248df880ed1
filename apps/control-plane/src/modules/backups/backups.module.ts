import { Module } from '@nestjs/common'
import path from 'node:path'
import { Config } from '@quiver/common'
import { BACKUP_STORE, LocalBackupStore } from '@quiver/backup-store'
import { ClustersModule } from '../clusters/clusters.module'
import { BackupCreateHandler } from './backup-create.handler'
import { BackupRestoreHandler } from './backup-restore.handler'
import { BackupSchedulersModule } from './backup-schedulers'
import { BackupSchedulesController } from './backup-schedules.controller'
import { BackupSchedulesService } from './backup-schedules.service'
import { BackupsController } from './backups.controller'
import { BackupsRetentionHandler } from './backups-retention.handler'
import { BackupsService } from './backups.service'

@Module({
  imports: [ClustersModule, BackupSchedulersModule],
  controllers: [BackupsController, BackupSchedulesController],
  providers: [
    BackupsService,
    BackupSchedulesService,
    BackupCreateHandler,
    BackupRestoreHandler,
    BackupsRetentionHandler,
    { provide: BACKUP_STORE, inject: [Config], useFactory: (config: Config) => new LocalBackupStore(path.resolve(config.QUIVER_DATA_DIR, 'backups')) },
  ],
})
export class BackupsModule {}
