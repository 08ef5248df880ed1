// The worker: BullMQ processors for every job of jobs.ts. Scale out by starting more of these.
import { NestFactory } from '@nestjs/core'
import { Config, ConfigError, createLogger, loadConfig, PinoNestLogger } from '@quiver/common'
import { WorkerModule } from './worker.module'

/** `name` tells the worker's log lines apart; Nest's logger is process-wide, so an in-process worker shares the API's name. */
export async function createWorker(config: Config, name = 'worker') {
  const logger = createLogger(config.LOG_LEVEL, name)
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
