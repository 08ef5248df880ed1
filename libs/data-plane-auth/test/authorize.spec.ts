import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import {
  authorize,
  DataPlaneAuthenticator,
  DataPlaneClaims,
  Operation,
  OPERATION_NAMES,
  OPERATIONS,
  parseClaims,
  Principal,
  principalFromClaims,
  signDataPlaneToken,
  visibleCollections,
} from '../src'

type Column = 'r' | 'collR' | 'collRw' | 'collPrw' | 'm'
const COLUMNS: Column[] = ['r', 'collR', 'collRw', 'collPrw', 'm']

// API.md's table, transcribed row by row: global r, coll. r, coll. rw, coll. prw, m.
// The prw "–" of the first row is resolved as Qdrant does: prw sees its own collection.
const API_TABLE: [readonly Operation[], string][] = [
  [['collections:list', 'collections:get', 'collections:exists'], '✓ ✓ ✓ ✓ ✓'],
  [['points:get', 'points:scroll', 'points:search', 'points:query', 'points:count'], '✓ ✓ ✓ ✓ ✓'],
  [['points:upsert', 'points:delete', 'payload:set', 'payload:overwrite', 'payload:delete'], '✗ ✗ ✓ ✓ ✓'],
  [['snapshots:list', 'snapshots:download'], '✓ ✓ ✓ ✗ ✓'],
  [['snapshots:create', 'snapshots:delete'], '✗ ✗ ✓ ✗ ✓'],
  [['collections:create', 'collections:update', 'collections:delete', 'snapshots:upload', 'snapshots:recover'], '✗ ✗ ✗ ✗ ✓'],
  [['revocations:add'], '✗ ✗ ✗ ✗ ✓'],
]
// Our extension: a payload-restricted grant cannot have what would show the whole collection.
const REFUSED_WHEN_RESTRICTED: readonly Operation[] = ['collections:get', 'snapshots:list', 'snapshots:download', 'snapshots:create', 'snapshots:delete']
const MANAGE_ONLY = API_TABLE.filter(([, cells]) => cells === '✗ ✗ ✗ ✗ ✓').flatMap(([ops]) => ops)
const CLUSTER_WIDE: readonly Operation[] = ['collections:list', 'revocations:add']

function expectedAllowed(operation: Operation, column: Column): boolean {
  const [, cells] = API_TABLE.find(([ops]) => ops.includes(operation))!
  return cells.split(' ')[COLUMNS.indexOf(column)] === '✓'
}

const API_KEY = 'manage-key-0123456789'
const ALT_KEY = 'alternate-key-9876543210'
const READ_ONLY_KEY = 'read-only-key-abcdef'
const COLLECTION = 'tenant_42_docs'
const FOREIGN = 'tenant_7_docs'
const RESTRICTION = { tenant: '42' }

interface Credential {
  readonly name: string
  readonly headers: () => Promise<Record<string, string>>
  readonly column: Column
  readonly restricted?: boolean
  readonly open?: boolean
}

const bearer = (claims: DataPlaneClaims, key = API_KEY) => async () => ({ authorization: `Bearer ${await signDataPlaneToken(claims, key)}` })
const apiKey = (key: string) => async () => ({ 'api-key': key })

