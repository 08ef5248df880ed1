import { DynamicModule, Module } from '@nestjs/common'
import { DiscoveryModule } from '@nestjs/core'
import { Config } from '@quiver/common'
import { CoreModule } from './core.module'
import { FEATURE_MODULES } from './features'
import { JobWorker } from './jobs/job-worker'

@Module({})
export class WorkerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), DiscoveryModule, ...FEATURE_MODULES],
      providers: [JobWorker],
    }
  }
}
