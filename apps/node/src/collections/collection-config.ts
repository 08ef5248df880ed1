// A collection's settings: parsed from Qdrant's create body, stored in collection.json, and shown
// back in Qdrant's `config` shape.
import { InvalidRequest, WrongInput } from '../errors'
import { Distance, DISTANCES } from '../index/distance'
import { asObject, bodyObject, optional, readInteger, readString } from '../validation'

export interface CollectionConfig {
  readonly vectors: { readonly size: number; readonly distance: Distance }
  readonly hnsw: {
    readonly m: number
    readonly efConstruct: number
    /** Qdrant's full_scan_threshold, in KiB of vectors: a collection this small is always scored exactly. */
    readonly fullScanThresholdKb: number
  }
}

export const MAX_DIMENSION = 65_536
export const DEFAULT_HNSW = { m: 16, efConstruct: 100, fullScanThresholdKb: 200 } as const
const MAX_NAME_BYTES = 255
const INVALID_NAME_CHARS = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0', '\u001f']

/** Qdrant's rules for collection names, plus what a directory name needs. */
export function validateCollectionName(name: string): void {
  if (name.length === 0 || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new WrongInput(`collection name must be 1 to ${MAX_NAME_BYTES} bytes long`)
  }
  const bad = INVALID_NAME_CHARS.find((c) => name.includes(c))
  if (bad !== undefined) throw new WrongInput(`collection name cannot contain ${JSON.stringify(bad)} char`)
  if (name === '.' || name === '..') throw new WrongInput(`collection name cannot be ${JSON.stringify(name)}`)
}

export function parseCreateCollection(body: unknown): CollectionConfig {
  const obj = bodyObject(body)
  if (obj.sparse_vectors !== undefined && obj.sparse_vectors !== null) throw new WrongInput('sparse vectors are not supported by this node')
  if (obj.vectors === undefined || obj.vectors === null) throw new InvalidRequest('JSON body', 'vectors: missing field `vectors` ({size, distance})')
  const vectors = asObject(obj.vectors, 'vectors')
  if (vectors.size === undefined) {
    throw new WrongInput('named vectors are not supported by this node; configure one unnamed vector as {"size": N, "distance": "Cosine"}')
  }
  const size = readInteger(vectors.size, 'vectors.size', 1, MAX_DIMENSION)
  const distance = readString(vectors.distance, 'vectors.distance')
  if (distance === 'Manhattan') throw new WrongInput('the Manhattan distance is not supported by this node (Cosine, Dot, Euclid are)')
  if (!(DISTANCES as readonly string[]).includes(distance)) {
    throw new InvalidRequest('JSON body', `vectors.distance: unknown variant \`${distance}\`, expected one of ${DISTANCES.map((d) => `\`${d}\``).join(', ')}`)
  }
  for (const key of ['multivector_config', 'datatype']) {
    if (vectors[key] !== undefined && vectors[key] !== null && !(key === 'datatype' && vectors[key] === 'float32')) {
      throw new WrongInput(`vectors.${key} is not supported by this node`)
    }
  }
  const hnsw = obj.hnsw_config === undefined || obj.hnsw_config === null ? {} : asObject(obj.hnsw_config, 'hnsw_config')
  return {
    vectors: { size, distance: distance as Distance },
    hnsw: {
      m: optional(hnsw, 'm', (v, f) => readInteger(v, f, 2, 128), 'hnsw_config.') ?? DEFAULT_HNSW.m,
      efConstruct: optional(hnsw, 'ef_construct', (v, f) => readInteger(v, f, 4, 4096), 'hnsw_config.') ?? DEFAULT_HNSW.efConstruct,
      fullScanThresholdKb: optional(hnsw, 'full_scan_threshold', (v, f) => readInteger(v, f, 0, 2 ** 31), 'hnsw_config.') ?? DEFAULT_HNSW.fullScanThresholdKb,
    },
  }
}

/** The config as Qdrant's GET /collections/{name} shows it. */
export function qdrantConfig(config: CollectionConfig): Record<string, unknown> {
  return {
    params: {
      vectors: { size: config.vectors.size, distance: config.vectors.distance },
      shard_number: 1,
      replication_factor: 1,
      write_consistency_factor: 1,
      on_disk_payload: false,
    },
    hnsw_config: {
      m: config.hnsw.m,
      ef_construct: config.hnsw.efConstruct,
      full_scan_threshold: config.hnsw.fullScanThresholdKb,
      max_indexing_threads: 0,
      on_disk: false,
    },
    optimizer_config: {
      deleted_threshold: 0.2,
      vacuum_min_vector_number: 1000,
      default_segment_number: 1,
      max_segment_size: null,
      memmap_threshold: null,
      indexing_threshold: 0,
      flush_interval_sec: 5,
      max_optimization_threads: null,
    },
    wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
    quantization_config: null,
    strict_mode_config: { enabled: false },
  }
}

/** How a search in this collection plans: exact below the full-scan threshold, else the graph at ef_construct unless asked. */
export function searchOptions(config: CollectionConfig): { fullScanPoints: number; defaultEf: number } {
  return {
    fullScanPoints: Math.floor((config.hnsw.fullScanThresholdKb * 1024) / (config.vectors.size * 4)),
    defaultEf: config.hnsw.efConstruct,
  }
}
