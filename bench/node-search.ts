// The data-plane node against hnswlib-node used directly, in one run on one data set:
// search QPS and latency over HTTP vs in-process at ef 64, recall@10, ingest with wait=true vs raw
// addPoint, filtered search at 10% and 1% vs hnswlib's filter callback, RSS, the search stall
// during a checkpoint+snapshot, and where exact scoring of candidates beats the graph.
//   node dist/bench/node-search.js [--quick]
import { removeDir, startNode } from '../apps/node/test/support/node-process'
import { BenchRow, machineFacts, median, printTable } from './lib/report'
import { buildDataset } from './node/dataset'
import { buildIndex, crossOver, InProcessFigures, inProcessFigures } from './node/in-process'
import type { LoadResult } from './lib/load'
import { checkpointStall, httpLoad, httpRecall, ingest, rssMegabytes } from './node/over-http'

const M = 16
const EF_CONSTRUCTION = 100
const EF = 64
const CONNECTIONS = 10

export async function benchNode(options: { quick: boolean }): Promise<BenchRow[]> {
  const log = (s: string) => console.log(`  [node] ${s}`)
  const count = options.quick ? 10_000 : 100_000
  const seconds = options.quick ? 3 : 10
  const roundCount = options.quick ? 1 : 3
  const ds = buildDataset(count, 128, options.quick ? 100 : 500, log)

  log(`in-process hnswlib: building ${count}×128 (m ${M}, ef_construct ${EF_CONSTRUCTION})`)
  const { index, addRate } = buildIndex(ds, M, EF_CONSTRUCTION)
  const crossing = crossOver(ds, index, EF)
  for (const p of crossing) log(`cross-over: ${p.candidates} candidates: graph+callback ${p.graphMs.toFixed(3)} ms, exact ${p.exactMs.toFixed(3)} ms`)
  const crossAt = crossing.filter((p) => p.exactMs <= p.graphMs).at(-1)?.candidates ?? 0

  const env = { QUIVER_NODE_CHECKPOINT_INTERVAL_SECONDS: '0' }
  let node = await startNode({ env })
  try {
    log(`node: ingesting with wait=true, batches of 100, 1 connection`)
    const { rate: ingestRate, rssEmpty } = await ingest(node, ds, M, EF_CONSTRUCTION, 1)
    const rssIngested = rssMegabytes(node.child.pid!)
    log('node: restarting it (a checkpoint at shutdown, then a load from disk)')
    await node.stop()
    node = await startNode({ dataDir: node.dataDir, env })
    const rssLoaded = rssMegabytes(node.child.pid!)
    const recall = await httpRecall(node, ds, EF, ds.truth)
    const recall10 = await httpRecall(node, ds, EF, ds.truth10, 10)
    const recall100 = await httpRecall(node, ds, EF, ds.truth100, 100)
    // In-process and HTTP loads alternate; each round's ratio pairs figures measured minutes apart at most.
    const rounds: { local: InProcessFigures; plain: LoadResult; f10: LoadResult; f100: LoadResult }[] = []
    for (let round = 1; round <= roundCount; round++) {
      log(`round ${round}: in-process searches, then ${CONNECTIONS} connections over HTTP, ${seconds} s each`)
      const local = inProcessFigures(ds, index, EF, seconds / 2)
      rounds.push({ local, plain: await httpLoad(node, ds, EF, seconds, CONNECTIONS), f10: await httpLoad(node, ds, EF, seconds, CONNECTIONS, 10), f100: await httpLoad(node, ds, EF, seconds, CONNECTIONS, 100) })
    }
    const stall = await checkpointStall(node, ds, EF)
    const rssAfter = rssMegabytes(node.child.pid!)
    const local = rounds[0].local
    const mid = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick))
    const paired = (http: (r: (typeof rounds)[number]) => number, reference: (r: (typeof rounds)[number]) => number) => ({
      figure: mid(http),
      reference: mid(reference),
      pairedRatio: mid((r) => http(r) / reference(r)),
    })
    const plain = paired((r) => r.plain.rps, (r) => r.local.qps)
    const f10 = paired((r) => r.f10.rps, (r) => r.local.filtered['10'].qps)
    const f100 = paired((r) => r.f100.rps, (r) => r.local.filtered['100'].qps)
    const medians = `median of ${rounds.length} round${rounds.length > 1 ? 's' : ''}`

    const inProc = 'in-process hnswlib'
    const callback = 'hnswlib filter callback'
    const perVector = (mb: number) => ((mb - rssEmpty) * 2 ** 20) / count
    return [
      { name: 'node: HTTP search QPS, ef 64', figure: plain.figure, unit: 'req/s', reference: { name: inProc, value: plain.reference }, pairedRatio: plain.pairedRatio, target: { op: '>=', value: 0.6, on: 'ratio' }, note: `${CONNECTIONS} connections, ${count}×128; ${medians} × ${seconds} s` },
      { name: 'node: recall@10 over HTTP, ef 64', figure: recall, unit: '', reference: { name: 'in-process recall', value: local.recall }, target: { op: '>=', value: 0.95, on: 'figure' } },
      { name: 'node: search latency p50', figure: mid((r) => r.plain.p50), unit: 'ms', note: medians },
      { name: 'node: search latency p99', figure: mid((r) => r.plain.p99), unit: 'ms', target: { op: '<', value: 10, on: 'figure' }, note: `${CONNECTIONS} connections; ${medians}` },
      {
        name: 'node: upsert, wait=true, batches of 100',
        figure: ingestRate,
        unit: 'points/s',
        reference: { name: 'raw addPoint', value: addRate },
        target: { op: '>=', value: 0.5, on: 'ratio' },
        note: '1 connection; fsync per acknowledged batch; one run of each',
      },
      {
        name: 'node: filtered search 10% QPS',
        figure: f10.figure,
        unit: 'req/s',
        reference: { name: callback, value: f10.reference },
        pairedRatio: f10.pairedRatio,
        note: `recall ${recall10.toFixed(3)} vs callback ${local.filtered['10'].recall.toFixed(3)}; p99 ${mid((r) => r.f10.p99).toFixed(1)} ms; ${medians}`,
      },
      {
        name: 'node: filtered search 1% QPS',
        figure: f100.figure,
        unit: 'req/s',
        reference: { name: callback, value: f100.reference },
        pairedRatio: f100.pairedRatio,
        target: { op: '>=', value: 3, on: 'ratio' },
        note: `callback recall ${local.filtered['100'].recall.toFixed(3)}; p99 ${mid((r) => r.f100.p99).toFixed(1)} ms; ${medians}`,
      },
      { name: 'node: filtered search 1% recall@10', figure: recall100, unit: '', target: { op: '>=', value: 0.99, on: 'figure' } },
      { name: 'node: RSS after the upload', figure: rssIngested, unit: 'MB', target: { op: '<', value: 300, on: 'figure' }, note: `${count}×128 sent over HTTP; ${perVector(rssIngested).toFixed(0)} bytes per vector above an empty collection (${rssEmpty.toFixed(0)} MB)` },
      { name: 'node: RSS after loading from disk', figure: rssLoaded, unit: 'MB', target: { op: '<', value: 300, on: 'figure' }, note: `a restart: checkpoint + log; ${perVector(rssLoaded).toFixed(0)} bytes per vector; ${rssAfter.toFixed(0)} MB after the search runs and a snapshot` },
      {
        name: 'node: worst search during checkpoint+snapshot',
        figure: stall.worstDuring,
        unit: 'ms',
        reference: { name: 'worst without', value: stall.worstQuiet },
        note: `snapshot took ${stall.snapshotMs.toFixed(0)} ms; back-to-back searches, 1 connection`,
      },
      { name: 'exact-vs-graph cross-over', figure: crossAt, unit: 'candidates', note: 'largest measured candidate count where exact scoring beat the filter callback (ef 64)' },
    ]
  } finally {
    await node.stop()
    removeDir(node.dataDir)
  }
}

if (require.main === module) {
  const quick = process.argv.includes('--quick')
  console.log(`# Quiver node benchmark${quick ? ' (quick: 10k vectors, short runs)' : ''}\n${machineFacts()}`)
  benchNode({ quick })
    .then((rows) => printTable('Node', rows))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
