import { Injectable } from '@nestjs/common'
import { Config } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { AuthEpoch, BoundedCache } from './auth-epoch'
import { Principal } from './principal'
import { hashSecret, newSecret } from './secrets'

interface CachedSession {
  principal: Principal
  expiresAt: number
  epoch: string
}

@Injectable()
export class SessionsService {
  private readonly cache = new BoundedCache<CachedSession>(10_000)

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: Config,
    private readonly epoch: AuthEpoch,
  ) {}

  /** Opens a session; the token is returned once and only its hash is kept. */
  async open(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret('qvs')
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3600_000)
    await this.prisma.session.create({ data: { userId, tokenHash: hashSecret(token), expiresAt } })
    return { token, expiresAt }
  }

  async authenticate(token: string, epoch: string): Promise<Principal | null> {
    const tokenHash = hashSecret(token)
    const cached = this.cache.get(tokenHash)
    if (cached && cached.epoch === epoch && cached.expiresAt > Date.now()) return cached.principal
    const session = await this.prisma.session.findUnique({
      where: { tokenHash },
      select: { id: true, expiresAt: true, revokedAt: true, user: { select: { id: true, email: true } } },
    })
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null
    const principal: Principal = { kind: 'user', userId: session.user.id, email: session.user.email, sessionId: session.id }
    this.cache.set(tokenHash, { principal, expiresAt: session.expiresAt.getTime(), epoch })
    return principal
  }

  async revoke(sessionId: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } })
    await this.epoch.bump()
  }
}
