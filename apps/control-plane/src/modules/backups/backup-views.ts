import { Backup, BackupRestore, BackupSchedule } from '@quiver/database'
import { CollectionEntry, isStored } from '@quiver/cluster-backup'
import { nextRun } from './cron'

export function restoreView(r: BackupRestore) {
  return {
    id: r.id,
    backupId: r.backupId,
    clusterId: r.clusterId,
    status: r.status,
    statusReason: r.statusReason,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
  }
}

export function backupView(b: Backup & { restores?: BackupRestore[] }) {
  const latest = b.restores?.reduce<BackupRestore | null>((a, r) => (!a || r.createdAt > a.createdAt ? r : a), null) ?? null
  return {
    id: b.id,
    accountId: b.accountId,
    clusterId: b.clusterId,
    clusterName: b.clusterName,
    environmentId: b.environmentId,
    scheduleId: b.scheduleId,
    status: b.status,
    statusReason: b.statusReason,
    retentionDays: b.retentionDays,
    sizeBytes: Number(b.sizeBytes),
    collections: (b.collections as unknown as CollectionEntry[])
      .filter(isStored)
      .map(({ name, node, sizeBytes, checksum }) => ({ name, node, sizeBytes, checksum })),
    createdAt: b.createdAt,
    startedAt: b.startedAt,
    completedAt: b.completedAt,
    expiresAt: b.expiresAt,
    lastRestore: latest ? restoreView(latest) : null,
  }
}
export type BackupView = ReturnType<typeof backupView>

export function scheduleView(s: BackupSchedule, now = new Date()) {
  return {
    id: s.id,
    accountId: s.accountId,
    clusterId: s.clusterId,
    cron: s.cron,
    timezone: s.timezone,
    retentionDays: s.retentionDays,
    enabled: s.enabled,
    nextRunAt: s.enabled ? nextRun(s.cron, s.timezone, now) : null,
    lastRunAt: s.lastRunAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  }
}
export type BackupScheduleView = ReturnType<typeof scheduleView>
