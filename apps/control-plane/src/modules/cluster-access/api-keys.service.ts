import { Injectable } from '@nestjs/common'
import { randomUUID } from 'node:crypto'
import { conflict, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { signDataPlaneToken } from '@quiver/data-plane-auth'
import { DatabaseApiKey, Prisma, PrismaService } from '@quiver/database'
import { JobQueue } from '../../jobs/job-queue'
import { ClustersService } from '../clusters/clusters.service'
import { accessClaim } from './access-rules'
import { AccessRuleDto, CreateApiKeyDto } from './cluster-access.dto'
import { RevocationPusher } from './revocations'

const SUFFIX_LENGTH = 6

function keyView(k: DatabaseApiKey) {
  return { id: k.id, clusterId: k.clusterId, name: k.name, accessRules: k.accessRules, suffix: k.suffix, createdAt: k.createdAt, expiresAt: k.expiresAt }
}

/** Database API keys: JWTs with a jti, signed with the cluster's key, shown once, revocable on every node. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
    private readonly pusher: RevocationPusher,
    private readonly jobs: JobQueue,
  ) {}

  async create(accountId: string, clusterId: string, dto: CreateApiKeyDto) {
    const { cluster, signingKey } = await this.clusters.connection(accountId, clusterId)
    if (cluster.status === 'DELETING') throw conflict('The cluster is being deleted')
    const { rules, access } = accessClaim(dto.accessRules)
    const days = dto.expiresInDays === undefined ? 90 : dto.expiresInDays
    const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000)
    const jti = randomUUID()
    const key = await signDataPlaneToken({ access, jti, ...(expiresAt ? { exp: Math.floor(expiresAt.getTime() / 1000) } : {}) }, signingKey)
    const row = await this.prisma.databaseApiKey.create({
      data: { accountId, clusterId, name: dto.name, jti, accessRules: rules as Prisma.InputJsonArray, suffix: key.slice(-SUFFIX_LENGTH), expiresAt },
    })
    return { ...keyView(row), key, endpoint: cluster.endpoint }
  }

  async list(accountId: string, clusterId: string, query: PageQuery): Promise<Page<ReturnType<typeof keyView>>> {
    await this.clusters.get(accountId, clusterId)
    const args = pageArgs(query)
    const rows = await this.prisma.databaseApiKey.findMany({ ...args, where: { ...args.where, accountId, clusterId, revokedAt: null } })
    return toPage(rows, query, keyView)
  }

  /** A new token for the same rules and expiry, signed with the current key (after a rotation). */
  async reissue(accountId: string, clusterId: string, keyId: string) {
    const row = await this.prisma.databaseApiKey.findFirst({ where: { id: keyId, accountId, clusterId, revokedAt: null } })
    if (!row) throw notFound('API key')
    const { cluster, signingKey } = await this.clusters.connection(accountId, clusterId)
    const { access } = accessClaim((row.accessRules as unknown as AccessRuleDto[]) ?? undefined)
    const jti = randomUUID()
    const key = await signDataPlaneToken({ access, jti, ...(row.expiresAt ? { exp: Math.floor(row.expiresAt.getTime() / 1000) } : {}) }, signingKey)
    // the old token stays valid until the previous signing key is dropped, or until the key is deleted
    const updated = await this.prisma.databaseApiKey.update({ where: { id: row.id }, data: { jti, previousJti: row.jti, suffix: key.slice(-SUFFIX_LENGTH) } })
    return { ...keyView(updated), key, endpoint: cluster.endpoint }
  }

  /** Revoked at once on every reachable node; a node that is down gets it from a retried job. */
  async revoke(accountId: string, clusterId: string, keyId: string): Promise<void> {
    const { count } = await this.prisma.databaseApiKey.updateMany({
      where: { id: keyId, accountId, clusterId, revokedAt: null },
      data: { revokedAt: new Date() },
    })
    if (count === 0) throw notFound('API key')
    const failed = await this.pusher.push(accountId, clusterId)
    if (failed.length) await this.jobs.enqueue('cluster.push-revocations', { accountId, clusterId })
  }
}
