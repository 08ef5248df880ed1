import { DynamicModule, Global, Module } from '@nestjs/common'
import { PassportModule } from '@nestjs/passport'
import path from 'node:path'
import { Config, SecretBox } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { AccountAccessService } from './auth/account-access.service'
import { AgentAuthenticator } from './auth/agent.auth'
import { AuthEpoch } from './auth/auth-epoch'
import { ManagementKeyAuthenticator } from './auth/management-keys.auth'
import { SessionsService } from './auth/sessions.service'
import { ManagementKeyStrategy, SessionStrategy } from './auth/strategies'
import { JobQueue } from './jobs/job-queue'
import { Mailer } from './mail/mailer'
import { RedisModule } from './redis.module'

/** What every feature module may inject: config, the database, Redis, the job queue, mail, authentication. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: Config): DynamicModule {
    const shared = [
      { provide: Config, useValue: config },
      { provide: PrismaService, useFactory: () => new PrismaService(config.DATABASE_URL, config.DATABASE_POOL_SIZE) },
      { provide: SecretBox, useFactory: () => SecretBox.load(config.QUIVER_SECRET_KEY, path.resolve(config.QUIVER_DATA_DIR)) },
      JobQueue,
      Mailer,
      SessionsService,
      AccountAccessService,
      AgentAuthenticator,
      AuthEpoch,
      ManagementKeyAuthenticator,
    ]
    return {
      module: CoreModule,
      imports: [PassportModule, RedisModule],
      providers: [...shared, SessionStrategy, ManagementKeyStrategy],
      exports: shared.map((p) => ('provide' in p ? p.provide : p)),
    }
  }
}
