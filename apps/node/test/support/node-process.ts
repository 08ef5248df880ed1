// Starts real node processes (dist/apps/node/src/main.js) on a free port with their own data
// directory, and stops or kills them, for tests and benchmarks.
import { ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { QdrantClient } from '@qdrant/js-client-rest'
import { after, before } from 'node:test'

export const NODE_MAIN = path.resolve(__dirname, '../../src/main.js')

export interface NodeProcess {
  readonly url: string
  readonly port: number
  readonly child: ChildProcess
  readonly dataDir: string
  /** Every line the node printed so far. */
  readonly output: string[]
  client(apiKey?: string): QdrantClient
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL and wait until the process is gone. */
  kill(): Promise<void>
}

export function tempDataDir(prefix = 'quiver-node-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** Starts a node and resolves once it listens (or rejects with its output if it exits first). */
export async function startNode(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? tempDataDir()
  const child = spawn(process.execPath, [NODE_MAIN], {
    env: { PATH: process.env.PATH, QUIVER_NODE_PORT: '0', QUIVER_NODE_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = once(child, 'exit')
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        output.push(line)
        const match = /"port":(\d+)/.exec(line)
        if (match && line.includes('listening on')) resolve(Number(match[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before listening:\n${output.join('\n')}${buffered}`)))
  })
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    port,
    child,
    dataDir,
    output,
    client: (apiKey?: string) => new QdrantClient({ url, checkCompatibility: false, ...(apiKey && { headers: { 'api-key': apiKey } }) }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const [code] = (await exited) as [number | null]
      return code
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** Runs `main.js` with `env` and returns its exit code and output (for configuration errors). */
export async function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [NODE_MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, output }
}

/** A raw request to the node: status and parsed JSON body. */
export async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // plain-text answers (health checks, metrics)
  }
  return { status: response.status, body: parsed }
}

/** A deterministic pseudo-random generator (mulberry32) for reproducible vectors. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomVector(random: () => number, dimension: number): number[] {
  return Array.from({ length: dimension }, () => random() * 2 - 1)
}

/** Asserts that a call through the official client fails with `status` and a Qdrant error matching `message`. */
export async function rejectsWith(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  try {
    await promise
  } catch (error) {
    const e = error as { status?: number; data?: { status?: { error?: string } } }
    if (e.status !== status) throw new Error(`expected HTTP ${status}, got ${e.status}: ${JSON.stringify(e.data)}`)
    const text = e.data?.status?.error ?? ''
    if (!message.test(text)) throw new Error(`error ${JSON.stringify(text)} does not match ${message}`)
    return
  }
  throw new Error(`expected HTTP ${status}, but the call succeeded`)
}

/** One node for a `describe` block: started before its tests, stopped and removed after. */
export function nodeForSuite(options: { env?: Record<string, string> } = {}): { readonly node: NodeProcess; readonly client: QdrantClient } {
  let node: NodeProcess | undefined
  let client: QdrantClient | undefined
  before(async () => {
    node = await startNode(options)
    client = node.client()
  })
  after(async () => {
    await node?.stop()
    if (node) removeDir(node.dataDir)
  })
  return {
    get node() {
      return node!
    },
    get client() {
      return client!
    },
  }
}
