import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { BoundedCache } from './auth-epoch'
import { Principal } from './principal'
import { hashSecret } from './secrets'

interface CachedKey {
  principal: Principal
  expiresAt: number
  epoch: string
  lastUsedAt: number
}

const LAST_USED_RESOLUTION_MS = 60_000

/** Turns an `Authorization: apikey <key>` secret into its principal. */
@Injectable()
export class ManagementKeyAuthenticator {
  private readonly cache = new BoundedCache<CachedKey>(10_000)

  constructor(private readonly prisma: PrismaService) {}

  async authenticate(secret: string, epoch: string): Promise<Principal | null> {
    const secretHash = hashSecret(secret)
    const now = Date.now()
    let cached = this.cache.get(secretHash)
    if (!cached || cached.epoch !== epoch || cached.expiresAt <= now) {
      const key = await this.prisma.managementKey.findUnique({
        where: { secretHash },
        select: { id: true, accountId: true, expiresAt: true, lastUsedAt: true },
      })
      if (!key || (key.expiresAt && key.expiresAt.getTime() <= now)) return null
      cached = {
        principal: { kind: 'management-key', keyId: key.id, accountId: key.accountId },
        expiresAt: key.expiresAt?.getTime() ?? Infinity,
        epoch,
        lastUsedAt: key.lastUsedAt?.getTime() ?? 0,
      }
      this.cache.set(secretHash, cached)
    }
    if (now - cached.lastUsedAt > LAST_USED_RESOLUTION_MS && cached.principal.kind === 'management-key') {
      // a write per minute at most, and never on the request's critical path
      cached.lastUsedAt = now
      void this.prisma.managementKey.updateMany({ where: { id: cached.principal.keyId }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined)
    }
    return cached.principal
  }
}
