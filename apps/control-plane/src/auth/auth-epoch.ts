import { Inject, Injectable } from '@nestjs/common'
import type { Redis } from 'ioredis'
import { Config } from '@quiver/common'
import { REDIS, SharedReads } from '../redis.module'

/**
 * One counter in Redis for all authentication and authorization state. Every change that can take
 * access away (logout, role change or removal, membership change, key deletion, ownership transfer)
 * bumps it after its transaction commits; every request reads it once, and cached sessions and
 * permissions computed under an older value are recomputed. So a change holds for the very next
 * request on every API replica, at the cost of one Redis GET per request (shared by the requests of
 * one event-loop turn, see SharedReads).
 */
@Injectable()
export class AuthEpoch {
  private readonly key: string

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly reads: SharedReads,
    config: Config,
  ) {
    this.key = `${config.REDIS_PREFIX}:auth-epoch`
  }

  async current(): Promise<string> {
    return (await this.reads.get(this.key)) ?? '0'
  }

  async bump(): Promise<void> {
    await this.redis.incr(this.key)
  }
}

/** A bounded map that forgets its oldest entries first. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>()

  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key)
  }

  set(key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }
}
