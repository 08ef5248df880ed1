import { createParamDecorator, ExecutionContext } from '@nestjs/common'
import type { FastifyRequest } from 'fastify'
import { Permission } from '@quiver/permissions'

export type Principal =
  | { kind: 'user'; userId: string; email: string; sessionId: string }
  | { kind: 'management-key'; keyId: string; accountId: string }

/** What the caller may do in the account named in the path; set by the AccessGuard. */
export interface AccountAccess {
  accountId: string
  principal: Principal
  permissions: ReadonlySet<Permission>
  isOwner: boolean
}

/** The hybrid-cloud environment whose agent is calling. */
export interface AgentIdentity {
  environmentId: string
  accountId: string
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: Principal
    accountAccess?: AccountAccess
    agent?: AgentIdentity
    /** the AuthEpoch this request is checked under */
    authEpoch?: string
    /** this application's authenticators, for the passport strategies */
    authenticators?: {
      sessions: { authenticate(token: string, epoch: string): Promise<Principal | null> }
      managementKeys: { authenticate(secret: string, epoch: string): Promise<Principal | null> }
    }
  }
}

export const CurrentAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentIdentity => {
  const agent = ctx.switchToHttp().getRequest<FastifyRequest>().agent
  if (!agent) throw new Error('CurrentAgent on a route that is not @AgentOnly')
  return agent
})

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().user
  if (!principal) throw new Error('CurrentPrincipal on a route without authentication')
  return principal
})

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().user
  if (principal?.kind !== 'user') throw new Error('CurrentUser on a route that is not @SessionOnly')
  return principal
})

export const CurrentAccess = createParamDecorator((_: unknown, ctx: ExecutionContext): AccountAccess => {
  const access = ctx.switchToHttp().getRequest<FastifyRequest>().accountAccess
  if (!access) throw new Error('CurrentAccess on a route without an account in its path')
  return access
})

/** The user behind an account-scoped request on a member/owner route (the guard admits no key there). */
export function actingUserId(access: AccountAccess): string {
  if (access.principal.kind !== 'user') throw new Error('a member route was reached with a management key')
  return access.principal.userId
}
