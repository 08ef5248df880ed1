// A real control plane for one test file: its own database (cloned from the template), its own
// Redis key prefix, listening on a free loopback port.
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import type { NestFastifyApplication } from '@nestjs/platform-fastify'
import { loadConfig } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { LocalProvisioner } from '@quiver/provisioner'
import type { INestApplicationContext } from '@nestjs/common'
import { createApp } from '../../apps/control-plane/src/app'
import { createWorker } from '../../apps/control-plane/src/worker'
import { createTestDatabase } from './database'
import { HttpClient } from './http'

export interface TestControlPlane {
  app: NestFastifyApplication
  url: string
  http: HttpClient
  prisma: PrismaService
  redisPrefix: string
  /** the validated configuration it runs with */
  env: Record<string, string>
  /** its QUIVER_DATA_DIR: nodes' data and backups */
  dataDir: string
  /** what a separate worker process needs to join this control plane */
  workerEnv: Record<string, string>
  close(): Promise<void>
}

/** With `worker: true`, a job worker runs too (in this process, on the same Redis prefix). */
export async function startControlPlane(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<TestControlPlane> {
  const database = await createTestDatabase()
  const redisPrefix = `quiver_test_${randomBytes(6).toString('hex')}`
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
    DATABASE_POOL_SIZE: '5',
    ...env,
    QUIVER_DATA_DIR: path.join(tmpdir(), redisPrefix),
    DATABASE_URL: database.url,
    REDIS_PREFIX: redisPrefix,
    PORT: '0',
    HOST: '127.0.0.1',
  })
  const app = await createApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const worker: INestApplicationContext | undefined = options.worker ? await createWorker(config) : undefined
  const url = await app.getUrl()
  return {
    app,
    url,
    http: new HttpClient(url),
    prisma: app.get(PrismaService),
    redisPrefix,
    env,
    dataDir: config.QUIVER_DATA_DIR,
    workerEnv: {
      DATABASE_URL: config.DATABASE_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      QUIVER_DATA_DIR: config.QUIVER_DATA_DIR,
      QUIVER_SECRET_KEY: config.QUIVER_SECRET_KEY ?? readFileSync(path.join(config.QUIVER_DATA_DIR, 'secret.key'), 'utf8').trim(),
      MIGRATE_ON_START: 'false',
    },
    async close() {
      await worker?.close()
      await app.close()
      const redis = new Redis(config.REDIS_URL)
      const keys = await redis.keys(`${redisPrefix}:*`)
      if (keys.length) await redis.del(...keys)
      await redis.quit()
      await database.drop()
      await new LocalProvisioner(config.QUIVER_DATA_DIR).removeOrphans(new Set()) // every node this test started
      rmSync(config.QUIVER_DATA_DIR, { recursive: true, force: true })
    },
  }
}
