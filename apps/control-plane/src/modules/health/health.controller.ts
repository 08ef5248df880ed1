import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common'
import { ApiExcludeController } from '@nestjs/swagger'
import type { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { PrismaService } from '@quiver/database'
import { Public } from '../../auth/access.decorators'
import { REDIS } from '../../redis.module'
import { METRICS } from './metrics'

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS) private readonly metrics: Registry,
  ) {}

  @Get('healthz')
  @Public()
  live() {
    return { status: 'ok' }
  }

  @Get('readyz')
  @Public()
  async ready() {
    const [database, redis] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(() => 'ok', () => 'unreachable'),
      this.redis.ping().then(() => 'ok', () => 'unreachable'),
    ])
    if (database !== 'ok' || redis !== 'ok') throw new ServiceUnavailableException(`database: ${database}, redis: ${redis}`)
    return { status: 'ok', database, redis }
  }

  @Get('metrics')
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4')
  scrape() {
    return this.metrics.metrics()
  }
}

