// Clusters through the API, and Qdrant's own client against their nodes.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { QdrantClient } from '@qdrant/js-client-rest'
import { HttpClient } from './http'
import { TestUser } from './users'

export const clusterPath = (owner: TestUser, clusterId = '') => `/api/v1/accounts/${owner.accountId}/clusters${clusterId ? `/${clusterId}` : ''}`

/** Polls the cluster until `done` holds (or it is gone, for `status === 'GONE'`). */
export async function waitForCluster(http: HttpClient, owner: TestUser, clusterId: string, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await http.get(clusterPath(owner, clusterId), { token: owner.token })
    if (status === 'GONE' ? last.status === 404 : last.body.status === status) return last.body
    if (last.body?.status === 'FAILED' && status !== 'FAILED') throw new Error(`cluster FAILED: ${last.body.statusReason}`)
    await sleep(200)
  }
  throw new Error(`cluster never became ${status}: ${JSON.stringify(last?.body)}`)
}

export async function createHealthyCluster(http: HttpClient, owner: TestUser, body: Record<string, unknown> = {}) {
  const res = await http.post(clusterPath(owner), { name: `c-${crypto.randomUUID().slice(0, 8)}`, ...body }, { token: owner.token })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  assert.equal(res.body.status, 'CREATING')
  return waitForCluster(http, owner, res.body.id, 'HEALTHY')
}

export async function dataAccessToken(http: HttpClient, owner: TestUser, clusterId: string, access: 'r' | 'm') {
  const res = await http.post(`${clusterPath(owner, clusterId)}/data-access-token`, { access }, { token: owner.token })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body as { token: string; expiresAt: string; endpoint: { url: string } }
}

export function qdrant(url: string, apiKey?: string) {
  return new QdrantClient({ url, apiKey, checkCompatibility: false })
}

/** The HTTP status of a rejected Qdrant client call (the client throws on non-2xx). */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call
    return 200
  } catch (error) {
    return (error as { status?: number }).status ?? -1
  }
}
