import { ALL_PERMISSIONS, isPermission, Permission } from './catalogue'

/** `write:X` implies `read:X`: the read counterpart of a permission, if the catalogue has one. */
export function impliedRead(permission: Permission): Permission | undefined {
  if (!permission.startsWith('write:')) return undefined
  const read = `read:${permission.slice('write:'.length)}`
  return isPermission(read) ? read : undefined
}

/** A permission set closed under `write:X ⇒ read:X`, in catalogue order (how roles store it). */
export function withImpliedReads(permissions: Iterable<Permission>): Permission[] {
  const set = new Set<Permission>()
  for (const p of permissions) {
    set.add(p)
    const read = impliedRead(p)
    if (read) set.add(read)
  }
  return ALL_PERMISSIONS.filter((p) => set.has(p))
}

/** What a principal may do: the union of its roles' permissions, closed under implication. */
export function effectivePermissions(roles: Iterable<{ permissions: readonly string[] }>): Set<Permission> {
  const granted: Permission[] = []
  for (const role of roles) for (const p of role.permissions) if (isPermission(p)) granted.push(p)
  return new Set(withImpliedReads(granted))
}

/** The permissions in `required` that `held` lacks, in catalogue order; empty means allowed. */
export function missingPermissions(held: ReadonlySet<Permission>, required: Iterable<Permission>): Permission[] {
  const wanted = new Set(required)
  return ALL_PERMISSIONS.filter((p) => wanted.has(p) && !held.has(p))
}
