// Prisma's schema engine compiled to WebAssembly, driven through @prisma/adapter-pg, so migrations
// need no native engine binary and no network (air-gapped installs included).
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg'
import pg from 'pg'

export type SchemaEngine = wasmBindings.SchemaEngine

// @types/node 20 does not declare the WebAssembly global
declare const WebAssembly: {
  Module: new (bytes: Buffer) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

let loaded: typeof wasmBindings | undefined
function loadWasm(): typeof wasmBindings {
  if (loaded) return loaded
  // the package's "exports" map hides the .wasm file: resolve the entry point and take its folder
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'))
  const module = new WebAssembly.Module(readFileSync(path.join(dir, 'schema_engine_bg.wasm')))
  const instance = new WebAssembly.Instance(module, {
    './schema_engine_bg.js': wasmBindings,
  })
  wasmBindings.__wbg_set_wasm(instance.exports)
  ;(instance.exports.__wbindgen_start as () => void)()
  loaded = wasmBindings
  return loaded
}

// adapter-pg 7.10 rejects PostgreSQL's internal "char" type (OID 18) that the engine's catalogue
// queries return: report it as text (OID 25). Patched once, on pg's prototype.
let charPatched = false
function reportCharAsText() {
  if (charPatched) return
  const resultProto = pg.Result.prototype as unknown as { addFields(fields: { dataTypeID: number }[]): void }
  const addFields = resultProto.addFields
  resultProto.addFields = function (fields) {
    for (const field of fields) if (field.dataTypeID === 18) field.dataTypeID = 25
    return addFields.call(this, fields)
  }
  charPatched = true
}

type Connection = Awaited<ReturnType<PrismaPg['connect']>>

// adapter-pg's executeScript splits on ';' (breaks $$ bodies, not atomic): send the script as one query.
async function connect(config: pg.PoolConfig): Promise<Connection> {
  const connection = await new PrismaPg(config).connect()
  const pool = connection.underlyingDriver() as pg.Pool
  connection.executeScript = async (script: string) => {
    try {
      await pool.query(script)
    } catch (error) {
      ;(connection as unknown as { onError(e: unknown): never }).onError(error)
    }
  }
  return connection
}

export function poolConfig(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl)
  const decode = decodeURIComponent
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decode(url.pathname.slice(1)),
    user: decode(url.username) || undefined,
    password: decode(url.password) || undefined,
    max: 1, // one session, so the engine's advisory lock covers all migration SQL
  }
}

export interface OpenEngine {
  engine: SchemaEngine
  /** JS errors the adapter held back, by the id the engine reports ("External error id#N"). */
  explain(error: unknown): Error
  close(): Promise<void>
}

export async function openSchemaEngine(databaseUrl: string, schemaPath: string): Promise<OpenEngine> {
  reportCharAsText()
  const config = poolConfig(databaseUrl)
  const connections: Connection[] = [] // engine.free() does not dispose these
  const adapter = bindMigrationAwareSqlAdapterFactory({
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => {
      const connection = await connect(config)
      connections.push(connection)
      return connection
    },
    // the stock shadow handling leaves databases behind and ignores the database override: own it
    connectToShadowDb: async () => {
      const name = `quiver_shadow_${randomUUID().replaceAll('-', '')}`
      const admin = await connect(config)
      await admin.executeScript(`CREATE DATABASE "${name}"`)
      const shadow = await connect({ ...config, database: name })
      const disposeShadow = shadow.dispose.bind(shadow)
      shadow.dispose = async () => {
        await disposeShadow()
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        await admin.dispose()
      }
      return shadow
    },
  })
  const datamodels: [string, string][] = [[schemaPath, readFileSync(schemaPath, 'utf8')]]
  const log = (message: string) => process.env.DEBUG_SCHEMA_ENGINE && console.error('[schema-engine]', message)
  const engine = await loadWasm().SchemaEngine.new({ datamodels }, log, adapter)
  return {
    engine,
    explain(error) {
      const id = /External error id#(\d+)/.exec((error as Error)?.message ?? '')?.[1]
      const original = id ? (adapter.errorRegistry.consumeError(Number(id))?.error as Error | undefined) : undefined
      return original ?? (error instanceof Error ? error : new Error(String(error)))
    },
    async close() {
      engine.free()
      await Promise.all(connections.map((c) => c.dispose()))
    },
  }
}
