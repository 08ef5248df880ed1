import { Module } from '@nestjs/common'
import { ClustersModule } from '../clusters/clusters.module'
import { ApiKeysService } from './api-keys.service'
import { ClusterAccessController } from './cluster-access.controller'
import { DataAccessService } from './data-access.service'
import { PushRevocationsHandler, RevocationPusher } from './revocations'

@Module({
  imports: [ClustersModule],
  controllers: [ClusterAccessController],
  providers: [DataAccessService, ApiKeysService, RevocationPusher, PushRevocationsHandler],
  exports: [RevocationPusher],
})
export class ClusterAccessModule {}
