import { Inject, Injectable } from '@nestjs/common'
import type { Redis } from 'ioredis'
import { Config } from '@quiver/common'
import { BoundedCache } from '../../auth/auth-epoch'
import { REDIS, SharedReads } from '../../redis.module'

const MAX_AGE_MS = 1000

/**
 * Cluster listings are read far more often (dashboards, automation polling) than clusters change. A
 * counter per account in Redis moves after every change of its clusters; a listing computed under the
 * current value (and at most a second old, as a safety net) is served from memory on every replica.
 */
@Injectable()
export class ClusterChanges {
  private readonly pages = new BoundedCache<{ version: string; at: number; value: unknown }>(10_000)

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly reads: SharedReads,
    private readonly config: Config,
  ) {}

  async changed(accountId: string): Promise<void> {
    await this.redis.incr(this.key(accountId))
  }

  async cached<T>(accountId: string, query: string, compute: () => Promise<T>): Promise<T> {
    const version = (await this.reads.get(this.key(accountId))) ?? '0'
    const id = `${accountId}:${query}`
    const hit = this.pages.get(id)
    if (hit && hit.version === version && Date.now() - hit.at < MAX_AGE_MS) return hit.value as T
    const value = await compute()
    this.pages.set(id, { version, at: Date.now(), value })
    return value
  }

  private key(accountId: string) {
    return `${this.config.REDIS_PREFIX}:clusters-version:${accountId}`
  }
}
