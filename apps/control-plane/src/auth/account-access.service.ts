import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { builtInRole, effectivePermissions, Permission } from '@quiver/permissions'
import { AccountAccess, Principal } from './principal'

interface StoredRole {
  type: 'SYSTEM' | 'CUSTOM'
  subType: 'BASE' | 'ADMIN' | 'OWNER' | null
  permissions: string[]
}

const ROLE_SELECT = { type: true, subType: true, permissions: true } as const

/** System roles take their permissions from code, so they follow the catalogue as it grows. */
export function rolePermissions(role: StoredRole): readonly string[] {
  return role.type === 'SYSTEM' && role.subType ? builtInRole(role.subType).permissions : role.permissions
}

/** Resolves what a principal may do in an account; null when it is not a member (→ 404). */
@Injectable()
export class AccountAccessService {
  constructor(private readonly prisma: PrismaService) {}

  async resolve(principal: Principal, accountId: string): Promise<AccountAccess | null> {
    if (principal.kind === 'management-key') {
      if (principal.accountId !== accountId) return null
      const key = await this.prisma.managementKey.findFirst({
        where: { id: principal.keyId, accountId },
        select: { roles: { select: { role: { select: ROLE_SELECT } } } },
      })
      if (!key) return null
      const permissions = effectivePermissions(key.roles.map((r) => ({ permissions: rolePermissions(r.role) })))
      return { accountId, principal, permissions, isOwner: false }
    }
    const membership = await this.prisma.membership.findUnique({
      where: { accountId_userId: { accountId, userId: principal.userId } },
      select: { account: { select: { ownerId: true } }, roles: { select: { role: { select: ROLE_SELECT } } } },
    })
    if (!membership) return null
    const isOwner = membership.account.ownerId === principal.userId
    const roles: { permissions: readonly Permission[] | readonly string[] }[] = [builtInRole('BASE')]
    if (isOwner) roles.push(builtInRole('OWNER'))
    for (const r of membership.roles) roles.push({ permissions: rolePermissions(r.role) })
    return { accountId, principal, permissions: effectivePermissions(roles), isOwner }
  }
}
