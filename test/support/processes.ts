// The control plane as a real child process (its own logs, its own exit code).
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import path from 'node:path'

export const CONTROL_PLANE_MAIN = path.resolve(__dirname, '../../apps/control-plane/src/main.js')

export interface Spawned {
  child: ChildProcessWithoutNullStreams
  output: () => string
  /** Resolves with the first match of `pattern` in the output, or the exit code if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<{ match?: RegExpMatchArray; code?: number | null }>
  stop(): Promise<void>
}

export function spawnNode(entry: string, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: 'pipe' })
  let output = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const l of listeners) l()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  let exitCode: number | null | undefined
  const exited = new Promise<void>((resolve) => child.on('exit', (code) => ((exitCode = code), resolve(), listeners.forEach((l) => l()))))
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern)
          if (match) done({ match })
          else if (exitCode !== undefined) done({ code: exitCode })
        }
        const timer = setTimeout(() => (listeners.delete(check), reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`))), timeoutMs)
        const done = (result: { match?: RegExpMatchArray; code?: number | null }) => (clearTimeout(timer), listeners.delete(check), resolve(result))
        listeners.add(check)
        check()
      })
    },
    async stop() {
      if (exitCode !== undefined) return
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Removes every Redis key a test process wrote under its prefix. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis('redis://127.0.0.1:6379')
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
}

export const WORKER_MAIN = path.resolve(__dirname, '../../apps/control-plane/src/worker.js')

/** Worker processes joining a test's control plane (which runs none in-process); `stopAll` in `after`. */
export function workerProcesses(workerEnv: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const started: Spawned[] = []
  return {
    async start(): Promise<Spawned> {
      const worker = spawnNode(WORKER_MAIN, { ...workerEnv, LOG_LEVEL: 'info', ...extraEnv })
      started.push(worker)
      await worker.waitFor(/worker started/)
      return worker
    },
    async stopAll(): Promise<void> {
      for (const w of started) await w.stop()
    },
  }
}
