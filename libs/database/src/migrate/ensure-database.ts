import pg from 'pg'
import { poolConfig } from './schema-engine'

/** Creates the database named in the URL when it does not exist yet (needs CREATEDB). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database, ...server } = poolConfig(databaseUrl)
  const client = new pg.Client({ ...server, database: 'postgres' })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (rowCount) return false
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database!)}`)
    } catch (error) {
      if ((error as { code?: string }).code !== '42P04') throw error // created meanwhile by another replica
      return false
    }
    return true
  } finally {
    await client.end()
  }
}
