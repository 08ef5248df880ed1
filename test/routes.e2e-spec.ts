import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ALL_PERMISSIONS, builtInRole, missingPermissions } from '@quiver/permissions'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { fillPath, registeredRoutes } from './support/routes'
import { signUp } from './support/users'

let cp: TestControlPlane
before(async () => {
  cp = await startControlPlane()
})
after(() => cp.close())

describe('the route walk: deny by default', () => {
  it('finds the routes, and every one declares its access', () => {
    const routes = registeredRoutes(cp.app)
    assert.ok(routes.length >= 15, `only ${routes.length} routes found`)
    const undeclared = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`)
    assert.deepEqual(undeclared, [])
  })

  it("only the health endpoints, sign-up, login and the agent's bootstrap exchange are public", () => {
    const publicRoutes = registeredRoutes(cp.app).filter((r) => r.access?.kind === 'public').map((r) => `${r.method} ${r.path}`)
    assert.deepEqual(publicRoutes.sort(), [
      'GET /healthz', 'GET /metrics', 'GET /readyz', 'POST /api/v1/agent/register', 'POST /api/v1/auth/login', 'POST /api/v1/auth/signup',
    ])
  })

  it('every permission a route names is in the catalogue, and account-scoped rules sit under /accounts/:accountId', () => {
    for (const r of registeredRoutes(cp.app)) {
      if (r.access?.kind === 'permission') for (const p of r.access.permissions) assert.ok(ALL_PERMISSIONS.includes(p), p)
      if (r.access?.kind === 'member' || r.access?.kind === 'owner') assert.match(r.path, /:accountId/, r.path)
    }
  })

  it('answers 401 without credentials on every non-public route', async () => {
    for (const r of registeredRoutes(cp.app).filter((x) => x.access?.kind !== 'public')) {
      const res = await cp.http.request(r.method, fillPath(r.path, crypto.randomUUID()), { body: r.method === 'GET' ? undefined : {} })
      assert.equal(res.status, 401, `${r.method} ${r.path}`)
    }
  })

  it('shows each route\'s permission in the OpenAPI document', async () => {
    const doc = await cp.http.get('/api/docs/openapi.json')
    assert.equal(doc.status, 200)
    const op = doc.body.paths['/api/v1/accounts/{accountId}'].patch
    assert.deepEqual(op['x-quiver-permissions'], ['write:account'])
    for (const r of registeredRoutes(cp.app).filter((x) => x.path.startsWith('/api/v1'))) {
      const path = r.path.replace(/:(\w+)/g, '{$1}')
      assert.ok(doc.body.paths[path]?.[r.method.toLowerCase()]?.['x-quiver-access'], `${r.method} ${path}`)
    }
  })
})

describe('cross-account isolation', () => {
  it('a member of account A gets 404 on every route of account B, and B is unchanged', async () => {
    const a = await signUp(cp.http, 'A')
    const b = await signUp(cp.http, 'B')
    const accountRoutes = registeredRoutes(cp.app).filter((r) => r.path.includes(':accountId'))
    assert.ok(accountRoutes.length >= 5)
    for (const r of accountRoutes) {
      const res = await cp.http.request(r.method, fillPath(r.path, b.accountId), {
        token: a.token,
        body: r.method === 'GET' ? undefined : {},
      })
      assert.equal(res.status, 404, `${r.method} ${r.path} → ${res.status}`)
      assert.ok(!JSON.stringify(res.body).includes(b.accountId), 'a 404 must not echo the account')
    }
    const still = await cp.http.get(`/api/v1/accounts/${b.accountId}`, { token: b.token })
    assert.equal(still.status, 200)
    assert.equal(still.body.name, "B's account")
  })

  it('a member holding only the Base role gets 403 naming exactly the missing permissions', async () => {
    const owner = await signUp(cp.http, 'Owner')
    const member = await signUp(cp.http, 'Member')
    await cp.prisma.membership.create({ data: { accountId: owner.accountId, userId: member.id } })
    const base = new Set(builtInRole('BASE').permissions)
    for (const r of registeredRoutes(cp.app).filter((x) => x.access?.kind === 'permission' && x.path.includes(':accountId'))) {
      if (r.access?.kind !== 'permission') continue
      const missing = missingPermissions(base, r.access.permissions)
      if (missing.length === 0) continue
      const res = await cp.http.request(r.method, fillPath(r.path, owner.accountId), {
        token: member.token,
        body: r.method === 'GET' ? undefined : {},
      })
      assert.equal(res.status, 403, `${r.method} ${r.path}`)
      assert.deepEqual(res.body.missingPermissions, missing, `${r.method} ${r.path}`)
    }
  })
})
