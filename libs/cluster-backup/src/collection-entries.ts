// What a backup records about each collection, in PostgreSQL (the control plane's own backups) or
// reported by an agent (a hybrid environment's backups): metadata only, never the data.

/** A collection of one node, stored in a backup store under `key`. */
export interface StoredCollection {
  node: number
  name: string
  key: string
  sizeBytes: number
  checksum: string
}

/** A snapshot a RUNNING backup started on a node and has not stored yet (a retry deletes it from the node). */
export interface StartedSnapshot {
  node: number
  name: string
  snapshot: string
}

export type CollectionEntry = StoredCollection | StartedSnapshot

export const isStored = (entry: CollectionEntry): entry is StoredCollection => 'key' in entry