const CREDENTIALS: Credential[] = [
  { name: 'no credential on an open node', headers: async () => ({}), column: 'm', open: true },
  { name: 'read-only API key', headers: apiKey(READ_ONLY_KEY), column: 'r' },
  { name: 'manage API key', headers: apiKey(API_KEY), column: 'm' },
  { name: 'alternate API key', headers: apiKey(ALT_KEY), column: 'm' },
  { name: 'global r JWT', headers: bearer({ access: 'r' }), column: 'r' },
  { name: 'global m JWT', headers: bearer({ access: 'm' }), column: 'm' },
  { name: 'JWT without access (Qdrant: manage)', headers: bearer({}), column: 'm' },
  { name: 'collection r JWT', headers: bearer({ access: [{ collection: COLLECTION, access: 'r' }] }), column: 'collR' },
  { name: 'collection rw JWT', headers: bearer({ access: [{ collection: COLLECTION, access: 'rw' }] }), column: 'collRw' },
  { name: 'collection prw JWT', headers: bearer({ access: [{ collection: COLLECTION, access: 'prw' }] }), column: 'collPrw' },
  { name: 'collection rw JWT signed by the alternate key', headers: bearer({ access: [{ collection: COLLECTION, access: 'rw' }] }, ALT_KEY), column: 'collRw' },
  { name: 'glob pattern r JWT', headers: bearer({ access: [{ collection: 'tenant_42_*', access: 'r' }] }), column: 'collR' },
  { name: 'glob pattern rw JWT', headers: bearer({ access: [{ collection: 'tenant_42_*', access: 'rw' }] }), column: 'collRw' },
  {
    name: 'payload-restricted rw JWT',
    headers: bearer({ access: [{ collection: COLLECTION, access: 'rw', payload: RESTRICTION }] }),
    column: 'collRw',
    restricted: true,
  },
  {
    name: 'payload-restricted r JWT',
    headers: bearer({ access: [{ collection: COLLECTION, access: 'r', payload: RESTRICTION }] }),
    column: 'collR',
    restricted: true,
  },
  {
    name: 'payload-restricted prw glob JWT',
    headers: bearer({ access: [{ collection: 'tenant_42_*', access: 'prw', payload: RESTRICTION }] }),
    column: 'collPrw',
    restricted: true,
  },
]

const keyed = new DataPlaneAuthenticator({ apiKey: API_KEY, altApiKey: ALT_KEY, readOnlyApiKey: READ_ONLY_KEY, jwtRbac: true })
const open = new DataPlaneAuthenticator({ apiKey: '', jwtRbac: true })
const principals = new Map<string, Principal>()

before(async () => {
  for (const credential of CREDENTIALS) {
    const result = await (credential.open ? open : keyed).authenticate(await credential.headers())
    assert.ok(result.ok, `${credential.name}: ${JSON.stringify(result)}`)
    principals.set(credential.name, result.principal)
  }
})

function expectedReason(operation: Operation, credential: Credential, collection: string): string | undefined {
  const global = credential.column === 'r' || credential.column === 'm'
  if (!global && !CLUSTER_WIDE.includes(operation) && !MANAGE_ONLY.includes(operation) && collection !== COLLECTION) {
    return `Access to collection ${collection} is required`
  }
  if (!expectedAllowed(operation, credential.column)) {
    if (global || MANAGE_ONLY.includes(operation)) return 'Global manage access is required'
    if (credential.column === 'collR') return `Write access to collection ${collection} is required`
    return `Only points access is allowed for collection ${collection}`
  }
  if (credential.restricted && REFUSED_WHEN_RESTRICTED.includes(operation)) {
    return `This operation is not allowed when "payload" restriction is present for collection ${collection}`
  }
  return undefined
}

describe('the operation table', () => {
  it('has exactly the operations of API.md, each in one row', () => {
    const transcribed = API_TABLE.flatMap(([ops]) => ops)
    assert.deepEqual([...transcribed].sort(), [...OPERATION_NAMES].sort())
    assert.equal(new Set(transcribed).size, transcribed.length)
  })

  it('names its operations as stable resource:verb strings', () => {
    for (const name of OPERATION_NAMES) assert.match(name, /^[a-z]+:[a-z]+$/)
    assert.equal(OPERATIONS['collections:list'].collection, false)
    assert.equal(OPERATIONS['revocations:add'].collection, false)
  })

  for (const credential of CREDENTIALS) {
    describe(credential.name, () => {
      for (const operation of OPERATION_NAMES) {
        for (const collection of [COLLECTION, FOREIGN]) {
          it(`${operation} on ${collection}`, () => {
            const decision = authorize(principals.get(credential.name)!, operation, collection)
            const reason = expectedReason(operation, credential, collection)
            if (reason !== undefined) {
              assert.deepEqual(decision, { allowed: false, reason })
              return
            }
            const confined = credential.restricted && OPERATIONS[operation].collection
            assert.deepEqual(decision, confined ? { allowed: true, restriction: RESTRICTION } : { allowed: true })
          })
        }
      }
    })
  }
})

