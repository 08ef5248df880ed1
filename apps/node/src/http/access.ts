// The seam between the node and its access control. Every route names its operation (the rows of
// API.md's table, as in libs/data-plane-auth's OPERATIONS); one onRequest hook asks the authorizer
// about it before the body is read and hands the resulting scope to the route. The node enforces a
// scope the same way whichever authorizer produced it.
import type { Operation } from '@quiver/data-plane-auth'
import type { FastifyRequest } from 'fastify'
import type { PointStore } from '../points/point-store'
import type { Operation as WriteOperation } from '../storage/operations'

export type { Operation }

/** What a request may touch beyond "allowed": absent fields mean "no limit". */
export interface AccessScope {
  /**
   * A Qdrant filter (raw JSON) confining the request to matching points: ANDed into every read's
   * filter, into the targets of deletes and payload edits, and applied to retrieval by id.
   */
  readonly pointFilter?: unknown
  /** Checks a write before it is logged (e.g. an upsert must keep the restricted payload); throws AccessDenied. */
  readonly checkWrite?: (write: WriteOperation, store: PointStore) => void
  /** For listings: whether the caller may see collection `name`. */
  readonly canSee?: (name: string) => boolean
}

export interface RequestAuthorizer {
  /** Allows the request (returning its scope) or throws AccessDenied (401/403 with the reason). */
  authorize(request: FastifyRequest, operation: Operation, collection: string | undefined): Promise<AccessScope>
  /** Said once at start-up, e.g. that the node is open. */
  describe(): string
}

export const UNLIMITED: AccessScope = {}

/** No key configured: every request is allowed in full (development only). */
export const openAuthorizer: RequestAuthorizer = {
  authorize: async () => UNLIMITED,
  describe: () => 'no API key configured: the node is OPEN, every request is allowed (development only)',
}
