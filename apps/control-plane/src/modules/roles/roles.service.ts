import { Injectable } from '@nestjs/common'
import { badRequest, conflict, invalidField, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { Prisma, PrismaService } from '@quiver/database'
import { isPermission, Permission, withImpliedReads } from '@quiver/permissions'
import { rolePermissions } from '../../auth/account-access.service'
import { AuthEpoch } from '../../auth/auth-epoch'
import { assertMayGrant } from '../../auth/escalation'
import { AccountAccess } from '../../auth/principal'
import { CreateRoleDto, UpdateRoleDto } from './roles.dto'

type RoleRow = Prisma.RoleGetPayload<object>

export interface RoleView {
  id: string
  name: string
  description: string
  type: 'SYSTEM' | 'CUSTOM'
  subType?: 'BASE' | 'ADMIN' | 'OWNER'
  permissions: string[]
  createdAt: Date
  updatedAt: Date
}

export function roleView(role: RoleRow): RoleView {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    type: role.type,
    ...(role.subType ? { subType: role.subType } : {}),
    permissions: [...rolePermissions(role)],
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  }
}

/** Catalogue names only (400 naming the unknown ones), closed under write ⇒ read. */
function parsePermissions(names: string[]): Permission[] {
  const unknown = names.filter((n) => !isPermission(n))
  if (unknown.length) throw invalidField('permissions', `unknown permission(s): ${unknown.join(', ')}`)
  return withImpliedReads(names as Permission[])
}

function uniqueName<T>(name: string) {
  return (error: unknown): T => {
    if ((error as { code?: string }).code === 'P2002') throw conflict(`A role named "${name}" already exists in this account`)
    throw error
  }
}

@Injectable()
export class RolesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly epoch: AuthEpoch,
  ) {}

  async list(accountId: string, query: PageQuery): Promise<Page<RoleView>> {
    const args = pageArgs(query)
    const rows = await this.prisma.role.findMany({ ...args, where: { ...args.where, accountId } })
    return toPage(rows, query, roleView)
  }

  async get(accountId: string, roleId: string): Promise<RoleView> {
    return roleView(await this.find(accountId, roleId))
  }

  async create(access: AccountAccess, dto: CreateRoleDto): Promise<RoleView> {
    const permissions = parsePermissions(dto.permissions)
    assertMayGrant(access, permissions, 'create this role')
    const role = await this.prisma.role
      .create({ data: { accountId: access.accountId, name: dto.name, description: dto.description ?? '', type: 'CUSTOM', permissions } })
      .catch(uniqueName<RoleRow>(dto.name))
    return roleView(role)
  }

  async update(access: AccountAccess, roleId: string, dto: UpdateRoleDto): Promise<RoleView> {
    const role = await this.findCustom(access.accountId, roleId)
    const permissions = dto.permissions ? parsePermissions(dto.permissions) : undefined
    // changing a role changes what its holders may do: the caller must hold all it carried and will carry
    assertMayGrant(access, [...(role.permissions as Permission[]), ...(permissions ?? [])], 'change this role')
    const name = dto.name ?? role.name
    // optimistic concurrency: the check above holds only for the version it read
    const updated = await this.prisma.role
      .updateMany({
        where: { id: role.id, accountId: access.accountId, version: role.version },
        data: { name, description: dto.description, permissions, version: { increment: 1 } },
      })
      .catch(uniqueName<{ count: number }>(name))
    if (updated.count !== 1) throw conflict('The role changed meanwhile; reload it and try again')
    await this.epoch.bump()
    return this.get(access.accountId, role.id)
  }

  async duplicate(access: AccountAccess, roleId: string, name: string): Promise<RoleView> {
    const source = await this.find(access.accountId, roleId)
    const permissions = withImpliedReads(rolePermissions(source) as Permission[])
    assertMayGrant(access, permissions, 'duplicate this role')
    const role = await this.prisma.role
      .create({ data: { accountId: access.accountId, name, description: source.description, type: 'CUSTOM', permissions } })
      .catch(uniqueName<RoleRow>(name))
    return roleView(role)
  }

  /** Members, keys and pending invites lose the role in the same transaction. */
  async delete(accountId: string, roleId: string): Promise<void> {
    const role = await this.findCustom(accountId, roleId)
    await this.prisma.$transaction([
      this.prisma.$executeRaw`UPDATE "Invite" SET "roleIds" = array_remove("roleIds", ${role.id}::uuid) WHERE "accountId" = ${accountId}::uuid`,
      this.prisma.role.deleteMany({ where: { id: role.id, accountId } }),
    ])
    await this.epoch.bump()
  }

  /** Roles that may be given to a member, an invitee or a key: custom roles and Admin. */
  async assignable(accountId: string, roleIds: string[]): Promise<{ id: string; name: string; permissions: Permission[] }[]> {
    const ids = [...new Set(roleIds)]
    const roles = await this.prisma.role.findMany({ where: { accountId, id: { in: ids } } })
    const missing = ids.filter((id) => !roles.some((r) => r.id === id))
    if (missing.length) throw notFound(`Role ${missing.join(', ')}`)
    const implicit = roles.filter((r) => r.subType === 'BASE' || r.subType === 'OWNER')
    if (implicit.length) {
      throw badRequest(`${implicit.map((r) => r.name).join(' and ')} cannot be assigned: Base is held by every member and Owner moves only by transfer`)
    }
    return roles.map((r) => ({ id: r.id, name: r.name, permissions: withImpliedReads(rolePermissions(r) as Permission[]) }))
  }

  private async find(accountId: string, roleId: string): Promise<RoleRow> {
    const role = await this.prisma.role.findFirst({ where: { id: roleId, accountId } })
    if (!role) throw notFound('Role')
    return role
  }

  private async findCustom(accountId: string, roleId: string): Promise<RoleRow> {
    const role = await this.find(accountId, roleId)
    if (role.type === 'SYSTEM') throw conflict(`${role.name} is a built-in role and cannot be changed or deleted`)
    return role
  }
}
