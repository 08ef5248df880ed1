// npm run bench [-- --quick]: every benchmark, side by side with its reference, in one table.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { benchBackups } from './backups'
import { benchControlPlane } from './control-plane'
import { benchNodeAuth } from './node-auth'
import { benchNode } from './node-search'
import { BenchRow, machineFacts, met, printTable, ratio } from './lib/report'

async function main() {
  const quick = process.argv.includes('--quick')
  console.log(`# Quiver benchmark${quick ? ' (quick: small data, short runs, no speed verdict)' : ''}\n${machineFacts()}`)
  const rows: BenchRow[] = []
  rows.push(...(await benchNode({ quick })))
  rows.push(...(await benchNodeAuth({ quick })))
  rows.push(...(await benchControlPlane({ quick })))
  rows.push(...(await benchBackups({ quick })))
  printTable('Results', rows)
  if (!quick) {
    const file = path.resolve(__dirname, '../../bench/results/latest.json')
    mkdirSync(path.dirname(file), { recursive: true })
    const results = rows.map((r) => ({ ...r, ratio: ratio(r), met: met(r) }))
    writeFileSync(file, JSON.stringify({ machine: machineFacts(), date: new Date().toISOString(), results }, null, 2) + '\n')
    console.log(`\nwritten to ${path.relative(process.cwd(), file)}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
