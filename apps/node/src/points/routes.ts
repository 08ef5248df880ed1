import { searchOptions } from '../collections/collection-config'
import type { Collection } from '../collections/collection'
import type { CollectionRegistry } from '../collections/registry'
import { InvalidRequest } from '../errors'
import { andFilters, Filter, parseFilter } from '../filters/filter'
import type { AccessScope } from '../http/access'
import type { NodeRoute, RouteContext } from '../http/route'
import type { Operation } from '../storage/operations'
import { asObject, bodyObject } from '../validation'
import { parsePathPointId } from './ids'
import { countPoints, getPoint, queryPoints, retrievePoints, scrollPoints, searchNearest } from './reads'
import { parseCount, parseDeletePayload, parseQuery, parseRetrieve, parseScroll, parseSearch, parseSelector, parseSetPayload, parseUpsert, parseWait } from './requests'

export function pointRoutes(registry: CollectionRegistry): NodeRoute[] {
  const write = (parse: (body: unknown, c: Collection) => Operation) => (ctx: RouteContext) => {
    const collection = registry.get(ctx.collection)
    const op = confine(parse(ctx.request.body, collection), ctx.scope)
    ctx.scope.checkWrite?.(op, collection.store)
    return collection.submit(op, parseWait(ctx.query))
  }
  const read = <T>(run: (collection: Collection, body: unknown, scope: Filter | undefined, ctx: RouteContext) => T) => (ctx: RouteContext) =>
    run(registry.get(ctx.collection), ctx.request.body, parseFilter(ctx.scope.pointFilter, 'scope'), ctx)

  return [
    { method: 'PUT', url: '/collections/:collection_name/points', operation: 'points:upsert', handler: write((body, c) => parseUpsert(body, c.config.vectors.size)) },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/delete',
      operation: 'points:delete',
      handler: write((body) => ({ type: 'delete', ...parseSelector(bodyObject(body), true) })),
    },
    { method: 'POST', url: '/collections/:collection_name/points/payload', operation: 'payload:set', handler: write((body) => parseSetPayload(body, 'set_payload')) },
    { method: 'PUT', url: '/collections/:collection_name/points/payload', operation: 'payload:overwrite', handler: write((body) => parseSetPayload(body, 'overwrite_payload')) },
    { method: 'DELETE', url: '/collections/:collection_name/points/payload', operation: 'payload:delete', handler: write(parseDeletePayload) },
    { method: 'POST', url: '/collections/:collection_name/points/payload/delete', operation: 'payload:delete', handler: write(parseDeletePayload) },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/payload/clear',
      operation: 'payload:overwrite',
      handler: write((body) => ({ type: 'clear_payload', ...parseSelector(bodyObject(body), true) })),
    },
    { method: 'POST', url: '/collections/:collection_name/points', operation: 'points:get', handler: read((c, body, scope) => retrievePoints(c.store, parseRetrieve(body), scope)) },
    {
      method: 'GET',
      url: '/collections/:collection_name/points/:id',
      operation: 'points:get',
      handler: read((c, _body, scope, ctx) => getPoint(c.store, parsePathPointId(ctx.params.id), scope)),
    },
    { method: 'POST', url: '/collections/:collection_name/points/scroll', operation: 'points:scroll', handler: read((c, body, scope) => scrollPoints(c.store, parseScroll(body), scope)) },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/count',
      operation: 'points:count',
      handler: read((c, body, scope) => {
        const { filter } = parseCount(body)
        return { count: countPoints(c.store, andFilters(filter, scope)) }
      }),
    },
    { method: 'POST', url: '/collections/:collection_name/points/search', operation: 'points:search', handler: read((c, body, scope) => search(c, body, scope)) },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/search/batch',
      operation: 'points:search',
      handler: read((c, body, scope) => Promise.all(batch(body).map((b) => search(c, b, scope)))),
    },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/query',
      operation: 'points:query',
      handler: read(async (c, body, scope) => ({ points: await queryPoints(c.store, parseQuery(body, c.config.vectors.size), scope, searchOptions(c.config)) })),
    },
    {
      method: 'POST',
      url: '/collections/:collection_name/points/query/batch',
      operation: 'points:query',
      handler: read((c, body, scope) =>
        Promise.all(batch(body).map(async (b) => ({ points: await queryPoints(c.store, parseQuery(b, c.config.vectors.size), scope, searchOptions(c.config)) }))),
      ),
    },
  ]
}

function search(c: Collection, body: unknown, scope: Filter | undefined) {
  const request = parseSearch(body, c.config.vectors.size)
  return searchNearest(c.store, request.vector, request, scope, searchOptions(c.config))
}

function batch(body: unknown): unknown[] {
  const searches = bodyObject(body).searches
  if (!Array.isArray(searches)) throw new InvalidRequest('JSON body', 'searches: expected an array of requests')
  return searches.map((s, i) => asObject(s, `searches[${i}]`))
}

/** A scoped credential's deletes and payload edits reach only its points: AND its filter into the target. */
function confine(op: Operation, scope: AccessScope): Operation {
  if (scope.pointFilter === undefined || op.type === 'upsert' || op.type === 'create_field_index' || op.type === 'delete_field_index') return op
  const wrap = (f: unknown) => {
    const o = asObject(f, 'filter')
    return { must: o.must ?? [], should: o.should ?? [], must_not: o.must_not ?? [] }
  }
  return { ...op, filter: op.filter === undefined ? scope.pointFilter : { must: [wrap(op.filter), wrap(scope.pointFilter)] } }
}
