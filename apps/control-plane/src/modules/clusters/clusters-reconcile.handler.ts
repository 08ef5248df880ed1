import { Inject, Injectable, Logger } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobQueue } from '../../jobs/job-queue'
import { ClusterChanges } from './cluster-changes'
import { ClusterConvergeHandler } from './cluster-converge.handler'
import { CLUSTER_PROVISIONER, ClusterProvisioner } from '@quiver/provisioner'

/** Desired state (PostgreSQL) against what runs: a healthy cluster with a dead node is converged again. */
@Injectable()
@HandlesJob('clusters.reconcile')
export class ClustersReconcileHandler implements JobHandler<'clusters.reconcile'> {
  private readonly logger = new Logger('ClustersReconcile')

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    private readonly converge: ClusterConvergeHandler,
    private readonly changes: ClusterChanges,
    @Inject(CLUSTER_PROVISIONER) private readonly provisioner: ClusterProvisioner,
  ) {}

  async handle(): Promise<void> {
    // a node that should not exist (its cluster or its whole account was deleted) is stopped, its data removed
    const known = await this.prisma.cluster.findMany({ where: { environmentId: null }, select: { id: true } })
    const removed = await this.provisioner.removeOrphans(new Set(known.map((c) => c.id)))
    if (removed.length) this.logger.warn(`removed ${removed.length} cluster(s) that no longer exist: ${removed.join(', ')}`)

    // a rotation's grace period is over: the nodes drop the previous key
    const graceOver = await this.prisma.cluster.findMany({ where: { status: 'HEALTHY', previousKeyExpiresAt: { lte: new Date() } } })
    for (const cluster of graceOver) {
      const moved = await this.prisma.cluster.updateMany({
        where: { id: cluster.id, generation: cluster.generation, status: 'HEALTHY' },
        data: { previousSigningKey: null, previousKeyExpiresAt: null, status: 'UPDATING', generation: { increment: 1 } },
      })
      if (moved.count) await this.changes.changed(cluster.accountId)
      if (moved.count && !cluster.environmentId) {
        await this.jobs.enqueue('cluster.converge', { accountId: cluster.accountId, clusterId: cluster.id, restart: true }, { jobId: `converge-${cluster.id}-${cluster.generation + 1}` })
      }
    }

    const clusters = await this.prisma.cluster.findMany({ where: { status: 'HEALTHY', environmentId: null }, include: { nodes: true } })
    for (const cluster of clusters) {
      const spec = this.converge.spec(cluster)
      const alive = await Promise.all(spec.nodes.map((n) => this.provisioner.isAlive(spec, n)))
      if (alive.every(Boolean) && spec.nodes.length === cluster.nodeCount) continue
      this.logger.warn(`cluster ${cluster.id}: ${alive.filter((a) => !a).length} node(s) down; converging`)
      await this.jobs.enqueue(
        'cluster.converge',
        { accountId: cluster.accountId, clusterId: cluster.id },
        { jobId: `heal-${cluster.id}-${cluster.generation}-${Math.floor(Date.now() / 10_000)}` },
      )
    }
  }
}
