// A local sweep: strategies x seeds x sizes on a pool of worker threads, appending each result as
// a JSON line as it finishes; rerun with the same file, it runs only what is missing.
import { loadStrategy } from '@maze-sim/agent'
import { SweepError, SweepErrorCode } from './errors.ts'
import type { ExpectedRun } from './leaderboard.ts'
import { expandPlan, planSize, runKey, type PlannedRun, type SweepPlan } from './plan.ts'
import { runPool } from './pool.ts'
import { dedupe, type SweepResult } from './results.ts'
import { readForResume, ResultWriter } from './results-file.ts'
import type { TransportKind } from './run-one.ts'

export interface SweepOptions {
  readonly plan: SweepPlan
  /** The JSON-lines file results are appended to and resumed from; null: keep them in memory only. */
  readonly out: string | null
  /** Start the file afresh instead of resuming from it. */
  readonly fresh?: boolean
  readonly workers?: number
  readonly transport?: TransportKind
  /** Directory strategy specifiers are resolved from (default the working directory). */
  readonly cwd?: string
  /** Stops handing out runs: runs in flight finish and are written. */
  readonly signal?: AbortSignal
  /** Called once the work is known (before the first run) and after every run. */
  readonly onProgress?: (progress: SweepProgress) => void
}

export interface SweepProgress {
  /** Runs of this invocation finished so far. */
  readonly done: number
  /** Runs this invocation has to do. */
  readonly todo: number
  /** Runs already in the file. */
  readonly reused: number
  readonly total: number
}

export interface SweepOutcome {
  /** The strategy name of each specifier, in plan order. */
  readonly names: ReadonlyMap<string, string>
  /** Every run of the plan, by strategy name (for the leaderboard's `expected`). */
  readonly expected: readonly ExpectedRun[]
  /** The plan's results: those found in the file and those run now. */
  readonly results: readonly SweepResult[]
  readonly ran: number
  readonly reused: number
  readonly total: number
  /** A truncated last line cut off the file, in bytes. */
  readonly truncatedBytes: number
  readonly interrupted: boolean
  /** Worker threads that ran at least one run. */
  readonly threadIds: readonly number[]
}

/** The strategy names of the specifiers, loaded once here (a bad specifier fails before any run). */
export async function resolveStrategyNames(specifiers: readonly string[], cwd: string): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  for (const specifier of specifiers) {
    try {
      names.set(specifier, (await loadStrategy(specifier, { cwd })).name)
    } catch (err) {
      throw new SweepError(SweepErrorCode.StrategyLoad, `strategy ${JSON.stringify(specifier)}: ${(err as Error).message}`, { cause: err })
    }
  }
  const byName = new Map<string, string>()
  for (const [specifier, name] of names) {
    const other = byName.get(name)
    if (other !== undefined)
      throw new SweepError(
        SweepErrorCode.StrategyLoad,
        `${JSON.stringify(other)} and ${JSON.stringify(specifier)} are both named ${name}: results are keyed by name`,
      )
    byName.set(name, specifier)
  }
  return names
}

/** Runs the sweep (what is not already in `out`) and returns the plan's results. */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const { plan } = options
  const cwd = options.cwd ?? process.cwd()
  const names = await resolveStrategyNames(plan.strategies, cwd)
  const runs = expandPlan(plan)
  const keyOf = (r: PlannedRun): string => runKey(names.get(r.strategy)!, r.seed, r.width, r.height)
  const expected = runs.map((r): ExpectedRun => ({ strategy: names.get(r.strategy)!, seed: r.seed, width: r.width, height: r.height }))
  const wanted = new Set(runs.map(keyOf))

  const previous = options.out !== null && !options.fresh ? readForResume(options.out) : { results: [], truncatedBytes: 0 }
  const found = dedupe(previous.results).results.filter((r) => wanted.has(runKey(r.strategy, r.seed!, r.width, r.height)))
  const done = new Set(found.map((r) => runKey(r.strategy, r.seed!, r.width, r.height)))
  const todo = runs.filter((r) => !done.has(keyOf(r)))
  const results: SweepResult[] = [...found]
  const total = planSize(plan)
  options.onProgress?.({ done: 0, todo: todo.length, reused: found.length, total })

  const writer = options.out === null ? null : new ResultWriter(options.out, { fresh: options.fresh ?? false })
  try {
    const pool = await runPool({
      runs: todo,
      specifiers: plan.strategies,
      cwd,
      transport: options.transport ?? 'in-process',
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onResult: (result) => {
        writer?.append(result)
        results.push(result)
        options.onProgress?.({ done: results.length - found.length, todo: todo.length, reused: found.length, total })
      },
    })
    return {
      names,
      expected,
      results,
      ran: pool.completed,
      reused: found.length,
      total,
      truncatedBytes: previous.truncatedBytes,
      interrupted: pool.interrupted,
      threadIds: pool.threadIds,
    }
  } finally {
    writer?.close()
  }
}
