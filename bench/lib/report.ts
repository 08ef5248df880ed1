// One table for every benchmark: figure, reference, ratio, target and whether it is met.
import os from 'node:os'

export interface BenchRow {
  name: string
  figure: number
  unit: string
  reference?: { name: string; value: number }
  /** Where figure and reference were measured in rounds: the median of each round's own ratio (drift between rounds cancels). */
  pairedRatio?: number
  /** ratio = figure / reference; the target applies to the ratio when there is a reference, else to the figure */
  target?: { op: '>=' | '<'; value: number; on: 'ratio' | 'figure' }
  note?: string
}

export function ratio(row: BenchRow): number | undefined {
  if (row.pairedRatio !== undefined) return row.pairedRatio
  return row.reference && row.reference.value > 0 ? row.figure / row.reference.value : undefined
}

export function met(row: BenchRow): boolean | undefined {
  if (!row.target) return undefined
  const value = row.target.on === 'ratio' ? ratio(row) : row.figure
  if (value === undefined) return undefined
  return row.target.op === '>=' ? value >= row.target.value : value < row.target.value
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(3))

export function machineFacts(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
}

export function printTable(title: string, rows: BenchRow[]): void {
  const lines = rows.map((r) => {
    const q = ratio(r)
    const target = r.target ? `${r.target.on === 'ratio' ? 'ratio' : 'value'} ${r.target.op} ${r.target.value}` : ''
    const verdict = met(r)
    return [
      r.name,
      `${fmt(r.figure)} ${r.unit}`,
      r.reference ? `${r.reference.name}: ${fmt(r.reference.value)}` : '',
      q === undefined ? '' : `${q.toFixed(2)}×`,
      target,
      verdict === undefined ? '' : verdict ? 'met' : 'MISSED',
      r.note ?? '',
    ]
  })
  const header = ['measure', 'figure', 'reference', 'ratio', 'target', 'met?', 'note']
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd()
  console.log(`\n## ${title}\n`)
  console.log(render(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const l of lines) console.log(render(l))
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
