import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { createTestDatabase } from './support/database'
import { HttpClient } from './support/http'
import { createKey, createRole } from './support/iam'
import { clearRedisPrefix, CONTROL_PLANE_MAIN, spawnNode, Spawned } from './support/processes'
import { signUp } from './support/users'

// a real control plane process, so that its own log output can be searched for card data
let api: Spawned
let http: HttpClient
let database: { url: string; drop: () => Promise<void> }
const prefix = `quiver_test_${randomBytes(6).toString('hex')}`

before(async () => {
  database = await createTestDatabase()
  api = spawnNode(CONTROL_PLANE_MAIN, {
    DATABASE_URL: database.url, PORT: '0', REDIS_PREFIX: prefix, LOG_LEVEL: 'trace', MIGRATE_ON_START: 'false', QUIVER_DATA_DIR: `/tmp/${prefix}`,
  })
  const { match } = await api.waitFor(/control plane listening on (http:\/\/[^\s"]+)/)
  http = new HttpClient(match![1])
})
after(async () => {
  await api.stop()
  await database.drop()
  await clearRedisPrefix(prefix)
})

const VALID = {
  billingEmail: 'Billing@Example.com',
  companyName: 'Example GmbH',
  address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  taxId: 'DE 123456789',
  paymentMethod: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, processorToken: 'pm_1PqRsTuVwXyZ' },
}

describe('payment information', () => {
  it('stores billing details and a payment method described by brand and last4 only', async () => {
    const owner = await signUp(http)
    const path = `/api/v1/accounts/${owner.accountId}/payment-information`
    const empty = await http.get(path, { token: owner.token })
    assert.equal(empty.status, 200)
    assert.equal(empty.body.paymentMethod, null)
    const saved = await http.put(path, VALID, { token: owner.token })
    assert.equal(saved.status, 200, JSON.stringify(saved.body))
    assert.equal(saved.body.billingEmail, 'billing@example.com')
    assert.equal(saved.body.taxId, 'DE123456789')
    assert.deepEqual(saved.body.paymentMethod, { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 })
    assert.deepEqual((await http.get(path, { token: owner.token })).body, saved.body)
    assert.equal((await http.delete(`${path}/payment-method`, { token: owner.token })).status, 204)
    assert.equal((await http.get(path, { token: owner.token })).body.paymentMethod, null)
    assert.equal((await http.delete(`${path}/payment-method`, { token: owner.token })).status, 404)
  })

  it('records who changed which fields', async () => {
    const owner = await signUp(http)
    const path = `/api/v1/accounts/${owner.accountId}/payment-information`
    await http.put(path, VALID, { token: owner.token })
    await http.put(path, { ...VALID, companyName: 'Renamed GmbH' }, { token: owner.token })
    await http.delete(`${path}/payment-method`, { token: owner.token })
    const changes = await http.get(`${path}/changes`, { token: owner.token })
    assert.deepEqual(changes.body.items.map((c: { fields: string[] }) => c.fields), [
      ['billingEmail', 'companyName', 'address', 'taxId', 'paymentMethod'], ['companyName'], ['paymentMethod'],
    ])
    assert.ok(changes.body.items.every((c: { actor: { kind: string; id: string } }) => c.actor.kind === 'user' && c.actor.id === owner.id))
  })

  it('validates the country, the EU VAT number format and the payment method', async () => {
    const owner = await signUp(http)
    const path = `/api/v1/accounts/${owner.accountId}/payment-information`
    const cases: [object, string][] = [
      [{ ...VALID, address: { ...VALID.address, country: 'Germany' } }, 'address.country'],
      [{ ...VALID, taxId: 'FR123' }, 'taxId'],
      [{ ...VALID, address: { ...VALID.address, country: 'NL' }, taxId: 'NL123456789' }, 'taxId'],
      [{ ...VALID, paymentMethod: { ...VALID.paymentMethod, last4: '42' } }, 'paymentMethod.last4'],
      [{ ...VALID, billingEmail: 'nope' }, 'billingEmail'],
    ]
    for (const [body, field] of cases) {
      const res = await http.put(path, body, { token: owner.token })
      assert.equal(res.status, 400, field)
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${field}: ${JSON.stringify(res.body.errors)}`)
    }
    const nl = await http.put(path, { ...VALID, address: { ...VALID.address, country: 'NL' }, taxId: 'NL123456789B01' }, { token: owner.token })
    assert.equal(nl.status, 200)
  })

  it('never accepts a card number or a CVC, and the number reaches no table and no log line', async () => {
    const owner = await signUp(http)
    const path = `/api/v1/accounts/${owner.accountId}/payment-information`
    const card = '4000 0566 5566 5556'
    const attempts = [
      { ...VALID, paymentMethod: { ...VALID.paymentMethod, number: card } },
      { ...VALID, paymentMethod: { ...VALID.paymentMethod, cvc: '123' } },
      { ...VALID, companyName: `Pay with ${card}` },
      { ...VALID, paymentMethod: { ...VALID.paymentMethod, processorToken: card.replaceAll(' ', '') } },
      { ...VALID, cardNumber: card.replaceAll(' ', '-') },
    ]
    for (const body of attempts) {
      const res = await http.put(path, body, { token: owner.token })
      assert.equal(res.status, 400, JSON.stringify(res.body))
      assert.ok(!JSON.stringify(res.body).includes('5566'), 'the error does not repeat the number')
    }
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
      for (const { tablename } of tables.rows) {
        const rows = await client.query(`SELECT t::text AS row FROM "${tablename}" t`)
        for (const { row } of rows.rows) assert.ok(!/4000.?0566.?5566.?5556/.test(row), `${tablename} holds the card number`)
      }
    } finally {
      await client.end()
    }
    assert.doesNotMatch(api.output(), /4000.?0566.?5566.?5556/)
    assert.doesNotMatch(api.output(), /"cvc"|123"/)
  })

  it('opens each route to exactly its permission', async () => {
    const owner = await signUp(http)
    const path = `/api/v1/accounts/${owner.accountId}/payment-information`
    const reader = await createKey(http, owner, [(await createRole(http, owner, ['read:payment_information'])).id])
    const writer = await createKey(http, owner, [(await createRole(http, owner, ['write:payment_information'])).id])
    const other = await createKey(http, owner, [(await createRole(http, owner, ['read:clusters'])).id])
    assert.equal((await http.get(path, { apikey: reader.key })).status, 200)
    assert.equal((await http.put(path, VALID, { apikey: reader.key })).status, 403)
    assert.equal((await http.put(path, VALID, { apikey: writer.key })).status, 200)
    assert.equal((await http.get(path, { apikey: writer.key })).status, 200, 'write implies read')
    assert.equal((await http.get(path, { apikey: other.key })).status, 403)
    assert.equal((await http.delete(`${path}/payment-method`, { apikey: reader.key })).status, 403)
    assert.equal((await http.delete(`${path}/payment-method`, { apikey: writer.key })).status, 204)
    const stranger = await signUp(http)
    assert.equal((await http.get(path, { token: stranger.token })).status, 404)
  })
})
