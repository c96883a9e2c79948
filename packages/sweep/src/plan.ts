// What a sweep runs: strategies x seeds x sizes, and the deterministic mapping from a run's index
// to its (strategy, seed, size). Pure. The order itself is `sweepPosition` of @maze-sim/maze, which
// the AWS Batch job preload imports too, so array child i of a Batch sweep plays what local run i plays.
import { ConfigProblems, type Option, read, seedList, sizes } from '@maze-sim/config'
import { seedsOf, sweepPosition } from '@maze-sim/maze'
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

/** The most seeds one sweep lists. */
export const MAX_SWEEP_SEEDS = 1_000_000

/** --seeds: @maze-sim/config's seed list, the one grammar of every program's seeds (`1-200`, `1,5,9-12`; each seed once). */
export const SEEDS_OPTION = seedList({ flag: 'seeds', limit: MAX_SWEEP_SEEDS, description: 'maze seeds' })

/** --size: @maze-sim/config's sizes (`80x20` or `80x20,160x40`), each under the maze's one size rule. */
export const SIZES_OPTION = sizes({ flag: 'size', description: 'maze sizes' })

/** One value read by `opt` under the shared reader's rules; its problem as SWEEP_ERR_USAGE. */
function readOne<T>(opt: Option<T, unknown>, flag: string, text: string): T {
  try {
    return read({ value: { ...opt, flag: flag.replace(/^--/, '') } }, { argv: [`${flag}=${text}`] }).value as T
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw usageError(err.problems.join('; '))
  }
}

/** Seeds from `1-500`, `1,5,9` or a mix (`1-10,20,30-32`), in the order given; a seed listed twice is refused. */
export function parseSeeds(text: string, flag = '--seeds'): number[] {
  return [...seedsOf(readOne(SEEDS_OPTION, flag, text))]
}

/**
 * Sizes from `80x20` or `80x20,160x40`, each checked against the maze's one size rule (the rule the
 * model and the agent apply), so a size no maze can have is a usage error here rather than a failed
 * run in a worker.
 */
export function parseSizes(text: string, flag = '--size'): Size[] {
  return readOne(SIZES_OPTION, flag, text)
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
