import { DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER, APP_GUARD } from '@nestjs/core'
import { Config, ProblemFilter } from '@quiver/common'
import { AccessGuard } from './auth/access.guard'
import { CoreModule } from './core.module'
import { FEATURE_MODULES } from './features'
import { HealthModule } from './modules/health/health.module'

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), HealthModule, ...FEATURE_MODULES],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    }
  }
}
