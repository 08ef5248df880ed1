import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { builtInRole, effectivePermissions, Permission } from '@quiver/permissions'
import { BoundedCache } from './auth-epoch'
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
  private readonly cache = new BoundedCache<{ access: AccountAccess | null; epoch: string }>(50_000)

  constructor(private readonly prisma: PrismaService) {}

  /** Cached per principal and account until the AuthEpoch moves. */
  async resolve(principal: Principal, accountId: string, epoch: string): Promise<AccountAccess | null> {
    const who = principal.kind === 'user' ? `u:${principal.userId}:${principal.sessionId}` : `k:${principal.keyId}`
    const key = `${who}:${accountId}`
    const cached = this.cache.get(key)
    if (cached && cached.epoch === epoch) return cached.access
    const access = await this.load(principal, accountId)
    this.cache.set(key, { access, epoch })
    return access
  }

  private async load(principal: Principal, accountId: string): Promise<AccountAccess | null> {
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
