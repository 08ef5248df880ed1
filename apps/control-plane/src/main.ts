import path from 'node:path'
import type { Logger } from 'pino'
import { Config, ConfigError, createLogger, loadConfig } from '@quiver/common'
import { defaultPaths, ensureDatabase, Migrator } from '@quiver/database'
import { createApp } from './app'
import { createWorker } from './worker'

const REPOSITORY_ROOT = path.resolve(__dirname, '../../../..') // from dist/apps/control-plane/src

async function prepareDatabase(config: Config, log: Logger) {
  if (await ensureDatabase(config.DATABASE_URL)) log.info(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}`)
  if (!config.MIGRATE_ON_START) return
  const migrator = await Migrator.open(config.DATABASE_URL, defaultPaths(REPOSITORY_ROOT)) // the engine holds an advisory lock while it migrates
  try {
    const applied = await migrator.deploy()
    if (applied.length) log.info(`applied migrations: ${applied.join(', ')}`)
  } finally {
    await migrator.close()
  }
}

async function main() {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  await prepareDatabase(config, createLogger(config.LOG_LEVEL, 'control-plane'))
  const app = await createApp(config)
  if (config.RUN_WORKER) await createWorker(config, 'control-plane')
  await app.listen({ host: config.HOST, port: config.PORT })
  app.getHttpAdapter().getInstance().log.info(`control plane listening on ${await app.getUrl()}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
