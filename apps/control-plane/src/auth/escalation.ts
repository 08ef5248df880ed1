import { forbidden } from '@quiver/common'
import { missingPermissions, Permission } from '@quiver/permissions'
import { AccountAccess } from './principal'

/**
 * The escalation rule, in one place: nobody can create or change a role, assign or unassign a role,
 * invite with a role, or create a management key that carries a permission they do not hold.
 */
export function assertMayGrant(access: AccountAccess, permissions: Iterable<Permission>, what: string): void {
  const missing = missingPermissions(access.permissions, permissions)
  if (missing.length) {
    throw forbidden(`You cannot ${what}: it carries permissions you do not hold: ${missing.join(', ')}`, missing)
  }
}