describe('authorize', () => {
  const principal = (claims: DataPlaneClaims) => {
    const parsed = parseClaims(claims)
    assert.ok(parsed.ok)
    return principalFromClaims(parsed.claims)
  }

  it('lets an exact grant win over a pattern, and the first of two patterns win', () => {
    const p = principal({
      access: [
        { collection: 'tenant_*', access: 'r' },
        { collection: 'tenant_*_docs', access: 'rw' },
        { collection: 'tenant_vip', access: 'rw' },
      ],
    })
    assert.deepEqual(authorize(p, 'points:upsert', 'tenant_vip'), { allowed: true })
    assert.deepEqual(authorize(p, 'points:upsert', 'tenant_1_docs'), { allowed: false, reason: 'Write access to collection tenant_1_docs is required' })
    assert.deepEqual(authorize(p, 'points:search', 'tenant_1'), { allowed: true })
    assert.deepEqual(authorize(p, 'points:search', 'tenantx'), { allowed: false, reason: 'Access to collection tenantx is required' })
  })

  it('never lets a grant govern a string that cannot be a collection name (paths, traversal)', () => {
    const p = principal({ access: [{ collection: 'tenant_42_*', access: 'rw' }, { collection: '*', access: 'r' }] })
    for (const name of ['tenant_42_/../victim', 'tenant_42_\\..\\victim', 'tenant_42_a\0', 'tenant_42_a|b', 'tenant_42_<x>', 'tenant_42_:x', 'tenant_42_"x', 'tenant_42_?', 'tenant_42_*', '.', '..', '', 'tenant_42_' + 'a'.repeat(246)]) {
      for (const operation of ['snapshots:download', 'snapshots:delete', 'points:search', 'collections:exists'] as const) {
        assert.deepEqual(authorize(p, operation, name), { allowed: false, reason: `Access to collection ${name} is required` }, `${operation} ${JSON.stringify(name)}`)
      }
    }
    assert.deepEqual(visibleCollections(p, ['tenant_42_a', 'a/b', '..']), ['tenant_42_a'])
    assert.deepEqual(authorize(p, 'snapshots:delete', 'tenant_42_a.b-c é'), { allowed: true }, 'dots, dashes, spaces and unicode are fine')
    assert.deepEqual(authorize(p, 'points:search', 'tenant_42_' + 'a'.repeat(245)), { allowed: true }, '255 bytes is a name')
    assert.deepEqual(authorize(principal({ access: [{ collection: 'a/../b', access: 'rw' }] }), 'points:search', 'a/../b').allowed, false, 'not even by an exact grant')
  })

  it('gives an empty access list nothing but an empty listing', () => {
    const p = principal({ access: [] })
    assert.deepEqual(authorize(p, 'collections:list'), { allowed: true })
    assert.deepEqual(visibleCollections(p, ['a', 'b']), [])
    assert.deepEqual(authorize(p, 'points:search', 'a'), { allowed: false, reason: 'Access to collection a is required' })
  })

  it('refuses to guess when a collection operation gets no collection', () => {
    assert.throws(() => authorize(principal({ access: [{ collection: 'a', access: 'r' }] }), 'points:search'), TypeError)
  })

  it('lists only the collections a principal holds a grant on', () => {
    const all = ['tenant_42_docs', 'tenant_42_logs', 'tenant_7_docs', 'public']
    const cases: [DataPlaneClaims, string[]][] = [
      [{ access: 'r' }, all],
      [{}, all],
      [{ access: [{ collection: 'tenant_42_*', access: 'r' }] }, ['tenant_42_docs', 'tenant_42_logs']],
      [{ access: [{ collection: 'public', access: 'prw' }] }, ['public']],
      [{ access: [{ collection: 'tenant_42_docs', access: 'rw', payload: { tenant: 'a' } }, { collection: 'public', access: 'r' }] }, ['tenant_42_docs', 'public']],
      [{ access: [{ collection: 'tenant_4?_*', access: 'r' }] }, ['tenant_42_docs', 'tenant_42_logs']],
    ]
    for (const [claims, visible] of cases) assert.deepEqual(visibleCollections(principal(claims), all), visible, JSON.stringify(claims))
  })
})
