import type { ValueExists } from './claims'
import { AuthFailure, forbidden, STATEFUL_VALIDATION_FAILED, unauthorized } from './failures'
import type { Filter } from './payload-restriction'

/** The filter the node scrolls `value_exists.collection` with (limit 1) on every request of the token. */
export function valueExistsFilter(valueExists: ValueExists): Filter {
  return { must: valueExists.matches.map(({ key, value }) => ({ key, match: { value } })) }
}

/** Qdrant's answers when the check fails: the collection is gone → 403; no matching point → 401. */
export function valueExistsFailure(collectionExists: boolean): AuthFailure {
  return collectionExists ? unauthorized(STATEFUL_VALIDATION_FAILED) : forbidden(STATEFUL_VALIDATION_FAILED)
}
