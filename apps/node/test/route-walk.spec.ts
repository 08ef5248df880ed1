// Every route the node registers, walked against the operation table (as Qdrant's own suite walks
// its OpenAPI document): each one names an operation of OPERATIONS or is one of the few public
// paths, each operation has a route, and what Fastify actually serves is exactly that list, each
// path refusing a request without a credential before it reads the body.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { OPERATION_NAMES } from '@quiver/data-plane-auth'
import pino from 'pino'
import { RunningNode, startNode } from '../src/node'
import { removeDir, tempDataDir } from './support/node-process'
import { DeclaredRoute, declaredRoutes } from './support/route-list'

const PUBLIC_PATHS = ['/', '/healthz', '/readyz', '/livez', '/metrics']
const API_KEY = 'route-walk-manage-key'

/** `printRoutes({commonPrefix: false})` as [method, path] pairs: what the Fastify router really holds. */
function servedRoutes(tree: string): [string, string][] {
  const parents: string[] = []
  const routes: [string, string][] = []
  for (const line of tree.split('\n')) {
    const match = /^([\s│]*)[└├]── (\S+)(?: \(([^)]*)\))?$/.exec(line.trimEnd())
    if (!match) continue
    const depth = match[1].length / 4
    const full = (parents[depth - 1] ?? '') + match[2]
    parents[depth] = full
    parents.length = depth + 1
    for (const method of match[3]?.split(', ') ?? []) routes.push([method, full])
  }
  return routes
}

const SAMPLE_PARAMS: Record<string, string> = { collection_name: 'walk', id: '1', snapshot_name: 'walk.snapshot', field_name: 'f' }

function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? assert.fail(`no sample value for :${name} in ${url}`))
}

describe('node: every route against the operation table', () => {
  let dataDir: string
  let node: RunningNode
  let routes: DeclaredRoute[]

  before(async () => {
    dataDir = tempDataDir('quiver-route-walk-')
    routes = await declaredRoutes(path.join(dataDir, 'declared'))
    const config = { host: '127.0.0.1', port: 0, dataDir: path.join(dataDir, 'served'), checkpointIntervalSeconds: 0, checkpointWalBytes: 1 << 20 }
    node = await startNode({ ...config, auth: { apiKey: API_KEY, jwtRbac: true } }, pino({ level: 'silent' }), 'test')
  })
  after(async () => {
    await node?.stop()
    removeDir(dataDir)
  })

  test('every route names an operation of OPERATIONS, or is one of the public paths', () => {
    assert.ok(routes.length > 20, `the walk sees the node's routes (${routes.length})`)
    const known = new Set<string>(OPERATION_NAMES)
    const problems = routes.flatMap((r) => {
      const route = `${r.method} ${r.url}`
      if (r.operation === 'public') return PUBLIC_PATHS.includes(r.url) && r.method === 'GET' ? [] : [`${route} is public but not one of ${PUBLIC_PATHS.join(' ')}`]
      if (typeof r.operation !== 'string' || r.operation === '') return [`${route} names no operation`]
      return known.has(r.operation) ? [] : [`${route} names "${r.operation}", which OPERATIONS does not have`]
    })
    assert.deepEqual(problems, [])
    assert.deepEqual(routes.filter((r) => r.operation === 'public').map((r) => r.url).sort(), [...PUBLIC_PATHS].sort(), 'each public path is served')
  })

  test('every operation of OPERATIONS has a route', () => {
    const used = new Set(routes.map((r) => r.operation))
    assert.deepEqual(OPERATION_NAMES.filter((op) => !used.has(op)), [])
  })

  test('Fastify serves exactly the declared routes (and HEAD for each GET), no route twice', () => {
    const served = servedRoutes(node.app.printRoutes({ commonPrefix: false }))
    const key = ([m, u]: [string, string]) => `${m} ${u}`
    const expected = routes.flatMap((r): [string, string][] => (r.method === 'GET' ? [[r.method, r.url], ['HEAD', r.url]] : [[r.method, r.url]]))
    assert.deepEqual(served.map(key).sort(), expected.map(key).sort())
    assert.equal(new Set(served.map(key)).size, served.length)
  })

  test('every served path refuses a request without a credential with 401, before it reads the body', async () => {
    const served = servedRoutes(node.app.printRoutes({ commonPrefix: false }))
    const problems: string[] = []
    for (const [method, url] of served) {
      const isPublic = PUBLIC_PATHS.includes(url)
      const hasBody = method !== 'GET' && method !== 'HEAD'
      const answers = [await node.app.inject({ method: method as 'GET', url: concrete(url) })]
      // an unparseable body must not get a 400 before the caller is known (nor cost parsing work)
      if (hasBody) answers.push(await node.app.inject({ method: method as 'POST', url: concrete(url), headers: { 'content-type': 'application/json' }, payload: '{"not json' }))
      for (const answer of answers) {
        if (isPublic ? answer.statusCode !== 200 : answer.statusCode !== 401) problems.push(`${method} ${url}: ${answer.statusCode} ${answer.body}`)
        else if (!isPublic && method !== 'HEAD' && !/Must provide an API key/.test(answer.json().status.error)) problems.push(`${method} ${url}: ${answer.body}`)
      }
    }
    assert.ok(served.length > 30, `${served.length} served routes`)
    assert.deepEqual(problems, [])
  })

  test('a wrong key is refused on every route that needs one, also before the body is read', async () => {
    const problems: string[] = []
    for (const r of routes.filter((r) => r.operation !== 'public')) {
      const headers = { 'api-key': 'not-the-key', 'content-type': 'application/json' }
      const answer = await node.app.inject({ method: r.method, url: concrete(r.url), headers, payload: '[' })
      if (answer.statusCode !== 401) problems.push(`${r.method} ${r.url}: ${answer.statusCode} ${answer.body}`)
    }
    assert.deepEqual(problems, [])
  })
})
