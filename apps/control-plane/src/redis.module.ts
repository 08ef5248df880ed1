import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common'
import { Redis } from 'ioredis'
import { Config } from '@quiver/common'

export const REDIS = Symbol('REDIS')

/**
 * Reads of a key by requests that arrived in the same turn of the event loop share one GET, sent
 * after all of them arrived, so each still sees every write that preceded it. Per-request counters
 * (the auth epoch, an account's cluster version) then cost one round trip per turn, not per request.
 */
@Injectable()
export class SharedReads {
  private readonly waiting = new Map<string, Promise<string | null>>()

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  get(key: string): Promise<string | null> {
    let read = this.waiting.get(key)
    if (!read) {
      read = new Promise((resolve, reject) =>
        setImmediate(() => {
          this.waiting.delete(key)
          this.redis.get(key).then(resolve, reject)
        }),
      )
      this.waiting.set(key, read)
    }
    return read
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [Config],
      useFactory: (config: Config) => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, enableOfflineQueue: true }),
    },
    SharedReads,
  ],
  exports: [REDIS, SharedReads],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
