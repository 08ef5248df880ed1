import { Injectable } from '@nestjs/common'
import { invalidField, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { Prisma, PrismaService } from '@quiver/database'
import { AuthEpoch } from '../../auth/auth-epoch'
import { assertMayGrant } from '../../auth/escalation'
import { AccountAccess } from '../../auth/principal'
import { hashSecret, newSecret } from '../../auth/secrets'
import { RolesService } from '../roles/roles.service'

const KEY_INCLUDE = { roles: { select: { roleId: true } } } satisfies Prisma.ManagementKeyInclude
type KeyRow = Prisma.ManagementKeyGetPayload<{ include: typeof KEY_INCLUDE }>

const PREFIX_LENGTH = 12 // "qvm_" and 8 characters: enough to recognize a key, useless to guess it

function keyView(k: KeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    roleIds: k.roles.map((r) => r.roleId),
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
  }
}

@Injectable()
export class ManagementKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: RolesService,
    private readonly epoch: AuthEpoch,
  ) {}

  /** The secret is in this response only; the database keeps its hash. */
  async create(access: AccountAccess, name: string, roleIds: string[], expiresAt?: Date) {
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalidField('expiresAt', 'must be in the future')
    const roles = await this.roles.assignable(access.accountId, roleIds)
    assertMayGrant(access, roles.flatMap((r) => r.permissions), 'create a key with these roles')
    const key = newSecret('qvm')
    const row = await this.prisma.managementKey.create({
      data: {
        accountId: access.accountId,
        name,
        prefix: key.slice(0, PREFIX_LENGTH),
        secretHash: hashSecret(key),
        createdById: access.principal.kind === 'user' ? access.principal.userId : null,
        expiresAt,
        roles: { create: roles.map((r) => ({ roleId: r.id })) },
      },
      include: KEY_INCLUDE,
    })
    return { ...keyView(row), key }
  }

  async list(accountId: string, query: PageQuery): Promise<Page<ReturnType<typeof keyView>>> {
    const args = pageArgs(query)
    const rows = await this.prisma.managementKey.findMany({ ...args, where: { ...args.where, accountId }, include: KEY_INCLUDE })
    return toPage(rows, query, keyView)
  }

  async delete(accountId: string, keyId: string): Promise<void> {
    const { count } = await this.prisma.managementKey.deleteMany({ where: { id: keyId, accountId } })
    if (count === 0) throw notFound('Management key')
    await this.epoch.bump()
  }
}
