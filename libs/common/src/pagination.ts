import { ApiPropertyOptional } from '@nestjs/swagger'
import { Type } from 'class-transformer'
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator'
import { invalidField } from './problems'

/** `?limit=50&cursor=...` on every list route. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

interface Keyed {
  id: string
  createdAt: Date
}

/** Keyset pagination in creation order: Prisma arguments for one page (one row more, to know if there is a next). */
export function pageArgs(query: PageQuery) {
  const take = (query.limit ?? 50) + 1
  const orderBy = [{ createdAt: 'asc' as const }, { id: 'asc' as const }]
  if (!query.cursor) return { take, orderBy, where: {} }
  let after: { t: string; id: string }
  try {
    after = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'))
    if (typeof after.id !== 'string' || Number.isNaN(Date.parse(after.t))) throw new Error()
  } catch {
    throw invalidField('cursor', 'is not a cursor this API returned')
  }
  const t = new Date(after.t)
  return { take, orderBy, where: { OR: [{ createdAt: { gt: t } }, { createdAt: t, id: { gt: after.id } }] } }
}

export function toPage<R extends Keyed, T>(rows: R[], query: PageQuery, map: (row: R) => T): Page<T> {
  const limit = query.limit ?? 50
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ t: last.createdAt.toISOString(), id: last.id })).toString('base64url')
      : null
  return { items: items.map(map), nextCursor }
}
