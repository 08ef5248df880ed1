import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import pg from 'pg'
import { defaultPaths, Migrator } from '@quiver/database'
import { TEMPLATE_DATABASE } from './support/database'
import { clearRedisPrefix, CONTROL_PLANE_MAIN, spawnNode } from './support/processes'

const ROOT = path.resolve(__dirname, '../..')
const SERVER = 'postgresql://postgres@127.0.0.1:5432'

async function dropDatabase(name: string) {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` })
  await client.connect()
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await client.end()
}

describe('start-up', () => {
  it('creates a missing database, applies the migrations and serves', async () => {
    const name = `quiver_test_startup_${randomBytes(4).toString('hex')}`
    const api = spawnNode(CONTROL_PLANE_MAIN, { DATABASE_URL: `${SERVER}/${name}`, PORT: '0', REDIS_PREFIX: name, QUIVER_DATA_DIR: `/tmp/${name}` })
    try {
      const { match } = await api.waitFor(/control plane listening on (http:\/\/[^\s"]+)/)
      const output = api.output()
      assert.ok(match, output)
      assert.match(output, /created database/)
      assert.match(output, /applied migrations: \d+_init/)
      const ready = await fetch(`${match[1]}/readyz`)
      assert.equal(ready.status, 200)
      assert.deepEqual(await ready.json(), { status: 'ok', database: 'ok', redis: 'ok' })
    } finally {
      await api.stop()
      await dropDatabase(name)
      await clearRedisPrefix(name)
    }
  })

  for (const [variable, value] of [['PORT', 'eighty'], ['DATABASE_URL', 'mysql://x/y'], ['SIGNUP_ENABLED', 'maybe']]) {
    it(`stops with a message naming ${variable} when it is invalid`, async () => {
      const api = spawnNode(CONTROL_PLANE_MAIN, { [variable]: value })
      const { code } = await api.waitFor(/listening/)
      const output = api.output()
      assert.equal(code, 1)
      assert.match(output, new RegExp(`${variable}=`))
      assert.doesNotMatch(output, /listening/)
    })
  }
})

describe('migrations', () => {
  it('match schema.prisma (no drift)', async () => {
    const migrator = await Migrator.open(`${SERVER}/${TEMPLATE_DATABASE}`, defaultPaths(ROOT))
    try {
      assert.equal(await migrator.drift(), null)
      assert.equal((await migrator.status()).inSync, true)
    } finally {
      await migrator.close()
    }
  })

  it('report the SQL that is missing when schema.prisma changed without a migration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quiver-drift-'))
    try {
      cpSync(path.join(ROOT, 'prisma'), dir, { recursive: true })
      const schema = path.join(dir, 'schema.prisma')
      writeFileSync(schema, readFileSync(schema, 'utf8') + '\nmodel Drifted {\n  id Int @id\n}\n')
      const migrator = await Migrator.open(`${SERVER}/${TEMPLATE_DATABASE}`, { schemaPath: schema, migrationsDir: path.join(dir, 'migrations') })
      try {
        assert.match((await migrator.drift()) ?? '', /CREATE TABLE "Drifted"/)
      } finally {
        await migrator.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
