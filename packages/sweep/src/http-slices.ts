// The HTTP sweep's work: the runs still to play, cut into slices, one agent process each. Pure.
// `groupRuns` turns any set of runs (a whole plan, or what a resumed sweep is missing) into cross
// products an agent plays with `--strategy a,b --seeds LIST`; `childSlice` — the one definition of
// a packed child's share, which the AWS Batch preload uses too — cuts each into slices.
import { childSlice, groupRuns, packedChildCount, seedsPerChild, type NamedRun } from '@maze-sim/maze'

/** One agent process's work: every strategy on every seed, at one size. */
export interface Slice {
  /** Strategy specifiers, in the sweep's order. */
  readonly strategies: readonly string[]
  /** Seeds, in the plan's order. */
  readonly seeds: readonly number[]
  readonly width: number
  readonly height: number
}

/**
 * A strategy the Python SDK's runner plays (packages/python-sdk: `python:random-dfs`, or
 * `python:<module>`): its agent processes are `python3 -m maze_sim_agent`, with the same flags.
 */
export const PYTHON_PREFIX = 'python:'
export const isPythonStrategy = (specifier: string): boolean => specifier.startsWith(PYTHON_PREFIX)

/** Slices per agent process at once: several, so a process that drew long runs does not hold up the end. */
export const SLICES_PER_AGENT = 4
/** The most seeds one slice plays: bounds an agent's command line (`--seeds`) and what a dead agent takes with it. */
export const MAX_SEEDS_PER_SLICE = 1000

/** The default number of model processes for `agents` agent processes at once: one per two agents. */
export const defaultModels = (agents: number): number => Math.max(1, Math.ceil(agents / 2))

/** The runs of a slice. */
export const sliceRuns = (slice: Slice): NamedRun[] =>
  slice.seeds.flatMap((seed) => slice.strategies.map((strategy) => ({ strategy, seed, width: slice.width, height: slice.height })))

/** The number of runs of a slice. */
export const sliceSize = (slice: Slice): number => slice.seeds.length * slice.strategies.length

/**
 * `runs` as slices for `agents` agent processes at once: about SLICES_PER_AGENT slices per process
 * (at least one seed each, at most MAX_SEEDS_PER_SLICE), each a child slice of a group of
 * `groupRuns(runs, strategyOrder)`. Every run is in exactly one slice.
 */
export function planSlices(runs: readonly NamedRun[], strategyOrder: readonly string[], agents: number): Slice[] {
  if (runs.length === 0) return []
  // One agent program plays a slice: the Python SDK's runner the python: strategies, ours the rest.
  const python = runs.filter((r) => isPythonStrategy(r.strategy))
  const groups =
    python.length === 0 || python.length === runs.length
      ? groupRuns(runs, strategyOrder)
      : [
          ...groupRuns(
            runs.filter((r) => !isPythonStrategy(r.strategy)),
            strategyOrder,
          ),
          ...groupRuns(python, strategyOrder),
        ]
  const runsPerSlice = Math.max(1, Math.ceil(runs.length / (SLICES_PER_AGENT * Math.max(1, agents))))
  const slices: Slice[] = []
  for (const group of groups) {
    const shape = { strategies: group.strategies.length, seeds: group.seeds.length, sizes: 1 }
    const perChild = Math.min(MAX_SEEDS_PER_SLICE, seedsPerChild(runsPerSlice, shape.strategies))
    for (let child = 0; child < packedChildCount(shape, perChild); child++) {
      const { seedFrom, seedTo } = childSlice(child, shape, perChild)
      slices.push({ strategies: group.strategies, seeds: group.seeds.slice(seedFrom, seedTo), width: group.width, height: group.height })
    }
  }
  return slices
}
