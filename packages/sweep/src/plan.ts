// What a sweep runs: strategies x seeds x sizes, and the deterministic mapping from a run's index
// to its (strategy, seed, size). Pure. The order itself is `sweepPosition` of @maze-sim/maze, which
// the AWS Batch job preload imports too, so array child i of a Batch sweep plays what local run i plays.
import { MAX_SEED, parseSize, sweepPosition } from '@maze-sim/maze'
import { usageError } from './errors.ts'

/** A maze size. */
export interface Size {
  readonly width: number
  readonly height: number
}

/** A sweep: every strategy plays every seed at every size. */
export interface SweepPlan {
  /** Strategy names or module specifiers, in the order given. */
  readonly strategies: readonly string[]
  /** Maze seeds, in the order given (a range `a-b` expands to a, a+1, ..., b). */
  readonly seeds: readonly number[]
  readonly sizes: readonly Size[]
}

/** One run of a sweep. */
export interface PlannedRun {
  /** Its index in the plan (an AWS Batch array index). */
  readonly index: number
  readonly strategy: string
  readonly seed: number
  readonly width: number
  readonly height: number
}

/** The number of runs of a plan: strategies x seeds x sizes. */
export const planSize = (plan: SweepPlan): number => plan.strategies.length * plan.seeds.length * plan.sizes.length

/**
 * The run at `index` (0 ≤ index < planSize), in `sweepPosition`'s order: strategies vary fastest,
 * then seeds, then sizes:
 *
 *     strategy = strategies[index mod S]
 *     seed     = seeds[floor(index / S) mod N]
 *     size     = sizes[floor(index / (S·N))]
 *
 * With one size and seeds = base, base+1, ... this is what the Batch job preload gives array child
 * `index`: AGENT_STRATEGY = s[i mod S], MAZE_SEED = base + floor(i / S).
 */
export function runAt(plan: SweepPlan, index: number): PlannedRun {
  const total = planSize(plan)
  if (!Number.isInteger(index) || index < 0 || index >= total) {
    throw new RangeError(`run index must be an integer from 0 to ${total - 1}, got ${index}`)
  }
  const at = sweepPosition(index, plan.strategies.length, plan.seeds.length)
  const size = plan.sizes[at.size]!
  return { index, strategy: plan.strategies[at.strategy]!, seed: plan.seeds[at.seed]!, width: size.width, height: size.height }
}

/** Every run of a plan, in index order. */
export function expandPlan(plan: SweepPlan): PlannedRun[] {
  return Array.from({ length: planSize(plan) }, (_, i) => runAt(plan, i))
}

/** The key that identifies a run in results: strategy name, seed and size. */
export const runKey = (strategy: string, seed: number, width: number, height: number): string => `${strategy}\t${seed}\t${width}x${height}`

/** The display form of a size, `80x20`. */
export const sizeLabel = (size: Size): string => `${size.width}x${size.height}`

const INTEGER = /^\d{1,10}$/

function parseSeed(text: string, flag: string): number {
  const t = text.trim()
  const n = Number(t)
  if (!INTEGER.test(t) || n > MAX_SEED)
    throw usageError(`${flag}: ${JSON.stringify(text)} is not a seed (an integer from 0 to ${MAX_SEED})`)
  return n
}

/** Seeds from `1-500`, `1,5,9` or a mix (`1-10,20,30-32`); each seed once, in the order given. */
export function parseSeeds(text: string, flag = '--seeds'): number[] {
  const seeds: number[] = []
  const seen = new Set<number>()
  for (const part of text.split(',')) {
    if (part.trim() === '') throw usageError(`${flag}: empty item in ${JSON.stringify(text)}; give a range (1-500) or a list (1,5,9)`)
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part)
    const [from, to] = range ? [parseSeed(range[1]!, flag), parseSeed(range[2]!, flag)] : [parseSeed(part, flag), parseSeed(part, flag)]
    if (to < from) throw usageError(`${flag}: the range ${part.trim()} runs backwards`)
    if (to - from >= 1_000_000) throw usageError(`${flag}: the range ${part.trim()} holds more than a million seeds`)
    for (let s = from; s <= to; s++) {
      if (seen.has(s)) continue
      seen.add(s)
      seeds.push(s)
    }
  }
  return seeds
}

/**
 * Sizes from `80x20` or `80x20,160x40`, each checked against the maze's one size rule
 * (`parseSize` of @maze-sim/maze: the rule the model and the agent apply), so a size no maze can
 * have is a usage error here rather than a failed run in a worker.
 */
export function parseSizes(text: string, flag = '--size'): Size[] {
  const sizes: Size[] = []
  for (const part of text.split(',')) {
    // `80 x 20` and `80×20` are accepted too.
    const size = parseSize(part.replace(/\s+/g, '').replace('×', 'x'))
    if (typeof size === 'string') throw usageError(`${flag}: ${JSON.stringify(part.trim())}: ${size}`)
    if (!sizes.some((s) => s.width === size.width && s.height === size.height)) sizes.push(size)
  }
  return sizes
}

/** Strategy specifiers from `random-dfs,astar,./my-strategy.ts`. */
export function parseStrategies(text: string, flag = '--strategies'): string[] {
  const list = text.split(',').map((s) => s.trim())
  if (list.some((s) => s === ''))
    throw usageError(`${flag}: empty item in ${JSON.stringify(text)}; give comma-separated names or module specifiers`)
  const dup = list.find((s, i) => list.indexOf(s) !== i)
  if (dup !== undefined) throw usageError(`${flag}: ${dup} is listed twice`)
  return list
}
