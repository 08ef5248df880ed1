import { Module } from '@nestjs/common'
import { AgentSyncService } from './agent-sync.service'
import { EnvironmentsService } from './environments.service'
import { AgentController, EnvironmentsController } from './hybrid-cloud.controller'

@Module({
  controllers: [EnvironmentsController, AgentController],
  providers: [EnvironmentsService, AgentSyncService],
  exports: [EnvironmentsService],
})
export class HybridCloudModule {}
