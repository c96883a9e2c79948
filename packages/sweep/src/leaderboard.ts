// Scoring: per run (solved, steps, ratio to the optimal S→K→E walk, requests, time) and per
// strategy (success rate, mean/median/p95 of steps and ratio with a 95% CI on the mean, and a
// paired comparison against a baseline strategy on the same seeds). One leaderboard per maze size:
// steps are only comparable on mazes of one size.
//
// Built from result lines alone, so a local sweep, a resumed one and a Batch sweep give the same
// numbers for the same runs: results are put in (seed, strategy) order before anything is summed.
import { runKey, sizeLabel, type Size } from './plan.ts'
import { dedupe, type SweepResult } from './results.ts'
import { meanInterval, pairedTTest, quantileSorted, sortNumbers, wilcoxonSignedRank } from './stats.ts'

/** mean (with a 95% CI), median and p95 of some values. */
export interface Summary {
  readonly n: number
  readonly mean: number
  readonly low: number
  readonly high: number
  readonly median: number
  readonly p95: number
}

/** A strategy against the baseline on the seeds both solved. */
export interface PairedComparison {
  readonly baseline: string
  /** Seeds both solved (the pairs). */
  readonly pairs: number
  /** Mean of (steps − baseline steps) over the pairs, with its 95% CI. */
  readonly meanDifference: number
  readonly low: number
  readonly high: number
  /** Mean steps over mean baseline steps, on the pairs (0.53 = 47% fewer steps). */
  readonly stepsRatio: number
  /** Seeds on which the strategy took fewer / more / as many steps as the baseline. */
  readonly better: number
  readonly worse: number
  readonly ties: number
  /** Paired t-test on the per-seed differences: t and the two-sided p-value. */
  readonly t: number
  readonly p: number
  /** Wilcoxon signed-rank test on the same differences: the two-sided p-value. */
  readonly wilcoxonP: number
}

/** One strategy on one maze size. */
export interface StrategyStats {
  readonly strategy: string
  /** Runs counted: results, plus runs of the plan that have none (counted as not solved). */
  readonly runs: number
  readonly solved: number
  readonly successRate: number
  /** Runs that stopped with an error (a strategy bug, a failing model). */
  readonly errors: number
  /** Runs of the plan without a result. */
  readonly missing: number
  /** Steps of the solved runs. */
  readonly steps: Summary
  /** steps / optimalSteps of the solved runs (1 = the best possible walk). */
  readonly ratio: Summary
  /** The ratios, sorted (for the chart). */
  readonly ratios: readonly number[]
  /** Mean requests to the model per run. */
  readonly meanRequests: number
  /** Timing: mean wall-clock milliseconds per run. The one number that differs between reruns. */
  readonly meanElapsedMs: number
  /** Against the baseline; null for the baseline itself, or without one. */
  readonly vsBaseline: PairedComparison | null
}

/** The leaderboard of one maze size. */
export interface SizeBoard extends Size {
  /** Distinct seeds with at least one result or planned run. */
  readonly seeds: number
  readonly baseline: string | null
  /** Ranked: success rate (high first), then mean ratio, then name. */
  readonly strategies: readonly StrategyStats[]
}

export interface Leaderboard {
  readonly sizes: readonly SizeBoard[]
  /** Result lines that were duplicates of an earlier one (same strategy, seed and size), not counted. */
  readonly duplicates: number
  /** Results without a seed (cannot be paired), not counted. */
  readonly withoutSeed: number
}

/** A run that should have a result: with `expected`, runs without one count as not solved. */
export interface ExpectedRun extends Size {
  /** The strategy's stable name. */
  readonly strategy: string
  readonly seed: number
}

export interface LeaderboardOptions {
  /** The strategy others are compared with; default {@link defaultBaseline}. */
  readonly baseline?: string | null
  /** The runs of the plan: results outside it are ignored, runs of it without a result count as failures. */
  readonly expected?: readonly ExpectedRun[]
}

/** `random-dfs` (the original agent) when it took part, else the first name in alphabetical order. */
export function defaultBaseline(names: readonly string[]): string | null {
  if (names.includes('random-dfs')) return 'random-dfs'
  return [...names].sort()[0] ?? null
}

function summarize(values: readonly number[]): Summary {
  const sorted = sortNumbers(values)
  const ci = meanInterval(values)
  return {
    n: values.length,
    mean: ci.mean,
    low: ci.low,
    high: ci.high,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  }
}

const ratioOf = (r: SweepResult): number | null =>
  r.solved && r.optimalSteps !== null && r.optimalSteps > 0 ? r.steps / r.optimalSteps : null

