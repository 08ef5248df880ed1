import { InvalidRequest, WrongInput } from '../errors'
import type { NodeRoute } from '../http/route'
import { FIELD_SCHEMAS, FieldSchema } from '../index/payload-index'
import { parseWait } from '../points/requests'
import { asObject, bodyObject, readString } from '../validation'
import { parseCreateCollection, qdrantConfig } from './collection-config'
import type { CollectionRegistry } from './registry'

export function collectionRoutes(registry: CollectionRegistry): NodeRoute[] {
  return [
    {
      method: 'GET',
      url: '/collections',
      operation: 'collections:list',
      handler: ({ scope }) => ({ collections: registry.names().filter((n) => !scope.canSee || scope.canSee(n)).map((name) => ({ name })) }),
    },
    {
      method: 'GET',
      url: '/collections/:collection_name',
      operation: 'collections:get',
      handler: ({ collection }) => collectionInfo(registry, collection),
    },
    {
      method: 'GET',
      url: '/collections/:collection_name/exists',
      operation: 'collections:exists',
      handler: ({ collection }) => ({ exists: registry.has(collection) }),
    },
    {
      method: 'PUT',
      url: '/collections/:collection_name',
      operation: 'collections:create',
      handler: async ({ collection, request }) => {
        await registry.create(collection, parseCreateCollection(request.body))
        return true
      },
    },
    {
      method: 'DELETE',
      url: '/collections/:collection_name',
      operation: 'collections:delete',
      handler: ({ collection }) => registry.delete(collection),
    },
    {
      method: 'PUT',
      url: '/collections/:collection_name/index',
      operation: 'collections:update',
      handler: ({ collection, request, query }) => {
        const body = bodyObject(request.body)
        const field = readString(body.field_name, 'field_name')
        return registry.get(collection).submit({ type: 'create_field_index', field, schema: parseFieldSchema(body.field_schema) }, parseWait(query))
      },
    },
    {
      method: 'DELETE',
      url: '/collections/:collection_name/index/:field_name',
      operation: 'collections:update',
      handler: ({ collection, params, query }) => registry.get(collection).submit({ type: 'delete_field_index', field: params.field_name }, parseWait(query)),
    },
  ]
}

function collectionInfo(registry: CollectionRegistry, name: string): Record<string, unknown> {
  const collection = registry.get(name)
  const store = collection.store
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: store.count,
    points_count: store.count,
    segments_count: 1,
    config: qdrantConfig(collection.config),
    payload_schema: Object.fromEntries(store.payloadIndex.list().map((f) => [f.field, { data_type: f.schema, points: f.pointsCount }])),
  }
}

function parseFieldSchema(value: unknown): FieldSchema {
  if (value === undefined || value === null) throw new InvalidRequest('JSON body', 'field_schema: missing field `field_schema` (keyword, integer, bool, float or uuid)')
  const type = typeof value === 'string' ? value : readString(asObject(value, 'field_schema').type, 'field_schema.type')
  if (!(FIELD_SCHEMAS as readonly string[]).includes(type)) {
    throw new WrongInput(`field_schema: payload index type \`${type}\` is not supported by this node (${FIELD_SCHEMAS.join(', ')} are)`)
  }
  return type as FieldSchema
}
