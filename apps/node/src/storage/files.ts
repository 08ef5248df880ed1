// File-system steps that survive a crash: fsync the data, rename into place, fsync the directory.
import { open, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

async function fsyncPath(target: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(target, flags)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export const fsyncDirectory = (dir: string): Promise<void> => fsyncPath(dir, 'r')
export const fsyncFile = (file: string): Promise<void> => fsyncPath(file, 'r+')

/** Replaces `file` atomically: after a crash it holds either the old or the new contents. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`
  const handle = await open(temp, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temp, file)
  await fsyncDirectory(path.dirname(file))
}

/** Writes and fsyncs a new file (its directory is synced by the caller once all files are in). */
export async function writeFileSynced(file: string, data: string | Uint8Array | AsyncIterable<string | Uint8Array>): Promise<void> {
  await writeFile(file, data)
  await fsyncFile(file)
}
