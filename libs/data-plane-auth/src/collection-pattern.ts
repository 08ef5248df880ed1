// A collection grant names one collection or a glob over names: `*` is any run of characters
// (possibly empty), `?` is exactly one character (a Unicode code point). Every other character is
// literal, and a pattern always spans the whole name. Matching never builds a regular expression,
// so a pattern cannot smuggle regex syntax in, and its cost is bounded by pattern × name length.

/** Qdrant's own limit on a collection name; patterns obey it too. */
export const MAX_COLLECTION_NAME_LENGTH = 255

export function isCollectionPattern(source: string): boolean {
  return source.includes('*') || source.includes('?')
}

/** A predicate that says whether a collection name is covered by `source`. */
export function compileCollectionPattern(source: string): (name: string) => boolean {
  if (!isCollectionPattern(source)) return (name) => name === source
  const pattern = Array.from(source)
  return (name) => globMatches(pattern, Array.from(name))
}

// Greedy two-pointer match that backtracks only to the most recent `*`: O(pattern × name) at worst.
function globMatches(pattern: readonly string[], name: readonly string[]): boolean {
  let p = 0
  let n = 0
  let star = -1
  let resumeAt = 0
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      p++
      n++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resumeAt = n
    } else if (star >= 0) {
      p = star + 1
      n = ++resumeAt
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

// Qdrant's forbidden characters in a collection name; the node refuses the same on create.
const FORBIDDEN_IN_NAME = /[<>:"/\\|?*\0\u001f]/

/**
 * Whether `name` can be a collection's name at all. A request can carry any string in the path
 * (`t_42_%2F..%2Fother` decodes to `t_42_/../other`), and such a string must not be "covered" by a
 * grant: the node keeps collections and snapshots in directories named after them.
 */
export function isCollectionName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && Buffer.byteLength(name) <= MAX_COLLECTION_NAME_LENGTH && !FORBIDDEN_IN_NAME.test(name)
}

/** Why `source` cannot name a collection or a pattern, or undefined if it can. */
export function collectionNameProblem(source: unknown, allowPattern: boolean): string | undefined {
  if (typeof source !== 'string' || source.length === 0) return 'must be a non-empty string'
  if (source.length > MAX_COLLECTION_NAME_LENGTH) return `must be at most ${MAX_COLLECTION_NAME_LENGTH} characters`
  if (!allowPattern && isCollectionPattern(source)) return 'must be a collection name, not a pattern'
  return undefined
}
