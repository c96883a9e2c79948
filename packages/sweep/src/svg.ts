// Tiny helpers for writing SVG as strings.

/** Escapes text and attribute values for XML. */
export const xml = (s: string | number): string =>
  String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;')

/** A number for coordinates: at most 2 decimals, no trailing zeros. */
export const n = (x: number): string => String(Math.round(x * 100) / 100)

export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'

/** Tableau 10: distinguishable, colour-blind-friendlier than defaults. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const

/** "Nice" axis ticks covering [min, max]: about `count` of them at 1, 2, 2.5 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 8): { ticks: number[]; min: number; max: number } {
  const span = max - min || 1
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const lo = Math.floor(min / step) * step
  const hi = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let v = lo; v <= hi + step / 1e6; v += step) ticks.push(Math.round(v / step) * step)
  return { ticks, min: lo, max: hi }
}
