import { Injectable } from '@nestjs/common'
import { Config } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { Principal } from './principal'
import { hashSecret, newSecret } from './secrets'

@Injectable()
export class SessionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: Config,
  ) {}

  /** Opens a session; the token is returned once and only its hash is kept. */
  async open(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret('qvs')
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3600_000)
    await this.prisma.session.create({ data: { userId, tokenHash: hashSecret(token), expiresAt } })
    return { token, expiresAt }
  }

  async authenticate(token: string): Promise<Principal | null> {
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: hashSecret(token) },
      select: { id: true, expiresAt: true, revokedAt: true, user: { select: { id: true, email: true } } },
    })
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null
    return { kind: 'user', userId: session.user.id, email: session.user.email, sessionId: session.id }
  }

  async revoke(sessionId: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } })
  }
}
