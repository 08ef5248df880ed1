// The node's collections, each in <dataDir>/collections/<name>/ with its collection.json, log and
// checkpoints. Creating, deleting and replacing a collection are each one directory rename, so a
// crash leaves either the old or the new state, never a half.
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { CollectionNotFound, WrongInput } from '../errors'
import { fsyncDirectory, writeFileSynced } from '../storage/files'
import { Collection, CollectionEvents } from './collection'
import { CollectionConfig, validateCollectionName } from './collection-config'

const CONFIG_FILE = 'collection.json'
const TRANSIENT = /^\.(creating|deleted|recovering)-/

export interface StoredCollectionConfig {
  readonly config: CollectionConfig
  readonly createdAt: string
}

export class CollectionRegistry {
  private readonly collections = new Map<string, Collection>()
  private readonly locks = new Map<string, Promise<unknown>>()
  readonly root: string

  constructor(
    dataDir: string,
    private readonly events: CollectionEvents,
    private readonly checkpointWalBytes: number,
  ) {
    this.root = path.join(dataDir, 'collections')
  }

  async loadAll(): Promise<void> {
    await mkdir(this.root, { recursive: true })
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      if (TRANSIENT.test(entry.name)) {
        await rm(path.join(this.root, entry.name), { recursive: true, force: true })
        continue
      }
      await this.openDir(entry.name)
    }
  }

  names(): string[] {
    return [...this.collections.keys()].sort()
  }

  all(): Collection[] {
    return [...this.collections.values()]
  }

  has(name: string): boolean {
    return this.collections.has(name)
  }

  get(name: string): Collection {
    const collection = this.collections.get(name)
    if (!collection) throw new CollectionNotFound(name)
    return collection
  }

  async create(name: string, config: CollectionConfig): Promise<void> {
    validateCollectionName(name)
    await this.exclusive(name, async () => {
      if (this.collections.has(name)) throw new WrongInput(`Collection \`${name}\` already exists!`)
      const staging = path.join(this.root, `.creating-${randomUUID()}`)
      await mkdir(staging, { recursive: true })
      const stored: StoredCollectionConfig = { config, createdAt: new Date().toISOString() }
      await writeFileSynced(path.join(staging, CONFIG_FILE), JSON.stringify(stored, null, 2))
      await fsyncDirectory(staging)
      await rename(staging, path.join(this.root, name))
      await fsyncDirectory(this.root)
      await this.openDir(name)
    })
  }

  /** Deletes a collection; false when there was none. */
  async delete(name: string): Promise<boolean> {
    return this.exclusive(name, async () => {
      const collection = this.collections.get(name)
      if (!collection) return false
      this.collections.delete(name)
      await collection.close(false)
      await this.discardDir(name)
      return true
    })
  }

  /**
   * Makes `preparedDir` (a collection directory assembled from a snapshot, on the same file system)
   * the collection `name`, replacing the existing one if any.
   */
  async replace(name: string, preparedDir: string): Promise<void> {
    validateCollectionName(name)
    await this.exclusive(name, async () => {
      const existing = this.collections.get(name)
      if (existing) {
        this.collections.delete(name)
        await existing.close(false)
        await this.discardDir(name)
      }
      await rename(preparedDir, path.join(this.root, name))
      await fsyncDirectory(this.root)
      await this.openDir(name)
    })
  }

  /** A fresh directory under the registry's root, for assembling a collection from a snapshot. */
  async stagingDir(): Promise<string> {
    const dir = path.join(this.root, `.recovering-${randomUUID()}`)
    await mkdir(dir, { recursive: true })
    return dir
  }

  async closeAll(flush: boolean): Promise<void> {
    await Promise.all(this.all().map((c) => c.close(flush)))
  }

  private async openDir(name: string): Promise<void> {
    const dir = path.join(this.root, name)
    const stored = JSON.parse(await readFile(path.join(dir, CONFIG_FILE), 'utf8')) as StoredCollectionConfig
    const collection = await Collection.open(name, dir, stored.config, this.events, this.checkpointWalBytes)
    this.collections.set(name, collection)
  }

  private async discardDir(name: string): Promise<void> {
    const trash = path.join(this.root, `.deleted-${randomUUID()}`)
    await rename(path.join(this.root, name), trash)
    await fsyncDirectory(this.root)
    await rm(trash, { recursive: true, force: true })
  }

  /** Runs `task` after any other create/delete/replace of the same name has finished. */
  private async exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(task)
    this.locks.set(name, run)
    try {
      return await run
    } finally {
      if (this.locks.get(name) === run) this.locks.delete(name)
    }
  }
}

export { CONFIG_FILE }
