// A local sweep: strategies x seeds x sizes, appending each result as a JSON line as it finishes;
// rerun with the same file, it runs only what is missing. In-process (the default) on a pool of
// worker threads; over HTTP between model and agent processes (http-sweep.ts), as on AWS Batch.
import { loadStrategy } from '@maze-sim/agent'
import { isPythonStrategy } from './http-slices.ts'
import type { Disagreement } from '@maze-sim/agent/referee'
import { SweepError, SweepErrorCode } from './errors.ts'
import type { ExpectedRun } from './leaderboard.ts'
import { expandPlan, planSize, runKey, type PlannedRun, type SweepPlan } from './plan.ts'
import { defaultWorkers, runPool } from './pool.ts'
import { dedupe, type SweepResult } from './results.ts'
import { readForResume, ResultWriter } from './results-file.ts'
import type { AgentInfo, HttpSweepOutcome, ModelInfo } from './http-sweep.ts'

/** How a sweep reaches the maze: the agent's runner in worker threads (default), or model and agent processes over HTTP. */
export const TRANSPORTS = ['in-process', 'http'] as const
export type TransportKind = (typeof TRANSPORTS)[number]

export interface SweepOptions {
  readonly plan: SweepPlan
  /** The JSON-lines file results are appended to and resumed from; null: keep them in memory only. */
  readonly out: string | null
  /** Start the file afresh instead of resuming from it. */
  readonly fresh?: boolean
  /** Worker threads (in-process) or agent processes at once (http); default one per core. */
  readonly workers?: number
  readonly transport?: TransportKind
  /** http: model processes (default one per two agents). */
  readonly models?: number
  /** http: an agent's line that disagreed with the referee (the referee's figures are written). */
  readonly onDisagreement?: (disagreement: Disagreement) => void
  /** http: what went wrong along the way (a model or agent died, runs played again), one line each. */
  readonly onNote?: (line: string) => void
  /** http: each agent process as it starts. */
  readonly onAgentStart?: (agent: AgentInfo) => void
  /** http: each model process once it is ready. */
  readonly onModelStart?: (model: ModelInfo) => void
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
  /** Worker threads that ran at least one run (in-process). */
  readonly threadIds: readonly number[]
  /** What the processes did (http), else null. */
  readonly http: HttpSweepOutcome | null
}

/** The strategy names of the specifiers, loaded once here (a bad specifier fails before any run). */
export async function resolveStrategyNames(specifiers: readonly string[], cwd: string): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  for (const specifier of specifiers) {
    // Played by the Python SDK's runner, which names its runs so (python:<name>).
    if (isPythonStrategy(specifier)) {
      names.set(specifier, specifier)
      continue
    }
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
  const python = plan.strategies.filter(isPythonStrategy)
  if (python.length > 0 && options.transport !== 'http') {
    throw new SweepError(
      SweepErrorCode.StrategyLoad,
      `${python.join(', ')}: python: strategies are played by the Python SDK's runner, in agent processes of their own: add --transport http`,
    )
  }
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
  const onResult = (result: SweepResult): void => {
    writer?.append(result)
    results.push(result)
    options.onProgress?.({ done: results.length - found.length, todo: todo.length, reused: found.length, total })
  }
  const base = { names, expected, results, reused: found.length, total, truncatedBytes: previous.truncatedBytes }
  try {
    if (options.transport === 'http') {
      // Loaded only for HTTP sweeps: the in-process path needs none of the process code.
      const { runHttpSweep } = await import('./http-sweep.ts')
      const http = await runHttpSweep({
        runs: todo,
        specifiers: plan.strategies,
        names,
        cwd,
        agents: options.workers ?? defaultWorkers(),
        onResult,
        ...(options.models !== undefined ? { models: options.models } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onDisagreement ? { onDisagreement: options.onDisagreement } : {}),
        ...(options.onNote ? { onNote: options.onNote } : {}),
        ...(options.onAgentStart ? { onAgentStart: options.onAgentStart } : {}),
        ...(options.onModelStart ? { onModelStart: options.onModelStart } : {}),
      })
      return { ...base, ran: http.completed, interrupted: http.interrupted, threadIds: [], http }
    }
    const pool = await runPool({
      runs: todo,
      specifiers: plan.strategies,
      cwd,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onResult,
    })
    return { ...base, ran: pool.completed, interrupted: pool.interrupted, threadIds: pool.threadIds, http: null }
  } finally {
    writer?.close()
  }
}
