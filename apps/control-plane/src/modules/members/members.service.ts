import { Injectable } from '@nestjs/common'
import { conflict, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { Prisma, PrismaService } from '@quiver/database'
import { AuthEpoch } from '../../auth/auth-epoch'
import { assertMayGrant } from '../../auth/escalation'
import { AccountAccess } from '../../auth/principal'
import { RolesService } from '../roles/roles.service'

const MEMBER_INCLUDE = {
  user: { select: { id: true, email: true, name: true } },
  roles: { select: { role: { select: { id: true, name: true, type: true, subType: true } } } },
  account: { select: { ownerId: true, roles: { where: { subType: { in: ['BASE', 'OWNER'] } } } } },
} satisfies Prisma.MembershipInclude
type MemberRow = Prisma.MembershipGetPayload<{ include: typeof MEMBER_INCLUDE }>

function memberView(m: MemberRow) {
  const isOwner = m.account.ownerId === m.user.id
  const implicit = m.account.roles.filter((r) => r.subType === 'BASE' || (isOwner && r.subType === 'OWNER'))
  const roles = [...implicit, ...m.roles.map((r) => r.role)].map((r) => ({ id: r.id, name: r.name, type: r.type, subType: r.subType }))
  return { user: m.user, roles, isOwner, joinedAt: m.createdAt }
}

@Injectable()
export class MembersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: RolesService,
    private readonly epoch: AuthEpoch,
  ) {}

  async list(accountId: string, query: PageQuery): Promise<Page<ReturnType<typeof memberView>>> {
    const args = pageArgs(query)
    const rows = await this.prisma.membership.findMany({ ...args, where: { ...args.where, accountId }, include: MEMBER_INCLUDE })
    return toPage(rows, query, memberView)
  }

  async get(accountId: string, userId: string) {
    const member = await this.prisma.membership.findUnique({
      where: { accountId_userId: { accountId, userId } },
      include: MEMBER_INCLUDE,
    })
    if (!member) throw notFound('Member')
    return memberView(member)
  }

  async remove(accountId: string, userId: string): Promise<void> {
    const member = await this.get(accountId, userId)
    if (member.isOwner) throw conflict('The Owner cannot be removed; transfer ownership first')
    await this.prisma.$transaction([
      this.prisma.membership.deleteMany({ where: { accountId, userId } }),
      this.prisma.user.updateMany({ where: { id: userId, defaultAccountId: accountId }, data: { defaultAccountId: null } }),
    ])
    await this.epoch.bump()
  }

  /** Replaces the member's custom and Admin roles; the caller must hold every role it adds or removes. */
  async replaceRoles(access: AccountAccess, userId: string, roleIds: string[]) {
    const wanted = await this.roles.assignable(access.accountId, roleIds)
    await this.prisma.$transaction(async (tx) => {
      const membership = await tx.membership.findUnique({
        where: { accountId_userId: { accountId: access.accountId, userId } },
        include: { roles: true },
      })
      if (!membership) throw notFound('Member')
      const current = new Set(membership.roles.map((r) => r.roleId))
      const added = wanted.filter((r) => !current.has(r.id))
      const removedIds = [...current].filter((id) => !wanted.some((r) => r.id === id))
      const removed = removedIds.length ? await this.roles.assignable(access.accountId, removedIds) : []
      assertMayGrant(access, [...added, ...removed].flatMap((r) => r.permissions), 'assign or unassign these roles')
      await tx.membershipRole.deleteMany({ where: { membershipId: membership.id, roleId: { in: removedIds } } })
      await tx.membershipRole.createMany({ data: added.map((r) => ({ membershipId: membership.id, roleId: r.id })), skipDuplicates: true })
    })
    await this.epoch.bump()
    return this.get(access.accountId, userId)
  }
}
