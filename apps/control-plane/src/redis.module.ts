import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common'
import { Redis } from 'ioredis'
import { Config } from '@quiver/common'

export const REDIS = Symbol('REDIS')

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [Config],
      useFactory: (config: Config) => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, enableOfflineQueue: true }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
