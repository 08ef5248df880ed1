// Every route declares who may call it; the global AccessGuard enforces it and a test walks every route.
import { applyDecorators, SetMetadata } from '@nestjs/common'
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiNotFoundResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger'
import { Permission } from '@quiver/permissions'

export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'authenticated' } // a session or a management key
  | { kind: 'session' } // a signed-in user, never a management key
  | { kind: 'member' } // any member (or key) of the account in the path
  | { kind: 'owner' } // the Owner of the account in the path
  | { kind: 'permission'; permissions: Permission[] } // all of these, in the account in the path
  | { kind: 'agent' } // a hybrid-cloud agent, by the credential it got for its bootstrap token

export const ROUTE_ACCESS = 'quiver:route-access'

function declare(access: RouteAccess, describe: string) {
  const decorators = [SetMetadata(ROUTE_ACCESS, access), ApiExtension('x-quiver-access', describe)]
  if (access.kind === 'agent') {
    decorators.push(ApiBearerAuth('agent'), ApiUnauthorizedResponse({ description: 'Missing or revoked agent credential' }))
  } else if (access.kind !== 'public') {
    decorators.push(ApiBearerAuth('session'), ApiUnauthorizedResponse({ description: 'Missing or invalid credentials' }))
    if (access.kind !== 'session') decorators.push(ApiSecurity('managementKey'))
  }
  if (access.kind === 'member' || access.kind === 'owner' || access.kind === 'permission') {
    decorators.push(ApiNotFoundResponse({ description: 'Not a member of the account' }))
  }
  if (access.kind === 'permission') {
    decorators.push(
      ApiExtension('x-quiver-permissions', access.permissions),
      ApiForbiddenResponse({ description: `Requires ${access.permissions.join(' and ')}` }),
    )
  }
  return applyDecorators(...decorators)
}

export const Public = () => declare({ kind: 'public' }, 'public')
export const Authenticated = () => declare({ kind: 'authenticated' }, 'any session or management key')
export const SessionOnly = () => declare({ kind: 'session' }, 'a user session')
export const AccountMember = () => declare({ kind: 'member' }, 'any member of the account')
export const AccountOwner = () => declare({ kind: 'owner' }, 'the Owner of the account')
export const AgentOnly = () => declare({ kind: 'agent' }, 'a hybrid-cloud agent')
export const RequirePermission = (...permissions: [Permission, ...Permission[]]) =>
  declare({ kind: 'permission', permissions }, permissions.join(' and '))
