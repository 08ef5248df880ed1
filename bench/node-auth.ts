// What access control costs the node: HTTP search QPS with no auth, the static API key, a global
// JWT, a payload-restricted collection JWT and a value_exists JWT, side by side in one run. Two
// node processes hold the same data (one open, one with keys and JWT RBAC, each on its copy of one
// data directory) and are loaded in turn with the same query mix (wrk, 10 connections);
// every round starts both afresh, and each figure is the median of the rounds. The restricted
// token sees 10% of the points, so its reference is the open node answering the same filter sent
// in the body: the ratio is what authorization costs, not what searching fewer points costs.
//   node dist/bench/node-auth.js [--quick]
import { cpSync } from 'node:fs'
import { signDataPlaneToken } from '@quiver/data-plane-auth'
import { NodeProcess, removeDir, startNode, tempDataDir } from '../apps/node/test/support/node-process'
import { BenchRow, machineFacts, median, printTable } from './lib/report'
import { buildDataset, Dataset } from './node/dataset'
import { COLLECTION, ingest, searchBody, searchLoad } from './node/over-http'

const API_KEY = 'bench-node-auth-api-key-5e1f0c2a'
const EF = 64
const CONNECTIONS = 10
/** The restricted tenant: bucket10 = 3 (10% of the points). */
const TENANT = { bucket10: 3 }
const TENANT_FILTER = { must: [{ key: 'bucket10', match: { value: TENANT.bucket10 } }] }

interface Variant {
  readonly name: string
  readonly node: 'open' | 'secured'
  readonly headers: Record<string, string>
  readonly filtered: boolean
}

async function variants(): Promise<Variant[]> {
  const inDay = Math.floor(Date.now() / 1000) + 86_400
  const jwt = (claims: Parameters<typeof signDataPlaneToken>[0]) => signDataPlaneToken({ exp: inDay, ...claims }, API_KEY)
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  return [
    { name: 'no auth', node: 'open', headers: {}, filtered: false },
    { name: 'static API key', node: 'secured', headers: { 'api-key': API_KEY }, filtered: false },
    { name: 'global JWT', node: 'secured', headers: bearer(await jwt({ access: 'r' })), filtered: false },
    { name: 'value_exists JWT', node: 'secured', headers: bearer(await jwt({ access: 'r', value_exists: { collection: COLLECTION, matches: [{ key: 'bucket100', value: 42 }] } })), filtered: false },
    { name: 'no auth, tenant filter in the body', node: 'open', headers: {}, filtered: true },
    { name: 'payload-restricted JWT', node: 'secured', headers: bearer(await jwt({ access: [{ collection: COLLECTION, access: 'r', payload: TENANT }] })), filtered: true },
  ]
}

/** Requests per second of `seconds` of load over the query mix; every answer must be a 200. */
async function load(node: NodeProcess, ds: Dataset, variant: Variant, seconds: number): Promise<number> {
  const bodies = Array.from({ length: ds.queryCount }, (_, q) => {
    const body = searchBody(ds, q, EF)
    // the restricted token's requests carry no filter: the node adds the tenant's
    return variant.filtered && variant.node === 'open' ? { ...body, filter: TENANT_FILTER } : body
  })
  const { rps } = await searchLoad(node, bodies, { seconds, connections: CONNECTIONS, headers: variant.headers })
  return rps
}

