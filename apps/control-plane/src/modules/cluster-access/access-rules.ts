import { invalidField } from '@quiver/common'
import { DataPlaneClaims, parseClaims } from '@quiver/data-plane-auth'
import { AccessRuleDto } from './cluster-access.dto'

export type AccessRule =
  | { type: 'global'; access: 'r' | 'm' }
  | { type: 'collection'; collection: string; access: 'r' | 'rw' | 'prw'; payload?: Record<string, unknown> }

/** A key's rules as stored and listed, and the `access` claim they become (checked by the node's own parser). */
export function accessClaim(rules: AccessRuleDto[] | undefined): { rules: AccessRule[]; access: DataPlaneClaims['access'] } {
  if (!rules?.length) return { rules: [{ type: 'global', access: 'm' }], access: 'm' }
  const globals = rules.filter((r) => r.type === 'global')
  if (globals.length && globals.length !== rules.length) throw invalidField('accessRules', 'a global rule cannot be combined with other rules')
  if (globals.length > 1) throw invalidField('accessRules', 'at most one global rule')
  if (globals.length) {
    const access = globals[0].access
    if (access !== 'r' && access !== 'm') throw invalidField('accessRules[0].access', 'a global rule grants "r" or "m"')
    if (globals[0].payload || globals[0].collection) throw invalidField('accessRules[0]', 'a global rule has no collection or payload')
    return { rules: [{ type: 'global', access }], access }
  }
  const normalized: AccessRule[] = rules.map((r, i) => {
    if (r.access !== 'r' && r.access !== 'rw' && r.access !== 'prw') throw invalidField(`accessRules[${i}].access`, 'a collection rule grants "r", "rw" or "prw"')
    return { type: 'collection', collection: r.collection!, access: r.access, ...(r.payload ? { payload: r.payload } : {}) }
  })
  const access = normalized.map((r) => (r.type === 'collection' ? { collection: r.collection, access: r.access, ...(r.payload ? { payload: r.payload } : {}) } : null)!)
  const parsed = parseClaims({ access })
  if (!parsed.ok) throw invalidField('accessRules', parsed.error)
  return { rules: normalized, access: parsed.claims.access }
}
