import { Module } from '@nestjs/common'
import { HealthController } from './health.controller'
import { createMetrics, METRICS } from './metrics'

@Module({
  controllers: [HealthController],
  providers: [{ provide: METRICS, useFactory: createMetrics }],
  exports: [METRICS],
})
export class HealthModule {}
