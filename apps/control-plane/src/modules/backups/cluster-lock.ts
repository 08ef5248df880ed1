import { PrismaService } from '@quiver/database'

/** long enough for the largest backup or restore; the lock goes with the connection if the worker dies */
const HOLD_MS = 4 * 3600_000

/**
 * Runs `work` holding the cluster's backup lock: backups and restores of one cluster never overlap
 * (a backup never copies a half-restored cluster). It is not the lock cluster converges take, so a
 * long backup never holds up a restart or a deletion; those make the backup's node calls fail and retry.
 * Waits up to a minute for the lock, then fails (the job is retried).
 */
export async function withBackupLock<T>(prisma: PrismaService, clusterId: string, work: () => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET LOCAL lock_timeout = '60s'`
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('quiver.backups'), hashtext(${clusterId}))`
      return work()
    },
    { timeout: HOLD_MS, maxWait: 10_000 },
  )
}
