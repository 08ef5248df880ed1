import path from 'node:path'
import { Config, ConfigError, loadConfig } from '@quiver/common'
import { defaultPaths, ensureDatabase, Migrator } from '@quiver/database'
import { createApp } from './app'

const REPOSITORY_ROOT = path.resolve(__dirname, '../../../..') // from dist/apps/control-plane/src

async function prepareDatabase(config: Config) {
  if (await ensureDatabase(config.DATABASE_URL)) console.log(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}`)
  if (!config.MIGRATE_ON_START) return
  const migrator = await Migrator.open(config.DATABASE_URL, defaultPaths(REPOSITORY_ROOT)) // the engine holds an advisory lock while it migrates
  try {
    const applied = await migrator.deploy()
    if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`)
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
  await prepareDatabase(config)
  const app = await createApp(config)
  await app.listen({ host: config.HOST, port: config.PORT })
  app.getHttpAdapter().getInstance().log.info(`control plane listening on ${await app.getUrl()}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
