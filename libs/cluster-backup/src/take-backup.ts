// Making a backup: every collection of every node, snapshotted on the node and copied into a backup
// store, checked against the checksum the node computed. The control plane's worker and the
// hybrid-cloud agent both run exactly this; each records the progress where it keeps its state.
import { BackupStore, keySegment } from '@quiver/backup-store'
import { CollectionEntry, StartedSnapshot, StoredCollection } from './collection-entries'
import { NodeSnapshots } from './node-snapshots'

export interface BackupNode {
  ordinal: number
  client: NodeSnapshots
}

export interface BackupLog {
  log(message: string): void
  warn(message: string): void
}

/** Where a backup or a restore works: a backup store, the cluster's nodes, and a log that names it (`label`). */
export interface BackupContext {
  store: BackupStore
  nodes: BackupNode[]
  label: string
  log: BackupLog
}

/**
 * Undoes what an interrupted attempt left: the snapshots it had started on the nodes, and every file
 * it stored below `prefix`. A retry calls it first and starts over, so an attempt never mixes with another.
 */
export async function clearInterruptedBackup({ store, nodes, log }: BackupContext, prefix: string, entries: CollectionEntry[]): Promise<void> {
  for (const entry of entries) {
    if (!('snapshot' in entry)) continue
    const node = nodes.find((n) => n.ordinal === entry.node)
    await node?.client.deleteSnapshot(entry.name, entry.snapshot).catch((error: Error) => log.warn(`left snapshot ${entry.snapshot}: ${error.message}`))
  }
  await store.deletePrefix(prefix)
}

/**
 * Snapshots and stores each collection, one at a time, below `prefix`. `progress` hears the entries
 * after every step (a started snapshot, then its stored file), so that whoever resumes knows what to undo.
 */
export async function copyCollections(
  { store, nodes, label, log }: BackupContext,
  prefix: string,
  progress: (entries: CollectionEntry[]) => Promise<void>,
): Promise<StoredCollection[]> {
  const stored: StoredCollection[] = []
  for (const node of nodes) {
    for (const name of await node.client.collections()) {
      const snapshot = await node.client.createSnapshot(name)
      const started: StartedSnapshot = { node: node.ordinal, name, snapshot: snapshot.name }
      await progress([...stored, started])
      const key = `${prefix}/node-${node.ordinal}/${keySegment(name)}.snapshot`
      const object = await store.put(key, await node.client.download(name, snapshot.name), snapshot.checksum)
      await node.client.deleteSnapshot(name, snapshot.name)
      stored.push({ node: node.ordinal, name, key, sizeBytes: object.sizeBytes, checksum: object.checksum })
      await progress(stored)
      log.log(`backup ${label}: stored collection ${name} of node ${node.ordinal} (${object.sizeBytes} bytes)`)
    }
  }
  return stored
}

export const totalSize = (stored: StoredCollection[]) => stored.reduce((n, c) => n + c.sizeBytes, 0)
