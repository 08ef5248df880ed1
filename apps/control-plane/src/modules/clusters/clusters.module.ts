import { Module } from '@nestjs/common'
import path from 'node:path'
import { Config } from '@quiver/common'
import { BackupSchedulersModule } from '../backups/backup-schedulers'
import { ClusterChanges } from './cluster-changes'
import { ClusterConvergeHandler } from './cluster-converge.handler'
import { ClustersController } from './clusters.controller'
import { ClustersReconcileHandler } from './clusters-reconcile.handler'
import { ClustersService } from './clusters.service'
import { CLUSTER_PROVISIONER, LocalProvisioner } from '@quiver/provisioner'

@Module({
  imports: [BackupSchedulersModule],
  controllers: [ClustersController],
  providers: [
    ClustersService,
    ClusterChanges,
    ClusterConvergeHandler,
    ClustersReconcileHandler,
    { provide: CLUSTER_PROVISIONER, inject: [Config], useFactory: (config: Config) => new LocalProvisioner(path.resolve(config.QUIVER_DATA_DIR), config.QUIVER_NODE_ENTRY) },
  ],
  exports: [ClustersService, ClusterChanges],
})
export class ClustersModule {}
