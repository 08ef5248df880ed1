// The worker thread that holds every collection's HNSW graph. hnswlib-node only searches
// synchronously, so on the main thread each graph walk stopped the HTTP work with it; here walks run
// while the main thread reads, parses and answers the next requests. Messages are handled in the
// order they were posted, so a search sees every change posted before it.
import { HierarchicalNSW } from 'hnswlib-node'
import { parentPort } from 'node:worker_threads'
import type { IndexReply, IndexRequest } from './index-messages'

const graphs = new Map<number, HierarchicalNSW>()
/** The first failure of a fire-and-forget change, per graph: that graph may no longer be saved. */
const faults = new Map<number, string>()

function graph(id: number): HierarchicalNSW {
  const found = graphs.get(id)
  if (!found) throw new Error(`no index ${id} on the index thread`)
  return found
}

function put(id: number, label: number, vector: Float32Array): void {
  const hnsw = graph(id)
  const capacity = hnsw.getMaxElements()
  if (label >= capacity || hnsw.getCurrentCount() >= capacity) hnsw.resizeIndex(Math.max(capacity * 2, label + 1))
  hnsw.addPoint(Array.from(vector), label)
}

async function answer(request: Extract<IndexRequest, { call: number }>): Promise<unknown> {
  switch (request.kind) {
    case 'load': {
      const hnsw = new HierarchicalNSW(request.space, request.dimension)
      await hnsw.readIndex(request.file, false)
      graphs.set(request.index, hnsw)
      return undefined
    }
    case 'search': {
      const hnsw = graph(request.index)
      const limit = Math.min(request.k, hnsw.getMaxElements())
      if (limit <= 0) return { labels: [], distances: [] }
      hnsw.setEf(Math.max(request.ef, limit))
      const { allow } = request
      const result = allow ? hnsw.searchKnn(Array.from(request.query), limit, (label) => allow[label] === 1) : hnsw.searchKnn(Array.from(request.query), limit)
      return { labels: result.neighbors, distances: result.distances }
    }
    case 'save': {
      const fault = faults.get(request.index)
      if (fault) throw new Error(`the index was damaged by an earlier change (${fault}); it is not saved`)
      await graph(request.index).writeIndex(request.file)
      return undefined
    }
    case 'settle':
      return undefined
  }
}

function handle(request: IndexRequest): void {
  if ('call' in request) {
    answer(request).then(
      (value) => parentPort!.postMessage({ call: request.call, ok: true, value } satisfies IndexReply),
      (error: unknown) => parentPort!.postMessage({ call: request.call, ok: false, message: (error as Error).message } satisfies IndexReply),
    )
    return
  }
  try {
    switch (request.kind) {
      case 'create': {
        const hnsw = new HierarchicalNSW(request.space, request.dimension)
        hnsw.initIndex(request.capacity, request.m, request.efConstruct, request.seed, false)
        graphs.set(request.index, hnsw)
        break
      }
      case 'put':
        put(request.index, request.label, request.vector)
        break
      case 'remove':
        graph(request.index).markDelete(request.label)
        break
      case 'drop':
        graphs.delete(request.index)
        faults.delete(request.index)
        break
    }
  } catch (error) {
    if (!faults.has(request.index)) faults.set(request.index, `${request.kind}: ${(error as Error).message}`)
    parentPort!.postMessage({ fault: request.index, message: faults.get(request.index)! } satisfies IndexReply)
  }
}

parentPort!.on('message', handle)
