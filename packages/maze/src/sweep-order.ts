// The order of a sweep's runs: which strategy, seed and size run `index` plays. Pure index
// arithmetic, here because both places that need it can import it and ship it: the local sweep
// planner (@maze-sim/sweep, `runAt`) and the AWS Batch job preload that the model and agent images
// run (@maze-sim/batch, from AWS_BATCH_JOB_ARRAY_INDEX). So array child i plays what local run i plays.

/** Positions in a sweep's lists of strategies, seeds and sizes (0-based). */
export interface SweepPosition {
  readonly strategy: number
  readonly seed: number
  readonly size: number
}

/**
 * The positions of run `index` in a sweep of `strategies` strategies and `seeds` seeds per size.
 * Strategies vary fastest, then seeds, then sizes:
 *
 *     strategy = index mod S,  seed = floor(index / S) mod N,  size = floor(index / (S·N))
 *
 * so consecutive runs play the same maze with every strategy (a partial sweep is still paired).
 * Without `seeds` (an array job given only its first seed) the seeds never run out: seed =
 * floor(index / S), size 0. Callers check that `index` is within their plan.
 */
export function sweepPosition(index: number, strategies: number, seeds = Number.POSITIVE_INFINITY): SweepPosition {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a run index is a whole number from 0, got ${index}`)
  if (!Number.isSafeInteger(strategies) || strategies < 1) throw new RangeError(`a sweep has at least 1 strategy, got ${strategies}`)
  if (seeds !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(seeds) || seeds < 1))
    throw new RangeError(`a sweep has at least 1 seed, got ${seeds}`)
  const j = Math.floor(index / strategies)
  return { strategy: index % strategies, seed: j % seeds, size: Math.floor(j / seeds) }
}

/** The shape of a sweep: how many strategies, seeds (per size) and sizes. */
export interface SweepShape {
  readonly strategies: number
  readonly seeds: number
  readonly sizes: number
}

/**
 * One packed child's share of a sweep: seed positions `seedFrom` (included) to `seedTo` (excluded)
 * at size position `size`, every strategy on each seed. In run indices (sweepPosition's order) it is
 * the contiguous range `firstRun` .. `firstRun + runs - 1`.
 */
export interface ChildSlice {
  readonly child: number
  readonly size: number
  readonly seedFrom: number
  readonly seedTo: number
  readonly firstRun: number
  readonly runs: number
}

const checkShape = (shape: SweepShape): void => {
  for (const key of ['strategies', 'seeds', 'sizes'] as const) {
    const n = shape[key]
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`a sweep has at least 1 of ${key}, got ${n}`)
  }
}

/**
 * The seeds each child plays when a sweep is packed `runsPerChild` runs to a child: whole seeds
 * only (every strategy plays each of a child's seeds, so pairs share a machine), so
 * floor(runsPerChild / strategies), and at least one.
 */
export function seedsPerChild(runsPerChild: number, strategies: number): number {
  if (!Number.isSafeInteger(runsPerChild) || runsPerChild < 1)
    throw new RangeError(`runs per child is a whole number from 1, got ${runsPerChild}`)
  if (!Number.isSafeInteger(strategies) || strategies < 1) throw new RangeError(`a sweep has at least 1 strategy, got ${strategies}`)
  return Math.max(1, Math.floor(runsPerChild / strategies))
}

/** How many children a packed sweep has: per size, ceil(seeds / perChild) (a child never spans two sizes). */
export function packedChildCount(shape: SweepShape, perChild: number): number {
  checkShape(shape)
  if (!Number.isSafeInteger(perChild) || perChild < 1) throw new RangeError(`seeds per child is a whole number from 1, got ${perChild}`)
  return shape.sizes * Math.ceil(shape.seeds / perChild)
}

/**
 * What packed child `child` plays (an AWS Batch array index, or one agent process of an HTTP
 * sweep): `perChild` consecutive seeds at one size, every strategy on each — the last child of a
 * size may have fewer. The one definition of a child's slice: the Batch job preload derives the
 * agent's seeds from it and the sweep planner cuts its HTTP runs with it.
 */
export function childSlice(child: number, shape: SweepShape, perChild: number): ChildSlice {
  const count = packedChildCount(shape, perChild)
  if (!Number.isSafeInteger(child) || child < 0 || child >= count)
    throw new RangeError(`a child index is a whole number from 0 to ${count - 1}, got ${child}`)
  const perSize = Math.ceil(shape.seeds / perChild)
  const size = Math.floor(child / perSize)
  const seedFrom = (child % perSize) * perChild
  const seedTo = Math.min(shape.seeds, seedFrom + perChild)
  const firstRun = (size * shape.seeds + seedFrom) * shape.strategies
  return { child, size, seedFrom, seedTo, firstRun, runs: (seedTo - seedFrom) * shape.strategies }
}

/** One run named by what it plays. */
export interface NamedRun {
  readonly strategy: string
  readonly seed: number
  readonly width: number
  readonly height: number
}

/** Runs that are exactly every strategy of `strategies` on every seed of `seeds`, at one size. */
export interface RunGroup {
  readonly strategies: readonly string[]
  readonly seeds: readonly number[]
  readonly width: number
  readonly height: number
}

/**
 * Any set of runs (the runs a sweep or a Batch job is missing, say) as few cross products as the
 * order allows: per size, consecutive seeds (in the order first met) played by the same strategies
 * share a group. Each group is something a packed child can play (`--strategy a,b --seeds ...`), so
 * replaying the groups plays exactly the runs given, each once. A group lists its strategies in the
 * order of `strategies` (the sweep's), then in the order first met.
 */
export function groupRuns(runs: Iterable<NamedRun>, strategies: readonly string[] = []): RunGroup[] {
  const strategyOrder = new Map<string, number>(strategies.map((s, i) => [s, i]))
  const bySize = new Map<string, { width: number; height: number; seeds: Map<number, Set<string>> }>()
  for (const run of runs) {
    if (!strategyOrder.has(run.strategy)) strategyOrder.set(run.strategy, strategyOrder.size)
    const key = `${run.width}x${run.height}`
    const size = bySize.get(key) ?? { width: run.width, height: run.height, seeds: new Map<number, Set<string>>() }
    bySize.set(key, size)
    const set = size.seeds.get(run.seed) ?? new Set<string>()
    size.seeds.set(run.seed, set)
    set.add(run.strategy)
  }
  const groups: RunGroup[] = []
  for (const { width, height, seeds } of bySize.values()) {
    let current: { strategies: string[]; seeds: number[]; key: string } | null = null
    for (const [seed, set] of seeds) {
      const strategies = [...set].sort((a, b) => strategyOrder.get(a)! - strategyOrder.get(b)!)
      const key = strategies.join('\n')
      if (current === null || current.key !== key) {
        if (current !== null) groups.push({ strategies: current.strategies, seeds: current.seeds, width, height })
        current = { strategies, seeds: [], key }
      }
      current.seeds.push(seed)
    }
    if (current !== null) groups.push({ strategies: current.strategies, seeds: current.seeds, width, height })
  }
  return groups
}
