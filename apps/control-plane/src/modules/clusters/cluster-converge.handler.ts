import { Inject, Injectable, Logger } from '@nestjs/common'
import type { Job } from 'bullmq'
import { SecretBox } from '@quiver/common'
import { Cluster, ClusterNode, PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobQueue } from '../../jobs/job-queue'
import { ClusterChanges } from './cluster-changes'
import { JobPayloads } from '../../jobs/jobs'
import { CLUSTER_PROVISIONER, ClusterProvisioner, ClusterSpec } from '@quiver/provisioner'

type ClusterWithNodes = Cluster & { nodes: ClusterNode[] }

class ClusterBusy extends Error {}

/**
 * Brings a cluster's nodes to its desired state. Idempotent, and serialized per cluster with a
 * PostgreSQL advisory lock, so retries, a second worker or the reconciler never start a node twice.
 */
@Injectable()
@HandlesJob('cluster.converge')
export class ClusterConvergeHandler implements JobHandler<'cluster.converge'> {
  private readonly logger = new Logger('ClusterConverge')

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretBox,
    private readonly jobs: JobQueue,
    private readonly changes: ClusterChanges,
    @Inject(CLUSTER_PROVISIONER) private readonly provisioner: ClusterProvisioner,
  ) {}

  async handle({ accountId, clusterId, restart }: JobPayloads['cluster.converge'], job: Job): Promise<void> {
    try {
      await this.prisma.$transaction(
        async (tx) => {
          const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${clusterId})) AS locked`
          if (!locked) throw new ClusterBusy(`cluster ${clusterId} is being converged by another job`)
          await this.converge(accountId, clusterId, Boolean(restart))
          await this.changes.changed(accountId)
        },
        { timeout: 300_000, maxWait: 10_000 },
      )
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (lastAttempt && !(error instanceof ClusterBusy)) {
        await this.prisma.cluster.updateMany({
          where: { id: clusterId, accountId, status: { in: ['CREATING', 'UPDATING', 'HEALTHY'] } },
          data: { status: 'FAILED', statusReason: (error as Error).message },
        })
        await this.changes.changed(accountId)
      }
      throw error
    }
  }

  spec(cluster: ClusterWithNodes): ClusterSpec {
    return {
      clusterId: cluster.id,
      signingKey: this.secrets.open(cluster.signingKey),
      previousSigningKey: cluster.previousSigningKey ? this.secrets.open(cluster.previousSigningKey) : null,
      nodes: cluster.nodes.map(({ ordinal, port, pid }) => ({ ordinal, port, pid })),
    }
  }

  private async converge(accountId: string, clusterId: string, restart: boolean): Promise<void> {
    const cluster = await this.prisma.cluster.findFirst({ where: { id: clusterId, accountId }, include: { nodes: true } })
    if (!cluster || cluster.environmentId) return // deleted meanwhile, or an agent's to run
    const spec = this.spec(cluster)
    const settle = (data: { status: 'HEALTHY' | 'SUSPENDED' }) =>
      // only the generation this job converged to: a change made meanwhile has its own job
      this.prisma.cluster.updateMany({ where: { id: cluster.id, generation: cluster.generation }, data: { ...data, statusReason: null } })

    switch (cluster.status) {
      case 'DELETING':
        await this.provisioner.destroy(spec, spec.nodes)
        await this.prisma.cluster.deleteMany({ where: { id: cluster.id, accountId } })
        this.logger.log(`cluster ${cluster.id} deleted`)
        return
      case 'SUSPENDING':
        await this.provisioner.stop(spec, spec.nodes)
        await this.prisma.clusterNode.updateMany({ where: { clusterId: cluster.id }, data: { pid: null } })
        await settle({ status: 'SUSPENDED' })
        return
      case 'SUSPENDED':
      case 'FAILED':
        return // nothing runs until the user acts
      default: {
        if (restart) await this.provisioner.stop(spec, spec.nodes)
        const extra = spec.nodes.filter((n) => n.ordinal >= cluster.nodeCount)
        if (extra.length) {
          await this.provisioner.destroy(spec, extra)
          await this.prisma.clusterNode.deleteMany({ where: { clusterId: cluster.id, ordinal: { gte: cluster.nodeCount } } })
        }
        const wanted = Array.from({ length: cluster.nodeCount }, (_, ordinal) => spec.nodes.find((n) => n.ordinal === ordinal) ?? { ordinal, port: null, pid: null })
        const running = await this.provisioner.ensureRunning({ ...spec, nodes: restart ? wanted.map((n) => ({ ...n, pid: null })) : wanted })
        for (const node of running) {
          await this.prisma.clusterNode.upsert({
            where: { clusterId_ordinal: { clusterId: cluster.id, ordinal: node.ordinal } },
            create: { clusterId: cluster.id, ordinal: node.ordinal, port: node.port, pid: node.pid, url: node.url, startedAt: new Date() },
            update: { port: node.port, pid: node.pid, url: node.url },
          })
        }
        if (cluster.restoreFromBackupId && cluster.status === 'CREATING') {
          // a cluster made from a backup turns HEALTHY when the restore job has put the backup into it
          const restore = { accountId, backupId: cluster.restoreFromBackupId, clusterId: cluster.id, generation: cluster.generation }
          await this.jobs.enqueue('backup.restore', restore, { jobId: `restore-${cluster.id}-${cluster.generation}` })
        } else {
          await settle({ status: 'HEALTHY' })
        }
        // a node started from scratch or restarted learns the revoked keys again
        await this.jobs.enqueue('cluster.push-revocations', { accountId, clusterId: cluster.id })
      }
    }
  }
}
