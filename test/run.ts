// The whole suite in one command: prepare the template database once, then node's test runner over
// every compiled spec file (optionally only those whose path contains one of the arguments).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { prepareTemplateDatabase } from './support/database'

const DIST = path.resolve(__dirname, '..')
const SPEC = /\.(spec|e2e-spec)\.js$/

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specFiles(full)
    return SPEC.test(entry.name) ? [full] : []
  })
}

async function main() {
  const filters = process.argv.slice(2)
  const files = ['apps', 'libs', 'test']
    .flatMap((d) => specFiles(path.join(DIST, d)))
    .filter((f) => filters.length === 0 || filters.some((x) => path.relative(DIST, f).includes(x)))
    .sort()
  if (files.length === 0) throw new Error(`no spec files match ${filters.join(' ')}`)
  await prepareTemplateDatabase()
  const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  })
  process.exit(result.status ?? 1)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
