// Many runs in one process against one model: one episode each, one result line each; with several
// strategies every seed is played by each in turn (strategies vary fastest: @maze-sim/maze's
// sweepPosition order, so a child of a sweep plays its runs in the sweep's order).
import { MAX_SEED } from '@maze-sim/maze'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import { ExitCode, exitCodeOf } from './exit-code.ts'
import type { AgentFailedResult, AgentResultLine } from './result.ts'
import { runAgent, type AgentRun, type RunAgentOptions, type RunStartInfo, type StepEvent } from './runner.ts'

/** A brain as runAgent takes it: in process, or isolated in a worker. */
type AnyStrategy = RunAgentOptions['strategy']

export interface RunEpisodesOptions extends Omit<RunAgentOptions, 'strategy' | 'episode' | 'protocol' | 'onStart' | 'onStep'> {
  /**
   * The brain, or several: each seed is then played by every strategy of the list in turn, in its
   * order (seed 1 with the first, seed 1 with the second, seed 2 with the first, ...). A list of
   * more than one needs `seeds` (on seeds the model picks, the strategies could not share them).
   */
  readonly strategy: AnyStrategy | readonly AnyStrategy[]
  /**
   * The maze seeds, one episode each, in order (a list, a {@link seedRange}, any iterable). Without
   * it, `count` episodes on seeds the model chooses.
   */
  readonly seeds?: Iterable<number> | null
  /** Episodes to play on seeds of the model's choice, when no `seeds` are given. */
  readonly count?: number | null
  /** The mazes' size; default the model's configured size. */
  readonly width?: number | null
  readonly height?: number | null
  /** The `agent` label of each record (every strategy's alike); default `maze-agent:<strategy name>` of the run's strategy. */
  readonly agent?: string | null
  /** A run is about to begin, before any of its requests: which it is (a program's line for the run in flight is made of it). */
  readonly onRun?: (run: PlannedRun) => void
  readonly onStart?: (info: RunStartInfo, index: number) => void
  readonly onStep?: (event: StepEvent, index: number) => void
}

/** One run of the plan: its place, the seed it asks for (null: the model chooses) and its strategy. */
export interface PlannedRun {
  readonly index: number
  readonly seed: number | null
  readonly strategy: AnyStrategy
}

/** One episode's outcome: its result line (a failed run's has `error`), its exit code as a single run's, and the run when it finished. */
export interface EpisodeOutcome {
  readonly index: number
  /** The seed asked for, or null when the model chose. */
  readonly seed: number | null
  /** The run's strategy (its name). */
  readonly strategy: string
  readonly line: AgentResultLine
  readonly exitCode: ExitCode
  readonly run: AgentRun | null
  readonly error: AgentError | null
}

/** `from` to `to`, both included (at most 2^32 seeds; checked). */
export function* seedRange(from: number, to: number): Generator<number, void, undefined> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to > MAX_SEED || from > to) {
    throw new RangeError(`a seed range is from..to with 0 <= from <= to <= ${MAX_SEED}, got ${from}..${to}`)
  }
  for (let seed = from; seed <= to; seed++) yield seed
}

/**
 * Stop after a run that failed for a reason the next run would meet as well: a bad configuration,
 * a model that is unreachable or contradicts itself, an abort or the whole-run deadline. A strategy
 * bug or a run not solved goes on to the next episode.
 */
const STOPS: ReadonlySet<string> = new Set<AgentErrorCode>([
  AgentErrorCode.Config,
  AgentErrorCode.StrategyLoad,
  AgentErrorCode.ModelUnreachable,
  AgentErrorCode.BadResponse,
  AgentErrorCode.Aborted,
  AgentErrorCode.Deadline,
])

/**
 * Plays episodes one after another on one transport (one model, one connection), yielding each
 * one's outcome as it ends: the caller prints the result lines. Every run is a `runAgent` (its own
 * `agent.run` span) with the same exit-code semantics; a model without episodes fails the first run
 * with AGENT_ERR_CONFIG. The transport is not closed here.
 */
