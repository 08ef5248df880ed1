// Every route the control plane registered, read from Nest's own metadata.
import { RequestMethod } from '@nestjs/common'
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants'
import { ModulesContainer } from '@nestjs/core'
import type { INestApplication } from '@nestjs/common'
import { ROUTE_ACCESS, RouteAccess } from '../../apps/control-plane/src/auth/access.decorators'
import { API_PREFIX } from '../../apps/control-plane/src/app'

export interface RegisteredRoute {
  controller: string
  handler: string
  method: string
  path: string // with the global prefix, e.g. /api/v1/accounts/:accountId
  access: RouteAccess | undefined
}

const UNPREFIXED = new Set(['/healthz', '/readyz', '/metrics'])

function join(...parts: string[]): string {
  return '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')
}

export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const routes: RegisteredRoute[] = []
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => object) | undefined
      if (!type) continue
      const base: string = Reflect.getMetadata(PATH_METADATA, type) ?? ''
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name]
        if (name === 'constructor' || typeof handler !== 'function') continue
        const path: string | undefined = Reflect.getMetadata(PATH_METADATA, handler)
        if (path === undefined) continue
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod]
        let full = join(base, path)
        if (!UNPREFIXED.has(full)) full = join(API_PREFIX, full)
        const access = Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, type)
        routes.push({ controller: type.name, handler: name, method, path: full, access })
      }
    }
  }
  return routes
}

/** A concrete URL for a route pattern: :accountId as given, every other parameter a random UUID. */
export function fillPath(path: string, accountId: string): string {
  return path.replace(/:(\w+)/g, (_, name) => (name === 'accountId' ? accountId : crypto.randomUUID()))
}
