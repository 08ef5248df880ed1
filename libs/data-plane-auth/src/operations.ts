// The node's operations × access levels, as in API.md's table. `restricted` is our extension: whether
// a collection grant with a `payload` restriction keeps the operation (only if the node can confine
// it to the matching points; a snapshot or collection info shows the whole collection).

export interface AccessRow {
  /** The operation names one collection (false: cluster-wide, e.g. listing). */
  readonly collection: boolean
  readonly r: boolean
  readonly collR: boolean
  readonly collRw: boolean
  readonly collPrw: boolean
  readonly m: boolean
  readonly restricted: boolean
}

const Y = true
const N = false

// prettier-ignore
export const OPERATIONS = {
  // list/get/exists collection; API.md leaves prw as "–": like Qdrant, prw may see its own collection.
  'collections:list':   { collection: N, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'collections:get':    { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: N },
  'collections:exists': { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  // point reads
  'points:get':         { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'points:scroll':      { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'points:search':      { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'points:query':       { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'points:count':       { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  // point writes
  'points:upsert':      { collection: Y, r: N, collR: N, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'points:delete':      { collection: Y, r: N, collR: N, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'payload:set':        { collection: Y, r: N, collR: N, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'payload:overwrite':  { collection: Y, r: N, collR: N, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  'payload:delete':     { collection: Y, r: N, collR: N, collRw: Y, collPrw: Y, m: Y, restricted: Y },
  // snapshots: list, download
  'snapshots:list':     { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: N, m: Y, restricted: N },
  'snapshots:download': { collection: Y, r: Y, collR: Y, collRw: Y, collPrw: N, m: Y, restricted: N },
  // snapshots: create, delete
  'snapshots:create':   { collection: Y, r: N, collR: N, collRw: Y, collPrw: N, m: Y, restricted: N },
  'snapshots:delete':   { collection: Y, r: N, collR: N, collRw: Y, collPrw: N, m: Y, restricted: N },
  // create/update/delete collection, snapshot upload/recover
  'collections:create': { collection: Y, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
  'collections:update': { collection: Y, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
  'collections:delete': { collection: Y, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
  'snapshots:upload':   { collection: Y, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
  'snapshots:recover':  { collection: Y, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
  // POST /internal/revocations: the control plane's push of revoked token ids
  'revocations:add':    { collection: N, r: N, collR: N, collRw: N, collPrw: N, m: Y, restricted: N },
} as const satisfies Record<string, AccessRow>

export type Operation = keyof typeof OPERATIONS

export const OPERATION_NAMES = Object.keys(OPERATIONS) as readonly Operation[]

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(OPERATIONS, name)
}
