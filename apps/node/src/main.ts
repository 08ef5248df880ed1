// The data-plane node: `npm run start:node`. Configuration from QUIVER_NODE_* (see config.ts); logs
// are JSON lines on stdout, the first of which after start-up says where it listens.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import pino from 'pino'
import { ConfigError, loadConfig, NodeConfig } from './config'
import { startNode } from './node'

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

async function main(): Promise<void> {
  let config: NodeConfig
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`quiver node: invalid configuration: ${error.message}`)
      process.exit(2)
    }
    throw error
  }
  const log = pino({ base: { service: 'quiver-node' } })
  const node = await startNode(config, log, packageVersion())
  log.info({ url: node.url, port: node.port, dataDir: config.dataDir }, `listening on ${node.url}`)

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: flushing checkpoints')
    node.stop().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (error: Error) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((error: Error) => {
  console.error(`quiver node: failed to start: ${error.stack ?? error.message}`)
  process.exit(1)
})
