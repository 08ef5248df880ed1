// The load generator of every benchmark: wrk on loopback, one thread, a fixed number of connections,
// one request in flight on each. wrk is C: on two cores, a load generator in JavaScript took a third
// of the CPU that the process under test needed, and reported latency in whole milliseconds.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const SCRIPT = path.resolve(__dirname, '../../../bench/lib/load.lua')

export interface LoadOptions {
  readonly url: string
  readonly connections: number
  readonly seconds: number
  readonly method?: 'GET' | 'POST'
  readonly headers?: Record<string, string>
  /** request bodies, sent in turn */
  readonly bodies?: readonly string[]
}

/** Requests per second and latency percentiles (ms); any failed request (non-2xx/3xx, socket error, timeout) throws. */
export interface LoadResult {
  readonly rps: number
  readonly p50: number
  readonly p99: number
}

export async function loopbackLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'quiver-bench-load-'))
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, WRK_METHOD: options.method ?? 'GET' }
    if (options.bodies) {
      if (options.bodies.some((b) => b.includes('\n'))) throw new Error('a request body holds a newline')
      env.WRK_BODIES = path.join(dir, 'bodies')
      writeFileSync(env.WRK_BODIES, options.bodies.join('\n') + '\n')
    }
    const headers = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
    const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', SCRIPT, ...headers, options.url]
    const { stdout } = await promisify(execFile)('wrk', args, { env }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new Error('the benchmark needs wrk on the PATH (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)')
      throw error
    })
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '))
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`)
    const r = JSON.parse(line.slice('WRK_RESULT '.length)) as { requests: number; durationUs: number; p50Us: number; p99Us: number; failed: number }
    if (r.failed > 0) throw new Error(`${options.method ?? 'GET'} ${options.url}: ${r.failed} of ${r.requests} requests failed`)
    return { rps: r.requests / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
