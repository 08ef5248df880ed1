// The agent's side of its environment's backups: made from its nodes' snapshots into its own backup
// store, with the very code the control plane's worker runs; only metadata goes back.
import path from 'node:path'
import { LocalBackupStore } from '@quiver/backup-store'
import {
  BackupContext,
  BackupLog,
  clearInterruptedBackup,
  CollectionEntry,
  copyCollections,
  DamagedBackup,
  nodeClients,
  restoreCollections,
  restoreFailureReason,
  StoredCollection,
  verifyStoredCollections,
} from '@quiver/cluster-backup'
import { AgentRevoked, ControlPlaneClient, ControlPlaneError, reportedReason } from './control-plane-client'

/** What a heartbeat's answer hands the agent (the control plane's AgentBackupWorkView). */
export interface BackupWork {
  backups: { id: string; clusterId: string; status: string; collections: CollectionEntry[] }[]
  restores: { id: string; backupId: string; clusterId: string; generation: number; collections: StoredCollection[] }[]
  deletions: { id: string }[]
}

/** A cluster whose nodes run here: its key and its nodes' local addresses. */
export interface LocalCluster {
  signingKey: string
  nodes: { ordinal: number; url: string }[]
}

/**
 * Runs the backup work of each heartbeat beside the heartbeats (a long backup holds none of them up).
 * Every step is idempotent and claimed with a report first, so a restarted agent simply redoes what
 * the control plane still lists; a cluster's backups and restores take turns.
 */
export class AgentBackups {
  readonly store: LocalBackupStore
  private readonly underWay = new Set<string>()
  /** the heartbeats sent when each piece of work finished: an answer to an earlier one may still list it */
  private readonly finished = new Map<string, number>()
  private readonly turns = new Map<string, Promise<void>>()
  private heartbeats = 0

  constructor(
    dataDir: string,
    private readonly controlPlane: ControlPlaneClient,
    private readonly log: BackupLog,
  ) {
    this.store = new LocalBackupStore(path.join(dataDir, 'backups'))
  }

  /** Counts a heartbeat about to be sent; pass its number to `start` with its answer. */
  heartbeatSent(): number {
    return ++this.heartbeats
  }

  start(work: BackupWork, clusters: ReadonlyMap<string, LocalCluster>, heartbeat: number): void {
    for (const [key, when] of this.finished) if (when < this.heartbeats - 10) this.finished.delete(key)
    for (const backup of work.backups) {
      const cluster = clusters.get(backup.clusterId)
      if (cluster) this.begin(`backup ${backup.id}`, heartbeat, backup.clusterId, () => this.makeBackup(backup, cluster))
    }
    for (const restore of work.restores) {
      const cluster = clusters.get(restore.clusterId)
      if (cluster) this.begin(`restore ${restore.id}`, heartbeat, restore.clusterId, () => this.restore(restore, cluster))
    }
    for (const { id } of work.deletions) this.begin(`deletion of backup ${id}`, heartbeat, null, () => this.remove(id))
  }

  private begin(key: string, heartbeat: number, clusterId: string | null, work: () => Promise<void>): void {
    if (this.underWay.has(key) || (this.finished.get(key) ?? 0) >= heartbeat) return
    this.underWay.add(key)
    const previous = (clusterId && this.turns.get(clusterId)) || Promise.resolve()
    const turn = previous
      .then(work)
      .catch((error: Error) => this.log.warn(`${key}: ${error.message} (the next heartbeat hands it again if it is still to do)`))
      .finally(() => {
        this.underWay.delete(key)
        this.finished.set(key, this.heartbeats)
        if (clusterId && this.turns.get(clusterId) === turn) this.turns.delete(clusterId)
      })
    if (clusterId) this.turns.set(clusterId, turn)
  }

  private async makeBackup(backup: BackupWork['backups'][number], cluster: LocalCluster): Promise<void> {
    const report = (body: { status: string; collections: unknown[]; reason?: string }) =>
      this.controlPlane.call('POST', `/api/v1/agent/backups/${backup.id}/report`, body).then(() => undefined)
    // the claim: a backup finished meanwhile answers 409 before anything here is touched
    await report({ status: 'RUNNING', collections: backup.collections })
    const context = this.context(backup.id, cluster)
    try {
      await clearInterruptedBackup(context, backup.id, backup.collections)
      await report({ status: 'RUNNING', collections: [] })
      const stored = await copyCollections(context, backup.id, (entries) => report({ status: 'RUNNING', collections: entries }))
      await report({ status: 'SUCCEEDED', collections: stored })
      this.log.log(`backup ${backup.id} of cluster ${backup.clusterId}: ${stored.length} collection(s)`)
    } catch (error) {
      if (error instanceof ControlPlaneError || error instanceof AgentRevoked) throw error
      await this.store.deletePrefix(backup.id).catch(() => undefined)
      await report({ status: 'FAILED', collections: [], reason: reportedReason((error as Error).message) })
      this.log.warn(`backup ${backup.id} failed: ${(error as Error).message}`)
    }
  }

  private async restore(restore: BackupWork['restores'][number], cluster: LocalCluster): Promise<void> {
    const report = (body: { status: string; reason?: string; damaged?: boolean }) =>
      this.controlPlane.call('POST', `/api/v1/agent/restores/${restore.id}/report`, body).then(() => undefined)
    await report({ status: 'RUNNING' })
    try {
      await verifyStoredCollections(this.store, restore.collections)
      await restoreCollections(this.context(restore.id, cluster), restore.collections)
      await report({ status: 'SUCCEEDED' })
      this.log.log(`restore ${restore.id}: backup ${restore.backupId} restored into cluster ${restore.clusterId}`)
    } catch (error) {
      if (error instanceof ControlPlaneError || error instanceof AgentRevoked) throw error
      const reason = reportedReason(restoreFailureReason(error as Error))
      await report({ status: 'FAILED', reason, damaged: error instanceof DamagedBackup })
      this.log.warn(`restore ${restore.id} failed: ${reason}`)
    }
  }

  /** Files first, then the confirmation: a crash in between only means removing nothing next time. */
  private async remove(backupId: string): Promise<void> {
    await this.store.deletePrefix(backupId)
    await this.controlPlane.call('POST', `/api/v1/agent/backups/${backupId}/deleted`)
    this.log.log(`backup ${backupId} deleted`)
  }

  private context(label: string, cluster: LocalCluster): BackupContext {
    return { store: this.store, nodes: nodeClients(cluster.nodes, cluster.signingKey), label, log: this.log }
  }
}
