// The permission catalogue: the one source of truth for names, groups and descriptions.
export const PERMISSION_GROUPS = [
  'identity and access',
  'cluster',
  'hybrid cloud',
  'payment and billing',
  'account',
  'profile',
] as const
export type PermissionGroup = (typeof PERMISSION_GROUPS)[number]

export const CATALOGUE = [
  { name: 'read:roles', group: 'identity and access', description: 'List and view roles and their permissions' },
  { name: 'write:roles', group: 'identity and access', description: "Create and change roles, and assign roles to members" },
  { name: 'delete:roles', group: 'identity and access', description: 'Delete custom roles' },
  { name: 'read:management_keys', group: 'identity and access', description: 'List management keys' },
  { name: 'write:management_keys', group: 'identity and access', description: 'Create management keys' },
  { name: 'delete:management_keys', group: 'identity and access', description: 'Delete management keys' },
  { name: 'read:invites', group: 'identity and access', description: 'List invites to the account' },
  { name: 'write:invites', group: 'identity and access', description: 'Invite people to the account and revoke invites' },
  { name: 'delete:invites', group: 'identity and access', description: 'Delete invites' },
  { name: 'read:users', group: 'identity and access', description: 'List the members of the account' },
  { name: 'delete:users', group: 'identity and access', description: 'Remove members from the account' },
  { name: 'read:api_keys', group: 'cluster', description: 'List database API keys' },
  { name: 'write:api_keys', group: 'cluster', description: 'Create database API keys' },
  { name: 'delete:api_keys', group: 'cluster', description: 'Revoke database API keys' },
  { name: 'read:backups', group: 'cluster', description: 'List and view backups' },
  { name: 'write:backups', group: 'cluster', description: 'Create backups and restore from them' },
  { name: 'delete:backups', group: 'cluster', description: 'Delete backups' },
  { name: 'read:clusters', group: 'cluster', description: 'List and view clusters' },
  { name: 'write:clusters', group: 'cluster', description: 'Create, scale, restart, suspend and resume clusters' },
  { name: 'delete:clusters', group: 'cluster', description: 'Delete clusters' },
  { name: 'read:cluster_data', group: 'cluster', description: "Read a cluster's data (read-only data-access tokens)" },
  { name: 'write:cluster_data', group: 'cluster', description: "Change a cluster's data (manage data-access tokens)" },
  { name: 'read:backup_schedules', group: 'cluster', description: 'List and view backup schedules' },
  { name: 'write:backup_schedules', group: 'cluster', description: 'Create and change backup schedules' },
  { name: 'delete:backup_schedules', group: 'cluster', description: 'Delete backup schedules' },
  { name: 'read:hybrid_cloud_environments', group: 'hybrid cloud', description: 'List and view hybrid cloud environments' },
  { name: 'write:hybrid_cloud_environments', group: 'hybrid cloud', description: 'Create and change hybrid cloud environments' },
  { name: 'delete:hybrid_cloud_environments', group: 'hybrid cloud', description: 'Delete hybrid cloud environments' },
  { name: 'read:payment_information', group: 'payment and billing', description: 'View billing details and the payment method' },
  { name: 'write:payment_information', group: 'payment and billing', description: 'Change billing details and the payment method' },
  { name: 'read:account', group: 'account', description: 'View the account' },
  { name: 'write:account', group: 'account', description: 'Rename the account' },
  { name: 'delete:account', group: 'account', description: 'Delete the account and everything in it' },
  { name: 'read:profile', group: 'profile', description: 'View your own profile and memberships' },
] as const satisfies readonly { name: string; group: PermissionGroup; description: string }[]

export type Permission = (typeof CATALOGUE)[number]['name']

export const ALL_PERMISSIONS: readonly Permission[] = CATALOGUE.map((p) => p.name)

const KNOWN = new Set<string>(ALL_PERMISSIONS)
export function isPermission(name: string): name is Permission {
  return KNOWN.has(name)
}
