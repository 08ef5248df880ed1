// Test isolation by database (STYLE.md §4): migrate a template once, clone it per test file.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { defaultPaths, ensureDatabase, Migrator } from '@quiver/database'

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432'
// Overridable so that two checkouts can run their suites at once on one server.
export const TEMPLATE_DATABASE = process.env.TEST_TEMPLATE_DATABASE ?? 'quiver_test_template'
const ROOT = path.resolve(__dirname, '../../..')

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${SERVER_URL}/postgres` })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export async function prepareTemplateDatabase(): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`))
  const url = `${SERVER_URL}/${TEMPLATE_DATABASE}`
  await ensureDatabase(url)
  const migrator = await Migrator.open(url, defaultPaths(ROOT))
  try {
    await migrator.deploy()
  } finally {
    await migrator.close()
  }
}

/** A fresh, migrated database for one test file; returns its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `quiver_test_${randomBytes(6).toString('hex')}`
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`))
  return {
    url: `${SERVER_URL}/${name}`,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  }
}
