import { ExecutionContext, Injectable } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import { AuthGuard } from '@nestjs/passport'
import type { FastifyRequest } from 'fastify'
import { forbidden, notFound, unauthorized } from '@quiver/common'
import { missingPermissions, Permission } from '@quiver/permissions'
import { ROUTE_ACCESS, RouteAccess } from './access.decorators'
import { AccountAccessService } from './account-access.service'
import { AgentAuthenticator } from './agent.auth'
import { AuthEpoch } from './auth-epoch'
import { ManagementKeyAuthenticator } from './management-keys.auth'
import { SessionsService } from './sessions.service'
import { Principal } from './principal'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Outside an account every user holds read:profile (the Base role); a management key holds nothing. */
const PROFILE_PERMISSIONS: ReadonlySet<Permission> = new Set(['read:profile'])

/**
 * The one global guard: authenticates (passport: session or management key), resolves the account in
 * the path (non-members get 404), and checks the route's declared access. Undeclared routes are denied.
 */
@Injectable()
export class AccessGuard extends AuthGuard(['session', 'management-key']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly accountAccess: AccountAccessService,
    private readonly agents: AgentAuthenticator,
    private readonly epoch: AuthEpoch,
    private readonly sessions: SessionsService,
    private readonly managementKeys: ManagementKeyAuthenticator,
  ) {
    super()
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ])
    if (!access) throw forbidden('This route declares no access rule') // deny by default
    if (access.kind === 'public') return true
    if (access.kind === 'agent') return this.authenticateAgent(context.switchToHttp().getRequest<FastifyRequest>())

    const request = context.switchToHttp().getRequest<FastifyRequest>()
    request.authEpoch = await this.epoch.current()
    request.authenticators = { sessions: this.sessions, managementKeys: this.managementKeys }
    await super.canActivate(context)
    const principal = request.user!
    if (access.kind === 'authenticated') return true
    if (access.kind === 'session') {
      if (principal.kind !== 'user') throw forbidden('This route needs a user session, not a management key')
      return true
    }

    const accountId = (request.params as Record<string, string | undefined>).accountId
    if (accountId === undefined) return this.checkOutsideAccount(principal, access)
    if (!UUID.test(accountId)) throw notFound('Account')
    const resolved = await this.accountAccess.resolve(principal, accountId, request.authEpoch)
    if (!resolved) throw notFound('Account')
    request.accountAccess = resolved

    if ((access.kind === 'member' || access.kind === 'owner') && principal.kind !== 'user') {
      throw forbidden('This route needs a user session, not a management key')
    }
    if (access.kind === 'owner' && !resolved.isOwner) throw forbidden('Only the Owner of the account can do this')
    if (access.kind === 'permission') {
      const missing = missingPermissions(resolved.permissions, access.permissions)
      if (missing.length) throw forbidden(`Missing permissions: ${missing.join(', ')}`, missing)
    }
    return true
  }

  private async authenticateAgent(request: FastifyRequest): Promise<boolean> {
    const credential = /^Bearer\s+(qva_\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1]
    const agent = credential ? await this.agents.authenticate(credential) : null
    if (!agent) throw unauthorized('Missing or revoked agent credential')
    request.agent = agent
    return true
  }

  private checkOutsideAccount(principal: Principal, access: RouteAccess): boolean {
    if (access.kind !== 'permission') throw new Error(`a ${access.kind} route needs an :accountId in its path`)
    const held = principal.kind === 'user' ? PROFILE_PERMISSIONS : new Set<Permission>()
    const missing = missingPermissions(held, access.permissions)
    if (missing.length) throw forbidden(`Missing permissions: ${missing.join(', ')}`, missing)
    return true
  }

  override handleRequest<P = Principal>(error: unknown, principal: P | false): P {
    if (error) throw error
    if (!principal) throw unauthorized()
    return principal
  }
}