/** Checks once that each variant's answers are what the variant claims (same hits, or the tenant's only). */
async function verify(nodes: Record<Variant['node'], NodeProcess>, ds: Dataset, all: readonly Variant[]): Promise<void> {
  for (const variant of all) {
    const body = { ...searchBody(ds, 0, EF), ...(variant.filtered && variant.node === 'open' && { filter: TENANT_FILTER }), with_payload: true }
    const response = await fetch(`${nodes[variant.node].url}/collections/${COLLECTION}/points/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...variant.headers },
      body: JSON.stringify(body),
    })
    const hits = ((await response.json()) as { result?: { payload: { bucket10: number } }[] }).result
    if (response.status !== 200 || !hits || hits.length === 0) throw new Error(`${variant.name}: HTTP ${response.status}`)
    if (variant.filtered && hits.some((h) => h.payload.bucket10 !== TENANT.bucket10)) throw new Error(`${variant.name}: a hit outside the tenant`)
  }
}

/** Both nodes on their copies of the data, started afresh (each process has its own layout and speed). */
async function startPair(openDir: string, securedDir: string): Promise<Record<Variant['node'], NodeProcess>> {
  const env = { QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '0' }
  const open = await startNode({ dataDir: openDir, env })
  const secured = await startNode({ dataDir: securedDir, env: { ...env, QUIVER_NODE_API_KEY: API_KEY, QUIVER_NODE_JWT_RBAC: 'true' } }).catch(async (error) => {
    await open.stop()
    throw error
  })
  return { open, secured }
}

export async function benchNodeAuth(options: { quick: boolean }): Promise<BenchRow[]> {
  const log = (s: string) => console.log(`  [node-auth] ${s}`)
  const count = options.quick ? 10_000 : 100_000
  const seconds = options.quick ? 1 : 6
  const rounds = options.quick ? 1 : 5
  const ds = buildDataset(count, 128, options.quick ? 100 : 500, log)
  const openDir = tempDataDir('quiver-bench-auth-open-')
  const securedDir = tempDataDir('quiver-bench-auth-secured-')
  try {
    log(`loading ${count}×128 into an open node`)
    const loader = await startNode({ dataDir: openDir, env: { QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '0' } })
    await ingest(loader, ds, 16, 100, 1).finally(() => loader.stop())
    cpSync(openDir, securedDir, { recursive: true })
    const all = await variants()
    const qps = new Map<string, number[]>(all.map((v) => [v.name, []]))
    for (let round = 0; round < rounds; round++) {
      // two fresh processes per round: one pair of processes can differ by a few per cent for no
      // reason of ours, and the median over rounds evens that out
      const nodes = await startPair(openDir, securedDir)
      try {
        if (round === 0) await verify(nodes, ds, all)
        for (const variant of all) await load(nodes[variant.node], ds, variant, 1) // warm-up
        // the order rotates each round, so drift (heat, other load) does not favour one variant
        for (let i = 0; i < all.length; i++) {
          const variant = all[(i + round) % all.length]
          qps.get(variant.name)!.push(await load(nodes[variant.node], ds, variant, seconds))
        }
      } finally {
        await nodes.open.stop()
        await nodes.secured.stop()
      }
      log(`round ${round + 1}/${rounds}: ${all.map((v) => `${v.name} ${qps.get(v.name)!.at(-1)!.toFixed(0)}`).join(', ')}`)
    }
    const figure = (name: string) => median(qps.get(name)!)
    const spread = (name: string) => `${Math.min(...qps.get(name)!).toFixed(0)}–${Math.max(...qps.get(name)!).toFixed(0)}`
    // each round's variant against that round's reference: rounds differ by far more than 5% (fresh
    // processes, the machine's drift), the variants of one round much less
    const paired = (name: string, reference: string) => median(qps.get(name)!.map((value, round) => value / qps.get(reference)![round]))
    const plain = { name: 'no auth', value: figure('no auth') }
    const filtered = { name: 'no auth, same filter in the body', value: figure('no auth, tenant filter in the body') }
    const row = (name: string, reference: { name: string; value: number }, target: boolean, note = ''): BenchRow => ({
      name: `node auth: search QPS, ${name}`,
      figure: figure(name),
      unit: 'req/s',
      reference,
      pairedRatio: paired(name, reference === filtered ? 'no auth, tenant filter in the body' : 'no auth'),
      ...(target && { target: { op: '>=', value: 0.95, on: 'ratio' } }),
      note: `median of ${rounds} rounds × ${seconds} s (${spread(name)}); ratio: median of the rounds' own ratios${note}`,
    })
    return [
      { name: 'node auth: search QPS, no auth', figure: plain.value, unit: 'req/s', note: `median of ${rounds} rounds × ${seconds} s (${spread('no auth')}), ${CONNECTIONS} connections, ${count}×128, ef ${EF}` },
      row('static API key', plain, true),
      row('global JWT', plain, true),
      row('payload-restricted JWT', filtered, true, `; its tenant is 10% of the points (${(figure('payload-restricted JWT') / plain.value).toFixed(2)}× the unfiltered QPS)`),
      row('value_exists JWT', plain, false, '; an indexed lookup per request'),
    ]
  } finally {
    removeDir(openDir)
    removeDir(securedDir)
  }
}

if (require.main === module) {
  const quick = process.argv.includes('--quick')
  console.log(`# Quiver node access-control benchmark${quick ? ' (quick)' : ''}\n${machineFacts()}`)
  benchNodeAuth({ quick })
    .then((rows) => printTable('Node access control', rows))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
