import { DynamicModule, Global, Module } from '@nestjs/common'
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core'
import { PassportModule } from '@nestjs/passport'
import { Config, ProblemFilter } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { AccessGuard } from './auth/access.guard'
import { AccountAccessService } from './auth/account-access.service'
import { ManagementKeyAuthenticator } from './auth/management-keys.auth'
import { SessionsService } from './auth/sessions.service'
import { ManagementKeyStrategy, SessionStrategy } from './auth/strategies'
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor'
import { AccountsModule } from './modules/accounts/accounts.module'
import { AuthModule } from './modules/auth/auth.module'
import { HealthModule } from './modules/health/health.module'
import { MeModule } from './modules/me/me.module'
import { PermissionsModule } from './modules/permissions/permissions.controller'
import { RedisModule } from './redis.module'

/** Config, the database and authentication: what every feature module may inject. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: Config): DynamicModule {
    const providers = [
      { provide: Config, useValue: config },
      { provide: PrismaService, useFactory: () => new PrismaService(config.DATABASE_URL, config.DATABASE_POOL_SIZE) },
      SessionsService,
      ManagementKeyAuthenticator,
      AccountAccessService,
      SessionStrategy,
      ManagementKeyStrategy,
    ]
    return {
      module: CoreModule,
      imports: [PassportModule, RedisModule],
      providers,
      exports: [Config, PrismaService, SessionsService, AccountAccessService],
    }
  }
}

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), HealthModule, PermissionsModule, AuthModule, MeModule, AccountsModule],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    }
  }
}