export async function* runEpisodes(options: RunEpisodesOptions): AsyncGenerator<EpisodeOutcome, void, undefined> {
  const { seeds, count, width, height, agent, onRun, onStart, onStep, strategy: given, ...rest } = options
  const strategies = listOf(given)
  if (strategies.length === 0) throw new AgentError(AgentErrorCode.Config, 'runEpisodes needs a strategy, got an empty list')
  if (seeds == null && (count == null || !Number.isSafeInteger(count) || count < 1)) {
    throw new AgentError(AgentErrorCode.Config, `runEpisodes needs seeds or a count of 1 or more episodes, got ${count}`)
  }
  if (seeds == null && strategies.length > 1) {
    throw new AgentError(
      AgentErrorCode.Config,
      `runEpisodes needs seeds to play ${strategies.length} strategies: on seeds the model picks they could not play the same mazes`,
    )
  }
  let index = 0
  for (const { seed, strategy } of planOf(seeds ?? repeat(count!), strategies)) {
    const i = index++
    onRun?.({ index: i, seed, strategy })
    const startedAt = performance.now()
    let known: RunStartInfo | null = null
    let steps = 0
    let keyStep: number | null = null
    const requestsBefore = options.transport.requests
    try {
      const run = await runAgent({
        ...rest,
        strategy,
        protocol: 'episodes',
        episode: { seed: seed ?? 'random', width: width ?? null, height: height ?? null, agent: agent ?? null },
        onStart: (info) => {
          known = info
          onStart?.(info, i)
        },
        onStep: (event) => {
          steps = event.steps
          if (keyStep === null && event.observation.hasKey) keyStep = event.observation.steps
          onStep?.(event, i)
        },
      })
      yield {
        index: i,
        seed,
        strategy: strategy.name,
        line: run.result,
        exitCode: run.result.solved ? ExitCode.Solved : ExitCode.NotSolved,
        run,
        error: null,
      }
    } catch (err) {
      const error = err instanceof AgentError ? err : new AgentError(AgentErrorCode.StrategyFailed, describeError(err), { cause: err })
      const info = known as RunStartInfo | null
      const line: AgentFailedResult = {
        strategy: strategy.name,
        width: info?.width ?? null,
        height: info?.height ?? null,
        seed: info?.seed ?? seed,
        solved: false,
        steps,
        keyStep,
        requests: options.transport.requests - requestsBefore,
        elapsedMs: Math.round(performance.now() - startedAt),
        optimalSteps: info?.optimalSteps ?? null,
        error: err instanceof AgentError ? err.code : 'AGENT_ERR_UNEXPECTED',
        message: error.message,
      }
      yield { index: i, seed, strategy: strategy.name, line, exitCode: exitCodeOf(err), run: null, error }
      if (STOPS.has(error.code)) return
    }
  }
}

/** The strategy option as a list (a Strategy or IsolatedStrategy is never an array). */
const listOf = (strategy: AnyStrategy | readonly AnyStrategy[]): readonly AnyStrategy[] =>
  Array.isArray(strategy) ? (strategy as readonly AnyStrategy[]) : [strategy as AnyStrategy]

/** The runs in order: seeds outer, strategies inner (strategies vary fastest). Lazy, as the seeds are. */
function* planOf(
  seeds: Iterable<number | null>,
  strategies: readonly AnyStrategy[],
): Generator<{ seed: number | null; strategy: AnyStrategy }, void, undefined> {
  for (const seed of seeds) for (const strategy of strategies) yield { seed, strategy }
}

function* repeat(count: number): Generator<null, void, undefined> {
  for (let i = 0; i < count; i++) yield null
}

/**
 * The program's exit code after many runs: 0 when every run was solved, else the highest of the
 * runs' codes (not solved 1 < configuration 2 < model 3 < strategy 4 < signals).
 */
export const exitCodeOfEpisodes = (codes: Iterable<number>): number => {
  let worst = 0
  for (const code of codes) worst = Math.max(worst, code)
  return worst
}
