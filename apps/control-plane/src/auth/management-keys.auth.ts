import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { Principal } from './principal'
import { hashSecret } from './secrets'

const LAST_USED_RESOLUTION_MS = 60_000

/** Turns an `Authorization: apikey <key>` secret into its principal. */
@Injectable()
export class ManagementKeyAuthenticator {
  constructor(private readonly prisma: PrismaService) {}

  async authenticate(secret: string): Promise<Principal | null> {
    const key = await this.prisma.managementKey.findUnique({
      where: { secretHash: hashSecret(secret) },
      select: { id: true, accountId: true, expiresAt: true, lastUsedAt: true },
    })
    const now = Date.now()
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= now)) return null
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // a write per minute at most, and never on the request's critical path
      void this.prisma.managementKey.updateMany({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined)
    }
    return { kind: 'management-key', keyId: key.id, accountId: key.accountId }
  }
}
