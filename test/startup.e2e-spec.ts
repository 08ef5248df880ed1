import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import pg from 'pg'
import { defaultPaths, Migrator } from '@quiver/database'

const ROOT = path.resolve(__dirname, '../..')
const MAIN = path.join(ROOT, 'dist/apps/control-plane/src/main.js')
const SERVER = 'postgresql://postgres@127.0.0.1:5432'

function run(env: Record<string, string>, until: RegExp, timeoutMs = 30_000) {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: 'pipe' })
  let output = ''
  const done = new Promise<{ output: string; code: number | null; match?: RegExpMatchArray }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; output:\n${output}`)), timeoutMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = output.match(until)
      if (match) clearTimeout(timer), resolve({ output, code: null, match })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => (clearTimeout(timer), resolve({ output, code })))
  })
  return { child, done }
}

async function dropDatabase(name: string) {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` })
  await client.connect()
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await client.end()
}

describe('start-up', () => {
  it('creates a missing database, applies the migrations and serves', async () => {
    const name = `quiver_test_startup_${randomBytes(4).toString('hex')}`
    const { child, done } = run(
      { DATABASE_URL: `${SERVER}/${name}`, PORT: '0', REDIS_PREFIX: name },
      /control plane listening on (http:\/\/[^\s"]+)/,
    )
    try {
      const { match, output } = await done
      assert.ok(match, output)
      assert.match(output, /created database/)
      assert.match(output, /applied migrations: \d+_init/)
      const ready = await fetch(`${match[1]}/readyz`)
      assert.equal(ready.status, 200)
      assert.deepEqual(await ready.json(), { status: 'ok', database: 'ok', redis: 'ok' })
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      await dropDatabase(name)
    }
  })

  for (const [variable, value] of [['PORT', 'eighty'], ['DATABASE_URL', 'mysql://x/y'], ['SIGNUP_ENABLED', 'maybe']]) {
    it(`stops with a message naming ${variable} when it is invalid`, async () => {
      const { done } = run({ [variable]: value }, /$^/)
      const { code, output } = await done
      assert.equal(code, 1)
      assert.match(output, new RegExp(`${variable}=`))
      assert.doesNotMatch(output, /listening/)
    })
  }
})

describe('migrations', () => {
  it('match schema.prisma (no drift)', async () => {
    const migrator = await Migrator.open(`${SERVER}/quiver_test_template`, defaultPaths(ROOT))
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
      const migrator = await Migrator.open(`${SERVER}/quiver_test_template`, { schemaPath: schema, migrationsDir: path.join(dir, 'migrations') })
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
