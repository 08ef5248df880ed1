import { Injectable } from '@nestjs/common'
import { notFound } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { accountView } from '../accounts/accounts.dto'
import { userView } from '../auth/auth.dto'

@Injectable()
export class MeService {
  constructor(private readonly prisma: PrismaService) {}

  async profile(userId: string) {
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      include: {
        memberships: {
          orderBy: { createdAt: 'asc' },
          include: {
            account: { include: { roles: { where: { subType: { in: ['BASE', 'OWNER'] } } } } },
            roles: { include: { role: true } },
          },
        },
      },
    })
    const memberships = user.memberships.map((m) => {
      const isOwner = m.account.ownerId === userId
      const implicit = m.account.roles.filter((r) => r.subType === 'BASE' || (isOwner && r.subType === 'OWNER'))
      const roles = [...implicit, ...m.roles.map((r) => r.role)].map((r) => ({ id: r.id, name: r.name, type: r.type, subType: r.subType }))
      return { account: accountView(m.account), roles, isOwner }
    })
    const memberOf = new Set(memberships.map((m) => m.account.id))
    const defaultAccountId =
      user.defaultAccountId && memberOf.has(user.defaultAccountId) ? user.defaultAccountId : (memberships[0]?.account.id ?? null)
    return { user: userView(user), defaultAccountId, memberships }
  }

  async setDefaultAccount(userId: string, accountId: string) {
    const membership = await this.prisma.membership.findUnique({ where: { accountId_userId: { accountId, userId } } })
    if (!membership) throw notFound('Account')
    await this.prisma.user.update({ where: { id: userId }, data: { defaultAccountId: accountId } })
    return { defaultAccountId: accountId }
  }
}
