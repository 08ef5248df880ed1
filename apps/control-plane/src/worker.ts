// The worker: BullMQ processors for every job of jobs.ts. Scale out by starting more of these.
import { NestFactory } from '@nestjs/core'
import { Config, ConfigError, createLogger, loadConfig, PinoNestLogger } from '@quiver/common'
import { WorkerModule } from './worker.module'

export async function createWorker(config: Config) {
  const logger = createLogger(config.LOG_LEVEL, 'worker')
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: new PinoNestLogger(logger) })
  worker.enableShutdownHooks()
  return worker
}

if (require.main === module) {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error)
    process.exit(1)
  }
  createWorker(config)
    .then(() => createLogger(config.LOG_LEVEL, 'worker').info('worker started'))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
