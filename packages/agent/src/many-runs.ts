// The program's many-runs mode (--episodes N, --seeds LIST): runEpisodes on the program's one
// transport and strategy, one result line per run on stdout as it ends (no maps), one progress line
// per run on stderr (and every few seconds on a long run). See USAGE and the README.
import { type AgentConfig, seedCount, seedsOf } from './config.ts'
import type { HttpTransport } from './http-transport.ts'
import type { IsolatedStrategy } from './isolated-strategy.ts'
import type { ResultLedger } from './result-ledger.ts'
import { exitCodeOfEpisodes, type EpisodeOutcome, runEpisodes } from './run-episodes.ts'

export interface ManyRuns {
  readonly config: AgentConfig
  readonly strategy: IsolatedStrategy
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
export async function playMany({ config, strategy, transport, signal, ledger, log, warn, progressEveryMs }: ManyRuns): Promise<number> {
  const total = config.seeds !== null ? seedCount(config.seeds) : config.episodes!
  // The seed a run asks for is known before its episode exists: the in-flight line carries it.
  const seeds = config.seeds === null ? null : watched(seedsOf(config.seeds), (seed) => ledger.expectSeed(seed))
  const size = config.width !== null ? `${config.width}x${config.height}` : "the model's size"
  log(
    `${total} episode${total === 1 ? '' : 's'} (${seeds === null ? 'seeds picked by the model' : 'seeds given'}, ${size}), strategy ${strategy.name}, model ${transport.url}`,
  )

  const codes: number[] = []
  let lastProgress = Date.now()
  for await (const outcome of runEpisodes({
    transport,
    strategy,
    seeds,
    count: config.episodes,
    width: config.width,
    height: config.height,
    maxSteps: config.maxSteps,
    seed: config.seed,
    signal,
    onStart: (info) => ledger.started(info),
    onStep: (event, index) => {
      ledger.step(event)
      const now = Date.now()
      if (now - lastProgress < progressEveryMs) return
      lastProgress = now
      log(`episode ${index + 1}/${total}: ${event.steps} steps, ${event.observation.hasKey ? 'has the key' : 'looking for the key'}`)
    },
  })) {
    codes.push(outcome.exitCode)
    const episodeId = ledger.current.episodeId
    // Another run follows unless this was the last, or runEpisodes stops after it (a failure the next
    // run would meet too: then the generator ends without starting one, and settle() says so). A
    // signal or the deadline between two runs fails the next at once: its line has the error.
    ledger.print(outcome.line, outcome.index + 1 < total)
    const say = outcome.error === null ? log : warn
    say(describe(outcome, total, episodeId))
  }
  ledger.settle()
  return exitCodeOfEpisodes(codes)
}

/** One stderr line per run: which, and how it ended. */
function describe({ index, line, error }: EpisodeOutcome, total: number, episodeId: string | null): string {
  const which = `episode ${index + 1}/${total}${episodeId !== null ? ` (${episodeId})` : ''}, seed ${line.seed ?? 'unknown'}`
  const figures = `${line.steps} steps, ${line.requests} requests, ${line.elapsedMs} ms`
  if (error !== null) return `${which}: ${error.code}: ${error.message} (${figures})`
  return `${which}: ${line.solved ? 'solved' : 'not solved'}, ${figures}${line.optimalSteps !== null ? `, optimal ${line.optimalSteps}` : ''}`
}

/** The items of `items`, calling `see` on each as it is taken. */
function* watched<T>(items: Iterable<T>, see: (item: T) => void): Generator<T, void, undefined> {
  for (const item of items) {
    see(item)
    yield item
  }
}
