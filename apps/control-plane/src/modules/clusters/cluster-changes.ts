import { Inject, Injectable } from '@nestjs/common'
import type { Redis } from 'ioredis'
import { Config } from '@quiver/common'
import { BoundedCache } from '../../auth/auth-epoch'
import { REDIS, SharedReads } from '../../redis.module'

const MAX_AGE_MS = 1000

/**
 * Cluster listings are read far more often (dashboards, automation polling) than clusters change. A
 * counter per account in Redis moves after every change of its clusters; a listing computed under the
 * current value is served from memory on every replica. Past a second (a safety net for a lost
 * counter bump), one request reads it again while the others are still served the page it replaces.
 */
@Injectable()
export class ClusterChanges {
  private readonly pages = new BoundedCache<{ version: string; at: number; value: unknown }>(10_000)
  /** listings being read, by page and version: the requests that miss together wait for one read */
  private readonly reading = new Map<string, Promise<unknown>>()

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
    const page = this.pages.get(id)
    if (page?.version !== version) return this.read(id, version, compute)
    if (Date.now() - page.at >= MAX_AGE_MS) this.read(id, version, compute).catch(() => undefined)
    return page.value as T
  }

  private read<T>(id: string, version: string, compute: () => Promise<T>): Promise<T> {
    const flight = `${id}@${version}`
    let reading = this.reading.get(flight) as Promise<T> | undefined
    if (!reading) {
      reading = compute()
        .then((value) => {
          // a read under an older version that ends last must not replace a newer page
          const page = this.pages.get(id)
          if (!page || Number(page.version) <= Number(version)) this.pages.set(id, { version, at: Date.now(), value })
          return value
        })
        .finally(() => this.reading.delete(flight))
      this.reading.set(flight, reading)
    }
    return reading
  }

  private key(accountId: string) {
    return `${this.config.REDIS_PREFIX}:clusters-version:${accountId}`
  }
}
