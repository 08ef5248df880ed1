import { Logger } from '@nestjs/common'
import pg from 'pg'

const logger = new Logger('BackupLock')

/**
 * Runs `work` holding the cluster's backup lock, a PostgreSQL session advisory lock on a connection
 * of its own: backups and restores of one cluster never overlap (a backup never copies a
 * half-restored cluster), a worker that dies releases it with its connection, and a long backup
 * holds no connection of the pool that requests need. It is not the lock cluster converges take, so
 * a backup never holds up a restart or a deletion; those make its node calls fail and the job retry.
 * Waits up to a minute for the lock, then fails (the job is retried).
 */
export async function withBackupLock<T>(databaseUrl: string, clusterId: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'quiver-backup-lock' })
  client.on('error', (error) => logger.warn(`lost the backup lock of cluster ${clusterId}: ${error.message}`))
  await client.connect()
  try {
    await client.query(`SET lock_timeout = '60s'`)
    await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', ['quiver.backups', clusterId])
    return await work()
  } finally {
    await client.end().catch(() => undefined) // the session ends: the lock is released
  }
}
