import { Injectable } from '@nestjs/common'
import { Config, conflict, forbidden } from '@quiver/common'
import { signDataPlaneToken } from '@quiver/data-plane-auth'
import { missingPermissions } from '@quiver/permissions'
import { AccountAccess } from '../../auth/principal'
import { ClustersService } from '../clusters/clusters.service'

/** Short-lived global tokens for a user's own work on a cluster (a dashboard's "open cluster"). */
@Injectable()
export class DataAccessService {
  constructor(
    private readonly clusters: ClustersService,
    private readonly config: Config,
  ) {}

  async mint(access: AccountAccess, clusterId: string, level: 'r' | 'm') {
    // the route needs read:cluster_data; a manage token needs write:cluster_data as well
    const missing = missingPermissions(access.permissions, level === 'm' ? ['write:cluster_data'] : ['read:cluster_data'])
    if (missing.length) throw forbidden(`A manage token needs ${missing.join(', ')}`, missing)
    const { cluster, signingKey } = await this.clusters.connection(access.accountId, clusterId)
    if (!cluster.endpoint) throw conflict(`The cluster is ${cluster.status} and not serving; try again when it is HEALTHY`)
    const expiresAt = new Date(Date.now() + this.config.DATA_ACCESS_TOKEN_TTL_MINUTES * 60_000)
    const sub = access.principal.kind === 'user' ? access.principal.userId : access.principal.keyId
    const token = await signDataPlaneToken({ access: level, exp: Math.floor(expiresAt.getTime() / 1000), sub }, signingKey)
    return { token, expiresAt, endpoint: cluster.endpoint }
  }
}
