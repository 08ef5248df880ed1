// Payload index: for each indexed key, the labels of the points holding each scalar value there.
// Every scalar found at the key is indexed whatever the declared schema says, so a lookup is always
// a superset of the matching points and the planner never misses one.
import type { Scalar } from '../filters/filter'
import { inBounds } from '../filters/evaluate'
import type { Bounds } from '../filters/filter'
import { parsePath, PathStep, valuesAt } from '../filters/payload-path'

export const FIELD_SCHEMAS = ['keyword', 'integer', 'bool', 'float', 'uuid'] as const
export type FieldSchema = (typeof FIELD_SCHEMAS)[number]

export class FieldIndex {
  private readonly postings = new Map<Scalar, Set<number>>()
  private readonly path: PathStep[]
  private readonly indexedLabels = new Set<number>()

  constructor(
    readonly field: string,
    readonly schema: FieldSchema,
  ) {
    this.path = parsePath(field)
  }

  get pointsCount(): number {
    return this.indexedLabels.size
  }

  add(label: number, payload: unknown): void {
    for (const v of valuesAt(payload, this.path)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue
      let labels = this.postings.get(v)
      if (!labels) this.postings.set(v, (labels = new Set()))
      labels.add(label)
      this.indexedLabels.add(label)
    }
  }

  remove(label: number, payload: unknown): void {
    for (const v of valuesAt(payload, this.path)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue
      const labels = this.postings.get(v)
      if (!labels) continue
      labels.delete(label)
      if (labels.size === 0) this.postings.delete(v)
    }
    this.indexedLabels.delete(label)
  }

  /** Labels with `value` at the key. The set is the index's own: do not modify it. */
  lookup(value: Scalar): ReadonlySet<number> {
    return this.postings.get(value) ?? EMPTY
  }

  lookupAny(values: Iterable<Scalar>): ReadonlySet<number> {
    const sets = [...values].map((v) => this.lookup(v)).filter((s) => s.size > 0)
    if (sets.length <= 1) return sets[0] ?? EMPTY
    const union = new Set<number>()
    for (const s of sets) for (const label of s) union.add(label)
    return union
  }

  lookupRange(bounds: Bounds): ReadonlySet<number> {
    const union = new Set<number>()
    for (const [value, labels] of this.postings) {
      if (typeof value === 'number' && inBounds(value, bounds)) for (const label of labels) union.add(label)
    }
    return union
  }
}

const EMPTY: ReadonlySet<number> = new Set()

export class PayloadIndex {
  private readonly fields = new Map<string, FieldIndex>()

  get(field: string): FieldIndex | undefined {
    return this.fields.get(field)
  }

  list(): FieldIndex[] {
    return [...this.fields.values()]
  }

  /** Adds an index for `field` and fills it from the stored points. */
  create(field: string, schema: FieldSchema, points: Iterable<[number, unknown]>): void {
    const index = new FieldIndex(field, schema)
    for (const [label, payload] of points) index.add(label, payload)
    this.fields.set(field, index)
  }

  drop(field: string): boolean {
    return this.fields.delete(field)
  }

  add(label: number, payload: unknown): void {
    for (const index of this.fields.values()) index.add(label, payload)
  }

  remove(label: number, payload: unknown): void {
    for (const index of this.fields.values()) index.remove(label, payload)
  }
}
