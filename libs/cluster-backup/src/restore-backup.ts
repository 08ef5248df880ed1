// Restoring a backup: every stored file is verified before anything on the cluster changes; then each
// collection is replaced from its snapshot (the node checks the checksum again) and collections the
// backup does not hold are removed. Replacing a collection is idempotent, so a retry does it all again.
import { BackupIntegrityError, BackupStore } from '@quiver/backup-store'
import { StoredCollection } from './collection-entries'
import { BackupContext } from './take-backup'

/** A stored file is missing or damaged: the backup cannot be restored, and nothing was touched. */
export class DamagedBackup extends Error {}

export async function verifyStoredCollections(store: BackupStore, entries: StoredCollection[]): Promise<void> {
  for (const entry of entries) {
    await store.verify(entry.key, entry.checksum).catch((error: Error) => {
      if (!(error instanceof BackupIntegrityError)) throw error
      throw new DamagedBackup(`The stored snapshot of collection ${entry.name} (node ${entry.node}) is damaged, so nothing was restored: ${error.message}`)
    })
  }
}

/** Leaves the nodes holding exactly the backed-up collections; call it after `verifyStoredCollections`. */
export async function restoreCollections({ store, nodes, label, log }: BackupContext, entries: StoredCollection[]): Promise<void> {
  if (!nodes.length) throw new Error('The cluster has no running node yet')
  // a backup of a larger cluster lands on node 0, which serves every collection
  const target = (node: number) => nodes.find((n) => n.ordinal === node) ?? nodes[0]
  for (const entry of entries) {
    await target(entry.node).client.upload(entry.name, store.read(entry.key, entry.checksum), entry.checksum)
    log.log(`restore ${label}: collection ${entry.name} restored on node ${target(entry.node).ordinal}`)
  }
  // exactly the backed-up state: collections made since the backup go
  for (const node of nodes) {
    const kept = new Set(entries.filter((e) => target(e.node) === node).map((e) => e.name))
    for (const name of await node.client.collections()) if (!kept.has(name)) await node.client.deleteCollection(name)
  }
}

/** What a failed restore says: a damaged file names itself; anything else is the restore's failure. */
export function restoreFailureReason(error: Error): string {
  return error instanceof DamagedBackup || error instanceof BackupIntegrityError ? error.message : `The restore failed: ${error.message}`
}
