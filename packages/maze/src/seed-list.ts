// Lists of maze seeds as people and environment variables write them: `1-200`, `1,5,9`,
// `1-10,20,30-32`. Pure; the Batch job preload, the agent and the sweep read and write them.
import { MAX_SEED } from './generate.ts'

const ITEM = /^([0-9]{1,10})(?:-([0-9]{1,10}))?$/

/**
 * The seeds of a list, in the order written (each range ascending), or a sentence saying what is
 * wrong. `limit` bounds the number of seeds (a range of billions is refused, not expanded).
 */
export function parseSeedList(text: string, limit = 1_000_000): number[] | string {
  const seeds: number[] = []
  for (const raw of text.split(',')) {
    const item = raw.trim()
    const m = ITEM.exec(item)
    if (m === null) return `${JSON.stringify(item)} is not a seed or a range FROM-TO of seeds`
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to > MAX_SEED) return `${item}: seeds go from 0 to ${MAX_SEED}`
    if (to < from) return `the range ${item} runs backwards`
    if (seeds.length + (to - from + 1) > limit) return `more than ${limit} seeds`
    for (let s = from; s <= to; s++) seeds.push(s)
  }
  return seeds
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
