import { ALL_PERMISSIONS, Permission } from './catalogue'

export type BuiltInRole = 'BASE' | 'ADMIN' | 'OWNER'

export interface BuiltInRoleDefinition {
  subType: BuiltInRole
  name: string
  description: string
  permissions: readonly Permission[]
}

const ACCOUNT_CONTROL: readonly Permission[] = ['write:account', 'delete:account']

/** Present in every account, immutable. Base is held implicitly by every member. */
export const BUILT_IN_ROLES: readonly BuiltInRoleDefinition[] = [
  {
    subType: 'BASE',
    name: 'Base',
    description: 'Held by every member: view the account and your own profile',
    permissions: ['read:account', 'read:profile'],
  },
  {
    subType: 'ADMIN',
    name: 'Admin',
    description: 'Everything except changing or deleting the account',
    permissions: ALL_PERMISSIONS.filter((p) => !ACCOUNT_CONTROL.includes(p)),
  },
  {
    subType: 'OWNER',
    name: 'Owner',
    description: 'Everything; exactly one per account, moved only by transfer of ownership',
    permissions: ALL_PERMISSIONS,
  },
]

export function builtInRole(subType: BuiltInRole): BuiltInRoleDefinition {
  return BUILT_IN_ROLES.find((r) => r.subType === subType)!
}