function compare(results: readonly SweepResult[], baseline: readonly SweepResult[], baselineName: string): PairedComparison {
  const base = new Map(baseline.filter((r) => r.solved).map((r) => [r.seed, r.steps]))
  const d: number[] = []
  let sumS = 0
  let sumB = 0
  for (const r of results) {
    const b = r.solved ? base.get(r.seed) : undefined
    if (b === undefined) continue
    d.push(r.steps - b)
    sumS += r.steps
    sumB += b
  }
  const t = pairedTTest(d)
  return {
    baseline: baselineName,
    pairs: d.length,
    meanDifference: t.meanDifference,
    low: t.low,
    high: t.high,
    stepsRatio: sumB === 0 ? Number.NaN : sumS / sumB,
    better: d.filter((x) => x < 0).length,
    worse: d.filter((x) => x > 0).length,
    ties: d.filter((x) => x === 0).length,
    t: t.t,
    p: t.p,
    wilcoxonP: wilcoxonSignedRank(d).p,
  }
}

/** The leaderboard of a set of results (any order; duplicates and seedless results are dropped). */
export function buildLeaderboard(input: readonly SweepResult[], options: LeaderboardOptions = {}): Leaderboard {
  const { results: unique, duplicates, withoutSeed } = dedupe(input)
  const expectedKeys = options.expected && new Set(options.expected.map((e) => runKey(e.strategy, e.seed, e.width, e.height)))
  const results = expectedKeys ? unique.filter((r) => expectedKeys.has(runKey(r.strategy, r.seed!, r.width, r.height))) : unique
  const have = new Set(results.map((r) => runKey(r.strategy, r.seed!, r.width, r.height)))
  const missing = (options.expected ?? []).filter((e) => !have.has(runKey(e.strategy, e.seed, e.width, e.height)))

  // Group by size, then strategy; every sum runs in seed order so the numbers do not depend on the
  // order the runs finished in.
  const bySize = new Map<string, { size: Size; byStrategy: Map<string, SweepResult[]>; missing: Map<string, number>; seeds: Set<number> }>()
  const group = (size: Size) => {
    const label = sizeLabel(size)
    let g = bySize.get(label)
    if (!g) {
      g = { size: { width: size.width, height: size.height }, byStrategy: new Map(), missing: new Map(), seeds: new Set() }
      bySize.set(label, g)
    }
    return g
  }
  for (const r of results) {
    const g = group(r)
    g.seeds.add(r.seed!)
    const list = g.byStrategy.get(r.strategy) ?? []
    list.push(r)
    g.byStrategy.set(r.strategy, list)
  }
  for (const m of missing) {
    const g = group(m)
    g.seeds.add(m.seed)
    g.missing.set(m.strategy, (g.missing.get(m.strategy) ?? 0) + 1)
    if (!g.byStrategy.has(m.strategy)) g.byStrategy.set(m.strategy, [])
  }

  const sizes = [...bySize.values()]
    .sort((a, b) => a.size.width * a.size.height - b.size.width * b.size.height || a.size.width - b.size.width)
    .map(({ size, byStrategy, missing: missingBy, seeds }): SizeBoard => {
      for (const list of byStrategy.values()) list.sort((a, b) => a.seed! - b.seed!)
      const names = [...byStrategy.keys()].sort()
      const wanted = options.baseline === undefined ? defaultBaseline(names) : options.baseline
      const baseline = wanted !== null && byStrategy.has(wanted) ? wanted : null
      const stats = names.map((name): StrategyStats => {
        const list = byStrategy.get(name)!
        const absent = missingBy.get(name) ?? 0
        const solvedRuns = list.filter((r) => r.solved)
        const ratios = list.map(ratioOf).filter((x): x is number => x !== null)
        const runs = list.length + absent
        return {
          strategy: name,
          runs,
          solved: solvedRuns.length,
          successRate: runs === 0 ? 0 : solvedRuns.length / runs,
          errors: list.filter((r) => r.error !== undefined).length,
          missing: absent,
          steps: summarize(solvedRuns.map((r) => r.steps)),
          ratio: summarize(ratios),
          ratios: sortNumbers(ratios),
          meanRequests: list.length === 0 ? Number.NaN : list.reduce((s, r) => s + r.requests, 0) / list.length,
          meanElapsedMs: list.length === 0 ? Number.NaN : list.reduce((s, r) => s + r.elapsedMs, 0) / list.length,
          vsBaseline: baseline === null || name === baseline ? null : compare(list, byStrategy.get(baseline)!, baseline),
        }
      })
      stats.sort(
        (a, b) =>
          b.successRate - a.successRate ||
          (Number.isNaN(a.ratio.mean) ? 1 : 0) - (Number.isNaN(b.ratio.mean) ? 1 : 0) ||
          a.ratio.mean - b.ratio.mean ||
          (a.strategy < b.strategy ? -1 : 1),
      )
      return { width: size.width, height: size.height, seeds: seeds.size, baseline, strategies: stats }
    })
  return { sizes, duplicates, withoutSeed }
}

/** The leaderboard without its timings: what must be equal for the same runs, wherever they ran. */
export function withoutTimings(board: Leaderboard): Leaderboard {
  return { ...board, sizes: board.sizes.map((s) => ({ ...s, strategies: s.strategies.map((st) => ({ ...st, meanElapsedMs: 0 })) })) }
}
