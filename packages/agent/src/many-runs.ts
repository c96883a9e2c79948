// The program's many-runs mode (--episodes N, --seeds LIST): runEpisodes on the program's one
// transport and its strategies (several with --strategy a,b: each seed played by each in turn), one
// result line per run on stdout as it ends (no maps), one progress line per run on stderr (and every
// few seconds on a long run). See USAGE and the README.
import { type AgentConfig, seedCount, seedsOf } from './config.ts'
import type { HttpTransport } from './http-transport.ts'
import type { IsolatedStrategy } from './isolated-strategy.ts'
import type { ResultLedger } from './result-ledger.ts'
import { exitCodeOfEpisodes, type EpisodeOutcome, runEpisodes } from './run-episodes.ts'

export interface ManyRuns {
  readonly config: AgentConfig
  /** The strategies, loaded, in the order given (more than one only with --seeds). */
  readonly strategies: readonly IsolatedStrategy[]
  readonly transport: HttpTransport
  readonly signal: AbortSignal
  readonly ledger: ResultLedger
  /** Progress (silenced by --quiet). */
  readonly log: (line: string) => void
  /** Errors: always on stderr. */
  readonly warn: (line: string) => void
  readonly progressEveryMs: number
}

/** Plays the runs; returns the program's exit code by {@link exitCodeOfEpisodes} (the caller turns a signal into its own). */
export async function playMany({ config, strategies, transport, signal, ledger, log, warn, progressEveryMs }: ManyRuns): Promise<number> {
  const seeds = config.seeds === null ? null : seedsOf(config.seeds)
  const total = config.seeds !== null ? seedCount(config.seeds) * strategies.length : config.episodes!
  const several = strategies.length > 1
  log(header(config, strategies, total, transport.url))

  const codes: number[] = []
  let lastProgress = Date.now()
  for await (const outcome of runEpisodes({
    transport,
    strategy: strategies,
    seeds,
    count: config.episodes,
    width: config.width,
    height: config.height,
    maxSteps: config.maxSteps,
    seed: config.seed,
    signal,
    // What a run plays is known before its episode exists: the in-flight line carries it.
    onRun: ({ seed, strategy }) => {
      ledger.strategy = strategy.name
      ledger.expectSeed(seed)
    },
    onStart: (info) => ledger.started(info),
    onStep: (event, index) => {
      ledger.step(event)
      const now = Date.now()
      if (now - lastProgress < progressEveryMs) return
      lastProgress = now
      const which = `episode ${index + 1}/${total}${several ? ` (${ledger.strategy})` : ''}`
      log(`${which}: ${event.steps} steps, ${event.observation.hasKey ? 'has the key' : 'looking for the key'}`)
    },
  })) {
    codes.push(outcome.exitCode)
    const episodeId = ledger.current.episodeId
    // Another run follows unless this was the last, or runEpisodes stops after it (a failure the next
    // run would meet too: then the generator ends without starting one, and settle() says so). A
    // signal or the deadline between two runs fails the next at once: its line has the error.
    ledger.print(outcome.line, outcome.index + 1 < total)
    const say = outcome.error === null ? log : warn
    say(describe(outcome, total, episodeId, several))
  }
  ledger.settle()
  return exitCodeOfEpisodes(codes)
}

/** The plan, on stderr: `50 runs (25 seeds x 2 strategies, seeds given, 80x20), strategies astar, random-dfs, model …`. */
function header(config: AgentConfig, strategies: readonly IsolatedStrategy[], total: number, url: string): string {
  const size = config.width !== null ? `${config.width}x${config.height}` : "the model's size"
  const names = strategies.map((s) => s.name).join(', ')
  if (strategies.length > 1) {
    const seeds = total / strategies.length
    return `${total} runs (${seeds} seed${seeds === 1 ? '' : 's'} x ${strategies.length} strategies, seeds given, ${size}), strategies ${names}, model ${url}`
  }
  const picked = config.seeds === null ? 'seeds picked by the model' : 'seeds given'
  return `${total} episode${total === 1 ? '' : 's'} (${picked}, ${size}), strategy ${names}, model ${url}`
}

/** One stderr line per run: which (its strategy too when there are several), and how it ended. */
function describe({ index, strategy, line, error }: EpisodeOutcome, total: number, episodeId: string | null, several: boolean): string {
  const which =
    `episode ${index + 1}/${total}${episodeId !== null ? ` (${episodeId})` : ''}, seed ${line.seed ?? 'unknown'}` +
    (several ? `, strategy ${strategy}` : '')
  const figures = `${line.steps} steps, ${line.requests} requests, ${line.elapsedMs} ms`
  if (error !== null) return `${which}: ${error.code}: ${error.message} (${figures})`
  return `${which}: ${line.solved ? 'solved' : 'not solved'}, ${figures}${line.optimalSteps !== null ? `, optimal ${line.optimalSteps}` : ''}`
}
