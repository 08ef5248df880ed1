// One node per data directory: two processes appending to the same logs would corrupt them.
import { open, readFile, unlink } from 'node:fs/promises'
import path from 'node:path'

export class DataDirLock {
  private constructor(private readonly file: string) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const file = path.join(dataDir, '.lock')
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx')
        await handle.writeFile(String(process.pid))
        await handle.close()
        return new DataDirLock(file)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim())
        if (holder && holder !== process.pid && isAlive(holder)) throw new Error(`data directory ${dataDir} is in use by process ${holder}`)
        await unlink(file).catch(() => undefined) // left by a node that crashed
      }
    }
    throw new Error(`could not lock data directory ${dataDir}`)
  }

  async release(): Promise<void> {
    await unlink(this.file).catch(() => undefined)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
