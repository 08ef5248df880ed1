import { createReadStream, createWriteStream } from 'node:fs'
import { realpath, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import type { CollectionRegistry } from '../collections/registry'
import { InvalidRequest, WrongInput } from '../errors'
import type { NodeRoute } from '../http/route'
import { bodyObject, optional, readString } from '../validation'
import { MultipartError, saveMultipartFile } from './multipart'
import type { SnapshotStore } from './snapshot-store'

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000

export function snapshotRoutes(registry: CollectionRegistry, snapshots: SnapshotStore): NodeRoute[] {
  return [
    {
      method: 'GET',
      url: '/collections/:collection_name/snapshots',
      operation: 'snapshots:list',
      handler: ({ collection }) => {
        registry.get(collection)
        return snapshots.list(collection)
      },
    },
    { method: 'POST', url: '/collections/:collection_name/snapshots', operation: 'snapshots:create', handler: ({ collection }) => snapshots.create(collection) },
    {
      method: 'GET',
      url: '/collections/:collection_name/snapshots/:snapshot_name',
      operation: 'snapshots:download',
      raw: true,
      handler: async ({ collection, params, reply }) => {
        const file = await snapshots.file(collection, params.snapshot_name)
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${params.snapshot_name.replace(/"/g, '')}"`)
          .send(createReadStream(file))
      },
    },
    {
      method: 'DELETE',
      url: '/collections/:collection_name/snapshots/:snapshot_name',
      operation: 'snapshots:delete',
      handler: async ({ collection, params }) => {
        await snapshots.delete(collection, params.snapshot_name)
        return true
      },
    },
    {
      method: 'PUT',
      url: '/collections/:collection_name/snapshots/recover',
      operation: 'snapshots:recover',
      handler: async ({ collection, request }) => {
        const body = bodyObject(request.body)
        const location = readString(body.location, 'location')
        const checksum = optional(body, 'checksum', readString)
        const apiKey = optional(body, 'api_key', readString)
        const { file, recorded, temporary } = await fetchLocation(snapshots, location, apiKey)
        try {
          await snapshots.recover(collection, file, checksum ?? recorded)
        } finally {
          if (temporary) await rm(file, { force: true })
        }
        return true
      },
    },
    {
      method: 'POST',
      url: '/collections/:collection_name/snapshots/upload',
      operation: 'snapshots:upload',
      streamBody: true,
      handler: async ({ collection, request, query }) => {
        const file = await snapshots.incomingFile()
        try {
          const type = request.headers['content-type'] ?? ''
          if (!(request.body instanceof Readable)) throw new InvalidRequest('JSON body', 'send the snapshot as multipart/form-data (field `snapshot`) or application/octet-stream')
          if (type.startsWith('multipart/form-data')) {
            await saveMultipartFile(request.body, type, file, 'snapshot').catch((e) => {
              throw e instanceof MultipartError ? new InvalidRequest('JSON body', e.message) : e
            })
          } else {
            await pipeline(request.body, createWriteStream(file))
          }
          await snapshots.recover(collection, file, query.checksum || undefined)
        } finally {
          await rm(file, { force: true })
        }
        return true
      },
    },
  ]
}

/** A snapshot location as a local file: one of this node's snapshots (file://) or a download (http/https). */
async function fetchLocation(snapshots: SnapshotStore, location: string, apiKey: string | undefined): Promise<{ file: string; recorded?: string; temporary: boolean }> {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    throw new WrongInput(`location: not a URL: ${JSON.stringify(location)}`)
  }
  if (url.protocol === 'file:') {
    const file = await realpath(fileURLToPath(url)).catch(() => {
      throw new WrongInput(`Snapshot file ${url.pathname} does not exist`)
    })
    const root = await realpath(snapshots.root).catch(() => snapshots.root)
    if (!file.startsWith(root + path.sep)) throw new WrongInput('location: a file:// snapshot must be in this node\'s snapshots directory')
    return { file, recorded: await snapshots.recordedChecksum(file), temporary: false }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WrongInput(`location: unsupported scheme ${url.protocol} (http, https or file)`)
  const file = await snapshots.incomingFile()
  try {
    const response = await fetch(url, { headers: apiKey ? { 'api-key': apiKey } : {}, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) })
    if (!response.ok || !response.body) throw new WrongInput(`Failed to download snapshot from ${url.origin}${url.pathname}: HTTP ${response.status}`)
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(file))
  } catch (error) {
    await rm(file, { force: true })
    if (error instanceof WrongInput) throw error
    throw new WrongInput(`Failed to download snapshot from ${url.origin}${url.pathname}: ${(error as Error).message}`)
  }
  return { file, temporary: true }
}
