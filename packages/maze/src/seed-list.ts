// Lists of maze seeds as people and environment variables write them: `1-200`, `1,5,9`,
// `1-10,20,30-32`. The one grammar of every program that takes seeds (the agent's --seeds and
// AGENT_SEEDS, the sweep's and the Batch CLI's --seeds, the Batch job preload's MAZE_SWEEP_SEEDS),
// read through @maze-sim/config's `seedList` option. Pure.
import { MAX_SEED } from './generate.ts'

/** Seeds `from` to `to`, both included: `7` is `{ from: 7, to: 7 }`. */
export interface SeedSpan {
  readonly from: number
  readonly to: number
}

/** The grammar in words: every message refusing a list and every --help say it. */
export const seedListRule = (repeats = false): string =>
  `seeds from 0 to ${MAX_SEED} and ranges FROM-TO (FROM <= TO), separated by commas, ${repeats ? 'a seed given again played again' : 'each seed at most once'}, e.g. 1-200 or 1,5,9-12`

/** The grammar of a list whose seeds are each given once (a sweep's: a run is a seed and a strategy). */
export const SEED_LIST_RULE = seedListRule(false)

// One item: a seed or a range, digits only (no sign, no spaces inside: `1 - 3` is refused).
const ITEM = /^([0-9]{1,10})(?:-([0-9]{1,10}))?$/

/** The number of seeds of the spans. */
export const seedCount = (spans: readonly SeedSpan[]): number => spans.reduce((n, { from, to }) => n + (to - from + 1), 0)

/** The seeds of the spans, in order (lazily: a range of millions is not an array of millions). */
export function* seedsOf(spans: readonly SeedSpan[]): Generator<number, void, undefined> {
  for (const { from, to } of spans) for (let seed = from; seed <= to; seed++) yield seed
}

/**
 * The spans of a seed list, in the order written, or a sentence saying what is wrong. Items are
 * separated by commas (spaces around a comma are allowed, as in every comma-separated list of
 * @maze-sim/config); an item is a seed or a range FROM-TO written in plain digits. A seed given twice
 * (`1,1` or overlapping ranges `1-5,3-9`) is refused unless `repeats` (then it is played again).
 * `limit` bounds the number of seeds (none by default: the spans are not expanded).
 */
export function parseSeedSpans(text: string, limit = Number.POSITIVE_INFINITY, { repeats = false } = {}): SeedSpan[] | string {
  const spans: SeedSpan[] = []
  for (const raw of text.split(',')) {
    const item = raw.trim()
    if (item === '') return 'an empty item is not a seed or a range (two commas in a row, or one at an end)'
    const m = ITEM.exec(item)
    if (m === null) return `${JSON.stringify(item)} is not a seed or a range FROM-TO of seeds (digits, no spaces inside)`
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to > MAX_SEED) return `${item}: seeds go from 0 to ${MAX_SEED}`
    if (to < from) return `the range ${item} runs backwards`
    spans.push({ from, to })
  }
  // Overlaps, found without expanding the ranges: sorted by start, each span must begin after the last one ended.
  const sorted = repeats ? [] : [...spans].sort((a, b) => a.from - b.from)
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!
    const span = sorted[i]!
    if (span.from <= before.to) return `seed ${span.from} is listed more than once: give each seed once`
  }
  if (seedCount(spans) > limit) return `more than ${limit} seeds`
  return spans
}

/**
 * The seeds of a list, in the order written (each range ascending), or a sentence saying what is
 * wrong ({@link parseSeedSpans}' grammar). `limit` bounds the number of seeds (a range of billions
 * is refused, not expanded).
 */
export function parseSeedList(text: string, limit = 1_000_000): number[] | string {
  const spans = parseSeedSpans(text, limit)
  return typeof spans === 'string' ? spans : [...seedsOf(spans)]
}

/** A list of seeds written short: runs of consecutive seeds as ranges (`[1,2,3,7]` → `1-3,7`). */
export function formatSeedList(seeds: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < seeds.length; ) {
    let j = i
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}-${seeds[j]}`)
    i = j + 1
  }
  return parts.join(',')
}
