import { Injectable } from '@nestjs/common'
import { notFound, SecretBox } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { AgentIdentity } from '../../auth/principal'
import { AgentBackupWork } from '../backups/agent-backup-work.service'
import { revocationEntries } from '../cluster-access/revocations'
import { ClusterChanges } from '../clusters/cluster-changes'
import { AgentReportDto } from './hybrid-cloud.dto'

/** What an agent pulls (the desired clusters of its environment, and their backup work) and pushes (what runs). */
@Injectable()
export class AgentSyncService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretBox,
    private readonly changes: ClusterChanges,
    private readonly backupWork: AgentBackupWork,
  ) {}

  async desired(agent: AgentIdentity) {
    const clusters = await this.prisma.cluster.findMany({
      where: { accountId: agent.accountId, environmentId: agent.environmentId },
      orderBy: { createdAt: 'asc' },
      include: {
        apiKeys: {
          where: { revokedAt: { not: null }, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
          select: { jti: true, previousJti: true, expiresAt: true },
        },
      },
    })
    return {
      environmentId: agent.environmentId,
      clusters: clusters.map((c) => ({
        id: c.id,
        status: c.status,
        generation: c.generation,
        nodeCount: c.nodeCount,
        signingKey: this.secrets.open(c.signingKey),
        previousSigningKey: c.previousSigningKey ? this.secrets.open(c.previousSigningKey) : null,
        // revoked database API keys, for the agent to hand to its nodes
        revocations: revocationEntries(c.apiKeys),
      })),
      backupWork: await this.backupWork.pending(agent, clusters),
    }
  }

  async report(agent: AgentIdentity, clusterId: string, report: AgentReportDto): Promise<void> {
    await this.apply(agent, clusterId, report)
    await this.changes.changed(agent.accountId)
  }

  private async apply(agent: AgentIdentity, clusterId: string, report: AgentReportDto): Promise<void> {
    const cluster = await this.prisma.cluster.findFirst({
      where: { id: clusterId, accountId: agent.accountId, environmentId: agent.environmentId },
    })
    if (!cluster) throw notFound('Cluster')
    const current = { id: cluster.id, generation: report.generation }
    switch (report.state) {
      case 'DESTROYED':
        await this.prisma.cluster.deleteMany({ where: { ...current, status: 'DELETING' } })
        return
      case 'FAILED':
        await this.prisma.cluster.updateMany({ where: current, data: { status: 'FAILED', statusReason: report.reason ?? 'the agent could not run the cluster' } })
        return
      case 'STOPPED':
        await this.prisma.cluster.updateMany({ where: { ...current, status: 'SUSPENDING' }, data: { status: 'SUSPENDED', statusReason: null } })
        return
      case 'RUNNING': {
        // a restore holds the cluster (UPDATING, or CREATING from a backup) until the agent reports it done
        const held = report.generation === cluster.generation && (await this.backupWork.restoreHolds(agent, cluster))
        const settle = held
          ? []
          : [this.prisma.cluster.updateMany({ where: { ...current, status: { in: ['CREATING', 'UPDATING', 'HEALTHY', 'FAILED'] } }, data: { status: 'HEALTHY', statusReason: null } })]
        await this.prisma.$transaction([
          this.prisma.clusterNode.deleteMany({ where: { clusterId } }),
          this.prisma.clusterNode.createMany({
            data: report.nodes.map((n) => ({ clusterId, ordinal: n.ordinal, port: n.port, url: n.url, startedAt: new Date() })),
          }),
          ...settle,
        ])
      }
    }
  }
}
