import { Module } from '@nestjs/common'
import { BackupsModule } from '../backups/backups.module'
import { ClustersModule } from '../clusters/clusters.module'
import { AgentSyncService } from './agent-sync.service'
import { EnvironmentsService } from './environments.service'
import { AgentController, EnvironmentsController } from './hybrid-cloud.controller'

@Module({
  imports: [ClustersModule, BackupsModule],
  controllers: [EnvironmentsController, AgentController],
  providers: [EnvironmentsService, AgentSyncService],
  exports: [EnvironmentsService],
})
export class HybridCloudModule {}
