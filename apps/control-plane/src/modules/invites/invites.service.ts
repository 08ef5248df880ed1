import { Injectable } from '@nestjs/common'
import { Config, conflict, forbidden, notFound, Page, pageArgs, PageQuery, Problem, toPage } from '@quiver/common'
import { Invite, PrismaService } from '@quiver/database'
import { AuthEpoch } from '../../auth/auth-epoch'
import { assertMayGrant } from '../../auth/escalation'
import { AccountAccess } from '../../auth/principal'
import { hashSecret, newSecret } from '../../auth/secrets'
import { JobQueue } from '../../jobs/job-queue'
import { RolesService } from '../roles/roles.service'

const VALIDITY_MS = 7 * 24 * 3600_000

type InviteStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'REVOKED' | 'EXPIRED'

function statusOf(invite: Invite, now = Date.now()): InviteStatus {
  return invite.status === 'PENDING' && invite.expiresAt.getTime() <= now ? 'EXPIRED' : invite.status
}

export function inviteView(invite: Invite) {
  const { id, accountId, email, roleIds, expiresAt, createdAt, respondedAt } = invite
  return { id, accountId, email, roleIds, status: statusOf(invite), expiresAt, createdAt, respondedAt }
}

const gone = (detail: string) => new Problem(410, 'Gone', detail)

@Injectable()
export class InvitesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: RolesService,
    private readonly jobs: JobQueue,
    private readonly config: Config,
    private readonly epoch: AuthEpoch,
  ) {}

  async create(access: AccountAccess, email: string, roleIds: string[]) {
    const roles = await this.roles.assignable(access.accountId, roleIds)
    assertMayGrant(access, roles.flatMap((r) => r.permissions), 'invite with these roles')
    const member = await this.prisma.membership.findFirst({ where: { accountId: access.accountId, user: { email } } })
    if (member) throw conflict(`${email} is already a member of this account`)
    const pending = await this.prisma.invite.findFirst({
      where: { accountId: access.accountId, email, status: 'PENDING', expiresAt: { gt: new Date() } },
    })
    if (pending) throw conflict(`${email} already has a pending invite; revoke it to send a new one`)
    const token = newSecret('qvi')
    const invite = await this.prisma.invite.create({
      data: {
        accountId: access.accountId,
        email,
        roleIds: roles.map((r) => r.id),
        tokenHash: hashSecret(token),
        invitedById: access.principal.kind === 'user' ? access.principal.userId : null,
        expiresAt: new Date(Date.now() + VALIDITY_MS),
      },
    })
    const acceptUrl = `${this.config.PUBLIC_URL.replace(/\/$/, '')}/invites/accept?token=${token}`
    await this.jobs.enqueue('invite.email', { accountId: access.accountId, inviteId: invite.id, acceptUrl }, { jobId: `invite-${invite.id}` })
    return inviteView(invite)
  }

  async list(accountId: string, query: PageQuery): Promise<Page<ReturnType<typeof inviteView>>> {
    const args = pageArgs(query)
    const rows = await this.prisma.invite.findMany({ ...args, where: { ...args.where, accountId } })
    return toPage(rows, query, inviteView)
  }

  async revoke(accountId: string, inviteId: string) {
    const invite = await this.find(accountId, inviteId)
    const status = statusOf(invite)
    if (status !== 'PENDING') throw conflict(`The invite is ${status.toLowerCase()} and cannot be revoked`)
    await this.prisma.invite.updateMany({ where: { id: invite.id, accountId, status: 'PENDING' }, data: { status: 'REVOKED' } })
    return inviteView(await this.find(accountId, inviteId))
  }

  async delete(accountId: string, inviteId: string): Promise<void> {
    await this.find(accountId, inviteId)
    await this.prisma.invite.deleteMany({ where: { id: inviteId, accountId } })
  }

  /** Pending invites addressed to this e-mail, for the invitee's own view. */
  async pendingFor(email: string) {
    const invites = await this.prisma.invite.findMany({
      where: { email, status: 'PENDING', expiresAt: { gt: new Date() } },
      include: { account: { select: { id: true, name: true } } },
      orderBy: { createdAt: 'asc' },
    })
    return invites.map((i) => ({ id: i.id, account: i.account, expiresAt: i.expiresAt, createdAt: i.createdAt }))
  }

  async accept(user: { userId: string; email: string }, token: string) {
    const invite = await this.answerable(user, token)
    const joined = await this.prisma.$transaction(async (tx) => {
      // the conditional update makes a token usable exactly once, even under concurrent accepts
      const taken = await tx.invite.updateMany({
        where: { id: invite.id, status: 'PENDING' },
        data: { status: 'ACCEPTED', respondedAt: new Date() },
      })
      if (taken.count !== 1) throw conflict('This invite was already answered')
      const existing = await tx.membership.findUnique({ where: { accountId_userId: { accountId: invite.accountId, userId: user.userId } } })
      if (existing) throw conflict('You are already a member of this account')
      // roles deleted since the invite was sent are simply not granted
      const roles = await tx.role.findMany({
        where: { accountId: invite.accountId, id: { in: invite.roleIds }, OR: [{ type: 'CUSTOM' }, { subType: 'ADMIN' }] },
      })
      const membership = await tx.membership.create({
        data: {
          accountId: invite.accountId,
          userId: user.userId,
          roles: { create: roles.map((r) => ({ roleId: r.id })) },
        },
      })
      await tx.user.updateMany({ where: { id: user.userId, defaultAccountId: null }, data: { defaultAccountId: invite.accountId } })
      return { accountId: invite.accountId, joinedAt: membership.createdAt, roleIds: roles.map((r) => r.id) }
    })
    await this.epoch.bump() // a cached "not a member" must not outlive the membership
    return joined
  }

  async decline(user: { userId: string; email: string }, token: string): Promise<void> {
    const invite = await this.answerable(user, token)
    const taken = await this.prisma.invite.updateMany({
      where: { id: invite.id, status: 'PENDING' },
      data: { status: 'DECLINED', respondedAt: new Date() },
    })
    if (taken.count !== 1) throw conflict('This invite was already answered')
  }

  private async answerable(user: { email: string }, token: string): Promise<Invite> {
    const invite = await this.prisma.invite.findUnique({ where: { tokenHash: hashSecret(token) } })
    if (!invite) throw notFound('Invite')
    if (invite.email.toLowerCase() !== user.email.toLowerCase()) throw forbidden('This invite was sent to another e-mail address')
    const status = statusOf(invite)
    if (status === 'EXPIRED') throw gone('This invite has expired; ask for a new one')
    if (status === 'REVOKED') throw gone('This invite was revoked')
    if (status !== 'PENDING') throw conflict(`This invite was already ${status.toLowerCase()}`)
    return invite
  }

  private async find(accountId: string, inviteId: string): Promise<Invite> {
    const invite = await this.prisma.invite.findFirst({ where: { id: inviteId, accountId } })
    if (!invite) throw notFound('Invite')
    return invite
  }
}
