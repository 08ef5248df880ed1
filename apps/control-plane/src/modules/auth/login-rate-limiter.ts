import { Inject, Injectable } from '@nestjs/common'
import type { Redis } from 'ioredis'
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { Config, tooManyRequests } from '@quiver/common'
import { REDIS } from '../../redis.module'

/** Login attempts per e-mail and per client IP, counted in Redis so every API replica shares them. */
@Injectable()
export class LoginRateLimiter {
  private readonly perEmail: RateLimiterRedis
  private readonly perIp: RateLimiterRedis

  constructor(@Inject(REDIS) redis: Redis, config: Config) {
    const duration = config.LOGIN_RATE_WINDOW_SECONDS
    const prefix = `${config.REDIS_PREFIX}:login`
    this.perEmail = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:email`, points: config.LOGIN_MAX_ATTEMPTS_PER_EMAIL, duration })
    this.perIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:ip`, points: config.LOGIN_MAX_ATTEMPTS_PER_IP, duration })
  }

  /** Counts an attempt; throws 429 with Retry-After once either budget is spent. */
  async attempt(email: string, ip: string): Promise<void> {
    try {
      await Promise.all([this.perEmail.consume(email), this.perIp.consume(ip)])
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection
      throw tooManyRequests(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)))
    }
  }

  /** A successful login clears the e-mail's budget (the IP's keeps counting). */
  async succeeded(email: string): Promise<void> {
    await this.perEmail.delete(email)
  }
}
