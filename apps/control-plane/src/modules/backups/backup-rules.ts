import { conflict } from '@quiver/common'
import { Cluster, PrismaService } from '@quiver/database'

/** A backup or a restore still being worked on (both kinds of row share these statuses). */
export const ACTIVE = ['PENDING', 'RUNNING'] as const
export const isActive = (status: string) => (ACTIVE as readonly string[]).includes(status)

/** Whether a backup of this cluster can be made now, must wait, or cannot be made (the reason). */
export type BackupReadiness<C> = { ready: true; cluster: C } | { ready: false; wait: boolean; reason: string }

export function backupReadiness<C extends Pick<Cluster, 'status'>>(cluster: C | null): BackupReadiness<C> {
  if (!cluster) return { ready: false, wait: false, reason: 'The cluster was deleted before the backup was made' }
  if (cluster.status === 'HEALTHY') return { ready: true, cluster }
  if (cluster.status === 'CREATING' || cluster.status === 'UPDATING') {
    return { ready: false, wait: true, reason: `The cluster is ${cluster.status}; the backup waits until it is HEALTHY` }
  }
  return { ready: false, wait: false, reason: `The cluster is ${cluster.status}; only a HEALTHY cluster is backed up` }
}

/**
 * A backup's files stay where it was made: in this installation's backup store, or with the agent of
 * its hybrid environment (whose data never passes through the control plane). So it restores only
 * into a cluster of the same place.
 */
export function assertRestorableInto(backup: { environmentId: string | null }, environmentId: string | null): void {
  if (backup.environmentId === environmentId) return
  throw conflict(
    backup.environmentId
      ? `The backup is kept by the agent of hybrid cloud environment ${backup.environmentId}; it can only be restored into a cluster of that environment`
      : 'The backup is kept by the control plane; a cluster in a hybrid cloud environment can only be restored from backups its own agent made',
  )
}

/** Whether a cluster created from the backup (fromBackupId) is still CREATING: its restore needs the files. */
export async function feedsNewCluster(prisma: PrismaService, accountId: string, backupId: string): Promise<boolean> {
  return (await prisma.cluster.count({ where: { accountId, restoreFromBackupId: backupId, status: 'CREATING' } })) > 0
}
