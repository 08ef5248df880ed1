import { Injectable } from '@nestjs/common'
import { conflict, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { Prisma, PrismaService } from '@quiver/database'
import { BUILT_IN_ROLES } from '@quiver/permissions'
import { AuthEpoch } from '../../auth/auth-epoch'
import { JobQueue } from '../../jobs/job-queue'
import { AccountView, accountView } from './accounts.dto'

type Db = Prisma.TransactionClient

@Injectable()
export class AccountsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly epoch: AuthEpoch,
    private readonly jobs: JobQueue,
  ) {}

  /** A new account with its built-in roles, owned by `ownerId`; pass `db` to join a transaction. */
  async create(ownerId: string, name: string, db?: Db): Promise<AccountView> {
    const work = async (tx: Db) => {
      const account = await tx.account.create({ data: { name, ownerId } })
      await tx.role.createMany({
        data: BUILT_IN_ROLES.map((r) => ({
          accountId: account.id,
          name: r.name,
          description: r.description,
          type: 'SYSTEM' as const,
          subType: r.subType,
          permissions: [...r.permissions],
        })),
      })
      await tx.membership.create({ data: { accountId: account.id, userId: ownerId } })
      await tx.user.updateMany({ where: { id: ownerId, defaultAccountId: null }, data: { defaultAccountId: account.id } })
      return accountView(account)
    }
    return db ? work(db) : this.prisma.$transaction(work)
  }

  async listForUser(userId: string, query: PageQuery): Promise<Page<AccountView>> {
    const args = pageArgs(query)
    const rows = await this.prisma.account.findMany({ ...args, where: { ...args.where, memberships: { some: { userId } } } })
    return toPage(rows, query, accountView)
  }

  async get(accountId: string): Promise<AccountView> {
    const account = await this.prisma.account.findUnique({ where: { id: accountId } })
    if (!account) throw notFound('Account')
    return accountView(account)
  }

  async rename(accountId: string, name: string): Promise<AccountView> {
    return accountView(await this.prisma.account.update({ where: { id: accountId }, data: { name } }))
  }

  /** Its clusters' rows go with it; the reconciler then stops their nodes and removes their data. */
  async delete(accountId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.user.updateMany({ where: { defaultAccountId: accountId }, data: { defaultAccountId: null } }),
      this.prisma.account.deleteMany({ where: { id: accountId } }),
    ])
    await this.epoch.bump()
    await this.jobs.enqueue('clusters.reconcile', {}, { jobId: `reconcile-after-account-${accountId}` })
  }

  async leave(accountId: string, userId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const account = await tx.account.findUnique({ where: { id: accountId }, select: { ownerId: true } })
      if (!account) throw notFound('Account')
      if (account.ownerId === userId) throw conflict('The Owner cannot leave the account; transfer ownership first')
      await tx.membership.deleteMany({ where: { accountId, userId } })
      await tx.user.updateMany({ where: { id: userId, defaultAccountId: accountId }, data: { defaultAccountId: null } })
    })
    await this.epoch.bump()
  }

  /** Ownership moves to another member; the former Owner stays a member with the Admin role. */
  async transferOwnership(accountId: string, fromUserId: string, toUserId: string): Promise<AccountView> {
    const account = await this.prisma.$transaction(async (tx) => {
      if (toUserId === fromUserId) throw conflict('You are already the Owner of this account')
      const target = await tx.membership.findUnique({ where: { accountId_userId: { accountId, userId: toUserId } } })
      if (!target) throw notFound('Member')
      const moved = await tx.account.updateMany({ where: { id: accountId, ownerId: fromUserId }, data: { ownerId: toUserId } })
      if (moved.count !== 1) throw conflict('Ownership changed meanwhile; reload and try again')
      const admin = await tx.role.findUniqueOrThrow({ where: { accountId_subType: { accountId, subType: 'ADMIN' } } })
      const former = await tx.membership.findUniqueOrThrow({ where: { accountId_userId: { accountId, userId: fromUserId } } })
      await tx.membershipRole.upsert({
        where: { membershipId_roleId: { membershipId: former.id, roleId: admin.id } },
        create: { membershipId: former.id, roleId: admin.id },
        update: {},
      })
      return accountView(await tx.account.findUniqueOrThrow({ where: { id: accountId } }))
    })
    await this.epoch.bump()
    return account
  }
}
