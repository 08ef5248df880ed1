import { Injectable } from '@nestjs/common'
import { randomBytes } from 'node:crypto'
import { conflict, notFound, Page, pageArgs, PageQuery, SecretBox, toPage } from '@quiver/common'
import { Cluster, ClusterNode, PrismaService } from '@quiver/database'
import { JobQueue } from '../../jobs/job-queue'
import { assertRestorableInto } from '../backups/backup-rules'
import { BackupSchedulers } from '../backups/backup-schedulers'
import { ClusterChanges } from './cluster-changes'
import { assertTransition, ClusterAction, ClusterStatus, STATUS_AFTER } from './cluster-state'
import { CreateClusterDto, UpdateClusterDto } from './clusters.dto'
import { QUIVER_VERSION } from './version'

const DEFAULT_RESOURCES = { cpu: 1, memoryGb: 1, diskGb: 10 }
const MULTI_NODE_TOPOLOGY =
  'Each node runs as its own process with its own data. The endpoint is node 0, which holds every collection; ' +
  'collections are not yet spread or replicated across the other nodes.'

type ClusterWithNodes = Cluster & { nodes: ClusterNode[] }

export function clusterView(c: ClusterWithNodes) {
  const first = c.nodes.find((n) => n.ordinal === 0)
  const serving = ['HEALTHY', 'UPDATING'].includes(c.status) && first?.url
  return {
    id: c.id,
    accountId: c.accountId,
    name: c.name,
    status: c.status,
    statusReason: c.statusReason,
    nodes: c.nodeCount,
    version: c.version,
    resources: c.resources,
    endpoint: serving ? { url: first.url } : null,
    environmentId: c.environmentId,
    ...(c.nodeCount > 1 ? { topology: MULTI_NODE_TOPOLOGY } : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}
export type ClusterView = ReturnType<typeof clusterView>

@Injectable()
export class ClustersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    private readonly secrets: SecretBox,
    private readonly changes: ClusterChanges,
    private readonly backupSchedulers: BackupSchedulers,
  ) {}

  async create(accountId: string, dto: CreateClusterDto): Promise<ClusterView> {
    if (dto.environmentId) {
      const environment = await this.prisma.hybridCloudEnvironment.findFirst({ where: { id: dto.environmentId, accountId } })
      if (!environment) throw notFound('Hybrid cloud environment')
    }
    if (dto.fromBackupId) await this.assertRestorable(accountId, dto.fromBackupId, dto.environmentId)
    const signingKey = randomBytes(32).toString('base64url')
    const cluster = await this.prisma.cluster
      .create({
        data: {
          accountId,
          name: dto.name,
          nodeCount: dto.nodes ?? 1,
          resources: { ...DEFAULT_RESOURCES, ...dto.resources },
          version: QUIVER_VERSION,
          signingKey: this.secrets.seal(signingKey),
          environmentId: dto.environmentId,
          restoreFromBackupId: dto.fromBackupId,
        },
        include: { nodes: true },
      })
      .catch((error) => {
        if ((error as { code?: string }).code === 'P2002') throw conflict(`A cluster named "${dto.name}" already exists in this account`)
        throw error
      })
    await this.changes.changed(accountId)
    await this.converge(cluster)
    return clusterView(cluster)
  }

  async list(accountId: string, query: PageQuery): Promise<Page<ClusterView>> {
    return this.changes.cached(accountId, `${query.limit ?? ''}:${query.cursor ?? ''}`, async () => {
      const args = pageArgs(query)
      const rows = await this.prisma.cluster.findMany({ ...args, where: { ...args.where, accountId }, include: { nodes: true } })
      return toPage(rows, query, clusterView)
    })
  }

  async get(accountId: string, clusterId: string): Promise<ClusterView> {
    return clusterView(await this.find(accountId, clusterId))
  }

  async update(accountId: string, clusterId: string, dto: UpdateClusterDto): Promise<ClusterView> {
    const cluster = await this.find(accountId, clusterId)
    const resources = dto.resources ? { ...(cluster.resources as object), ...dto.resources } : undefined
    const reshaped =
      (dto.nodes !== undefined && dto.nodes !== cluster.nodeCount) ||
      (resources !== undefined && JSON.stringify(resources) !== JSON.stringify(cluster.resources))
    if (!reshaped) {
      if (dto.name !== undefined) assertTransition(cluster.status, 'rename')
      const renamed = await this.prisma.cluster.update({ where: { id: cluster.id }, data: { name: dto.name }, include: { nodes: true } })
      await this.changes.changed(accountId)
      return clusterView(renamed)
    }
    return this.act(cluster, 'scale', { name: dto.name, nodeCount: dto.nodes, resources })
  }

  async apply(accountId: string, clusterId: string, action: Exclude<ClusterAction, 'rename' | 'scale'>): Promise<ClusterView> {
    const cluster = await this.find(accountId, clusterId)
    if (action === 'delete' && cluster.status === 'DELETING') return clusterView(cluster) // already on its way
    const view = await this.act(cluster, action, {}, action === 'restart')
    if (action === 'delete') await this.backupSchedulers.stopForCluster(accountId, clusterId)
    return view
  }

  /**
   * A new signing key for the cluster; the previous one stays valid on the nodes (their alternate key)
   * for the grace period, so tokens and API keys signed with it keep working while they are re-issued.
   */
  async rotateSigningKey(accountId: string, clusterId: string, gracePeriodMinutes: number): Promise<ClusterView> {
    const cluster = await this.find(accountId, clusterId)
    return this.act(
      cluster,
      'rotate-key',
      {
        signingKey: this.secrets.seal(randomBytes(32).toString('base64url')),
        previousSigningKey: cluster.signingKey,
        previousKeyExpiresAt: new Date(Date.now() + gracePeriodMinutes * 60_000),
      },
      true,
    )
  }

  /** Moves to the action's transitional status (only from the status we read) and enqueues the work. */
  private async act(
    cluster: ClusterWithNodes,
    action: Exclude<ClusterAction, 'rename'>,
    changes: { name?: string; nodeCount?: number; resources?: object; signingKey?: string; previousSigningKey?: string | null; previousKeyExpiresAt?: Date | null },
    restart = false,
  ): Promise<ClusterView> {
    assertTransition(cluster.status, action)
    const status: ClusterStatus = STATUS_AFTER[action]
    const moved = await this.prisma.cluster.updateMany({
      where: { id: cluster.id, accountId: cluster.accountId, status: cluster.status, generation: cluster.generation },
      data: { ...changes, status, statusReason: null, generation: { increment: 1 } },
    })
    if (moved.count !== 1) throw conflict('The cluster changed meanwhile; reload it and try again')
    await this.changes.changed(cluster.accountId)
    const updated = await this.find(cluster.accountId, cluster.id)
    await this.converge(updated, restart)
    return clusterView(updated)
  }

  /** Clusters in a hybrid cloud environment are converged by its agent, which pulls their desired state. */
  private async converge(cluster: Cluster, restart = false) {
    if (cluster.environmentId) return
    await this.jobs.enqueue(
      'cluster.converge',
      { accountId: cluster.accountId, clusterId: cluster.id, restart },
      { jobId: `converge-${cluster.id}-${cluster.generation}` },
    )
  }

  /** What minting tokens and talking to the nodes need: the signing key and every node's address. */
  async connection(accountId: string, clusterId: string) {
    const cluster = await this.find(accountId, clusterId)
    return {
      cluster: clusterView(cluster),
      signingKey: this.secrets.open(cluster.signingKey),
      nodeUrls: cluster.nodes.filter((n) => n.url).sort((a, b) => a.ordinal - b.ordinal).map((n) => n.url!),
    }
  }

  /**
   * A cluster is created from a backup of this account that SUCCEEDED, kept where the cluster will run;
   * once its nodes run, the converge job (or, in a hybrid environment, the agent's report) starts the restore.
   */
  private async assertRestorable(accountId: string, backupId: string, environmentId: string | undefined): Promise<void> {
    const backup = await this.prisma.backup.findFirst({ where: { id: backupId, accountId }, select: { status: true, environmentId: true } })
    if (!backup) throw notFound('Backup')
    if (backup.status !== 'SUCCEEDED') throw conflict(`Only a SUCCEEDED backup can be restored; this one is ${backup.status}`)
    assertRestorableInto(backup, environmentId ?? null)
  }

  private async find(accountId: string, clusterId: string): Promise<ClusterWithNodes> {
    const cluster = await this.prisma.cluster.findFirst({ where: { id: clusterId, accountId }, include: { nodes: true } })
    if (!cluster) throw notFound('Cluster')
    return cluster
  }
}
