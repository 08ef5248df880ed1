import { Injectable, Logger } from '@nestjs/common'
import { Problem } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobPayloads } from '../../jobs/jobs'
import { ClustersService } from '../clusters/clusters.service'

/** Tells every node of a cluster which database API keys are revoked (the node keeps the list on disk). */
@Injectable()
export class RevocationPusher {
  private readonly logger = new Logger('RevocationPusher')

  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
  ) {}

  /** Returns the nodes that could not be told (to be retried). */
  async push(accountId: string, clusterId: string): Promise<string[]> {
    const { cluster, signingKey, nodeUrls } = await this.clusters.connection(accountId, clusterId)
    // the control plane never connects into a hybrid environment: its agent pulls the list instead
    if (cluster.environmentId) return []
    const revoked = await this.prisma.databaseApiKey.findMany({
      where: { accountId, clusterId, revokedAt: { not: null }, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      select: { jti: true, previousJti: true, expiresAt: true },
    })
    if (!revoked.length) return []
    const body = JSON.stringify({ revocations: revocationEntries(revoked) })
    const failed: string[] = []
    await Promise.all(
      nodeUrls.map(async (url) => {
        try {
          const res = await fetch(`${url}/internal/revocations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'api-key': signingKey },
            body,
            signal: AbortSignal.timeout(2000),
          })
          if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
        } catch (error) {
          this.logger.warn(`revocations not delivered to ${url}: ${(error as Error).message}`)
          failed.push(url)
        }
      }),
    )
    return failed
  }
}

@Injectable()
@HandlesJob('cluster.push-revocations')
export class PushRevocationsHandler implements JobHandler<'cluster.push-revocations'> {
  constructor(private readonly pusher: RevocationPusher) {}

  async handle({ accountId, clusterId }: JobPayloads['cluster.push-revocations']): Promise<void> {
    const failed = await this.pusher.push(accountId, clusterId).catch((error: unknown) => {
      if (error instanceof Problem && error.getStatus() === 404) return [] // the cluster is gone, and its keys with it
      throw error
    })
    if (failed.length) throw new Error(`revocations not delivered to ${failed.join(', ')}`)
  }
}

/** A revoked key's current token, and the one it replaced if it was re-issued. */
export function revocationEntries(keys: { jti: string; previousJti: string | null; expiresAt: Date | null }[]) {
  return keys.flatMap((k) => {
    const exp = k.expiresAt ? Math.ceil(k.expiresAt.getTime() / 1000) : null
    return [k.jti, k.previousJti].filter((jti): jti is string => Boolean(jti)).map((jti) => ({ jti, exp }))
  })
}
