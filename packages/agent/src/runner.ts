import { randomInt } from 'node:crypto'
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import { createRng, defaultMaxSteps, DIRECTION_NAMES, DX, DY, type CellView, type Direction, type Point } from '@maze-sim/maze'
import { CellBook } from './cell-book.ts'
import { playEpisode } from './episode-walk.ts'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import type { AgentResult } from './result.ts'
import type { IsolatedStrategy } from './isolated-strategy.ts'
import type { Observation, Strategy } from './strategy.ts'
import { AgentTelemetry, recordRun } from './telemetry.ts'
import type { MazeMeta, MazeTransport } from './transport.ts'

/** One move, reported after the runner made it. */
export interface StepEvent {
  readonly from: Point
  readonly direction: Direction
  readonly to: Point
  /** Moves made so far, this one included. */
  readonly steps: number
  /** What was sensed on `from`, as given to the explorer. */
  readonly observation: Observation
}

/** What the runner settled on before the first move. */
export interface RunStartInfo {
  readonly strategy: string
  readonly width: number
  readonly height: number
  readonly start: Point
  /** The maze seed from `/maze/meta`, or null. */
  readonly seed: number | null
  /** The seed of the explorer's RNG: AGENT_SEED, else the maze seed, else random. */
  readonly rngSeed: number
  readonly maxSteps: number
  /** The shortest S→K→E length from `/maze/meta`, or null. */
  readonly optimalSteps: number | null
  /** The episode played (its id), or null on the classic routes. */
  readonly episodeId: string | null
}

/**
 * Which routes a run uses: `auto` (the default) plays an episode when the model offers them (asked
 * once per transport) and the classic routes otherwise; `classic` and `episodes` insist.
 */
export type RunProtocol = 'auto' | 'classic' | 'episodes'

/** The maze an episode is asked for. */
export interface EpisodeChoice {
  /**
   * The maze seed; `'random'` lets the model choose; unset: the model's own maze (the seed and size
   * `/maze/meta` tells, so a single run plays MAZE_SEED's maze as on the classic routes), else the
   * model's choice.
   */
  readonly seed?: number | 'random' | null
  /** The size; unset: the `/maze/meta` size with its seed, else the model's configured size. */
  readonly width?: number | null
  readonly height?: number | null
  /** The `agent` label of the referee's record; default `maze-agent:<strategy name>` (made to fit the contract's 64 characters). */
  readonly agent?: string | null
}

export interface RunAgentOptions {
  readonly transport: MazeTransport
  /**
   * The brain: a Strategy, called in process (what tests and sweeps use: no cost per step), or an
   * IsolatedStrategy whose explorer runs in a worker thread within a time budget per decision
   * (what the agent program uses: a strategy that never returns cannot hang it).
   */
  readonly strategy: Strategy | IsolatedStrategy
  /** Step limit; default {@link defaultMaxSteps} of the maze. */
  readonly maxSteps?: number | null
  /** Seed of the explorer's RNG; default the maze seed when the model tells it, else random. */
  readonly seed?: number | null
  readonly onStart?: (info: RunStartInfo) => void
  readonly onStep?: (event: StepEvent) => void
  /**
   * Stops the run between steps, and an isolated strategy's pending decision. Fails with the
   * signal's reason when it is an AgentError (e.g. AGENT_ERR_DEADLINE for a whole-run budget),
   * else with AGENT_ERR_ABORTED.
   */
  readonly signal?: AbortSignal
  /** Which routes to use (default `auto`: episodes when the model offers them, else the classic routes). */
  readonly protocol?: RunProtocol
  /** The maze of the episode (episodes only). Asking for one of a model without episodes fails the run (AGENT_ERR_CONFIG). */
  readonly episode?: EpisodeChoice
  /** The most moves sent in one `/moves` request (default {@link DEFAULT_MAX_BATCH}). */
  readonly maxBatch?: number
}

/** Moves of known cells sent in one request at most: an answer of ~120 KB. */
export const DEFAULT_MAX_BATCH = 1_000

/** Why a run ended. */
export type RunOutcome = 'solved' | 'gave-up' | 'step-limit'

/** A finished run: the stable result, the map the model drew of the walk, and why it ended. */
export interface AgentRun {
  readonly result: AgentResult
  /**
   * The model's map of the walk, or null when `POST /maze/map` failed (then `mapError` says why):
   * the map is a nicety, the run's outcome stands.
   */
  readonly map: string | null
  readonly mapError: AgentError | null
  readonly outcome: RunOutcome
}

// The generous default step limit is the maze's (`defaultMaxSteps` of @maze-sim/maze), shared with the model's referee.
export { defaultMaxSteps } from '@maze-sim/maze'

/** The brain, either way: next() answers a direction, or a promise of one when it is isolated. */
export type AnyExplorer = { next(o: Observation): Direction | null | PromiseLike<Direction | null> }

/** An observation for the explorer, from what the model said of the cell. */
export const observe = (x: number, y: number, view: CellView, hasKey: boolean, steps: number): Observation => ({
  x,
  y,
  here: view.here,
  open: [view.up === 0, view.right === 0, view.down === 0, view.left === 0],
  hasKey,
  steps,
})

/** A direction as the strategy returned it, or a description of what else it returned. */
const isDirection = (d: unknown): d is Direction => d === 0 || d === 1 || d === 2 || d === 3

/** True for a promise (or any thenable): what an isolated explorer returns when it has to wait. */
const isPending = (v: unknown): v is PromiseLike<Direction | null> =>
  typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'

/**
 * Asks the explorer for its move on `observation` and checks it is legal (a direction, through an
 * open side, inside the grid): null to give up. A strategy's failure is AGENT_ERR_STRATEGY_FAILED,
 * an illegal move AGENT_ERR_ILLEGAL_MOVE.
 */
export async function decide(
  explorer: AnyExplorer,
  name: string,
  observation: Observation,
  width: number,
  height: number,
): Promise<Direction | null> {
  const { x, y, steps } = observation
  let direction: Direction | null
  try {
    const answer = explorer.next(observation)
    direction = isPending(answer) ? await answer : answer
  } catch (err) {
    // An isolated explorer's failures (a timeout, a dead worker) already say what happened.
    if (err instanceof AgentError) throw err
    throw new AgentError(
      AgentErrorCode.StrategyFailed,
      `strategy ${name} threw at (${x}, ${y}) after ${steps} steps: ${describeError(err)}`,
      {
        cause: err,
      },
    )
  }
  if (direction === null) return null
  if (!isDirection(direction)) {
    throw new AgentError(
      AgentErrorCode.IllegalMove,
      `strategy ${name} returned ${JSON.stringify(direction) ?? String(direction)} at (${x}, ${y}): a direction must be 0 (up), 1 (right), 2 (down), 3 (left) or null`,
    )
  }
  const nx = x + DX[direction]!
  const ny = y + DY[direction]!
  const side = DIRECTION_NAMES[direction]
  if (!observation.open[direction]) {
    throw new AgentError(AgentErrorCode.IllegalMove, `strategy ${name} moved ${side} from (${x}, ${y}) through a wall (step ${steps + 1})`)
  }
  if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
    throw new AgentError(
      AgentErrorCode.IllegalMove,
      `strategy ${name} moved ${side} from (${x}, ${y}) out of the ${width}x${height} grid (step ${steps + 1})`,
    )
  }
  return direction
}

/**
 * Runs one agent: the runner is the body (it senses the cell it stands on, checks and makes moves,
 * counts steps, picks up the key), the strategy's explorer is the brain (it picks directions).
 * Ends solved (on the exit with the key), when the explorer gives up (returns null), or at the step
 * limit; then posts the visited cells, in first-visit order, to `POST /maze/map`.
 *
 * The run is one span, `agent.run` (see telemetry.ts), active while it runs: the transport's
 * requests are its children, and through `traceparent` so are the model's spans. Without an
 * OpenTelemetry SDK this costs nothing.
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentRun> {
  const startedAt = performance.now()
  const { strategy, transport } = options
  const tracer = trace.getTracer(AgentTelemetry.scope)
  return tracer.startActiveSpan(AgentTelemetry.runSpan, { attributes: { [AgentTelemetry.strategy]: strategy.name } }, async (span) => {
    let outcome: string = 'error'
    let steps = 0
    // This run's requests only: a transport may serve many runs (runEpisodes). An episode run counts
    // from its POST /episodes: finding the model's routes (meta, the probe) is the program's, so a run
    // costs the same whether its process plays one run or many.
    let requestsBefore = transport.requests
    const requests = (): number => transport.requests - requestsBefore
    const episodeBegins = (): void => {
      requestsBefore = transport.requests
    }
    try {
      const walked = await walk(options, span, startedAt, (n) => (steps = n), episodeBegins)
      const run: AgentRun = { ...walked, result: { ...walked.result, requests: requests() } }
      outcome = run.outcome
      const { result } = run
      span.setAttributes({
        [AgentTelemetry.outcome]: run.outcome,
        [AgentTelemetry.solved]: result.solved,
        [AgentTelemetry.steps]: result.steps,
        [AgentTelemetry.requests]: result.requests,
      })
      if (result.steps > 0) span.setAttribute(AgentTelemetry.requestsPerStep, result.requests / result.steps)
      if (result.keyStep !== null) span.setAttribute(AgentTelemetry.keyStep, result.keyStep)
      if (result.optimalSteps !== null) span.setAttribute(AgentTelemetry.optimalSteps, result.optimalSteps)
      return run
    } catch (err) {
      const code = err instanceof AgentError ? err.code : 'AGENT_ERR_UNEXPECTED'
      span.setAttributes({
        [AgentTelemetry.outcome]: 'error',
        [AgentTelemetry.errorType]: code,
        [AgentTelemetry.solved]: false,
        [AgentTelemetry.steps]: steps,
        [AgentTelemetry.requests]: requests(),
      })
      span.recordException(err instanceof Error ? err : String(err))
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${describeError(err)}` })
      throw err
    } finally {
      span.end()
      recordRun({
        strategy: strategy.name,
        outcome,
        steps,
        requests: requests(),
        seconds: (performance.now() - startedAt) / 1000,
      })
    }
  })
}

/** The run itself: the body of {@link runAgent}, inside its span. */
async function walk(
  options: RunAgentOptions,
  span: Span,
  startedAt: number,
  progress: (steps: number) => void,
  episodeBegins: () => void,
): Promise<AgentRun> {
  const { transport, strategy, signal } = options
  const checkAborted = (): void => {
    if (!signal?.aborted) return
    if (signal.reason instanceof AgentError) throw signal.reason
    throw new AgentError(AgentErrorCode.Aborted, `the ${strategy.name} run was aborted`, { cause: signal.reason })
  }
  checkAborted()

  const protocol = options.protocol ?? 'auto'
  const choice = options.episode ?? {}
  const chosen = (choice.seed ?? null) !== null || (choice.width ?? null) !== null || (choice.height ?? null) !== null
  let meta: MazeMeta | null = null
  if (protocol !== 'classic') {
    // The model's own maze, unless one is chosen. Asked first: the first request waits for the model
    // to come up (a 503 while its maze is generated is retried within the start-up wait).
    if (!chosen) meta = await transport.meta()
    const routes = (await transport.episodes?.()) ?? null
    if (routes !== null) {
      span.setAttribute(AgentTelemetry.protocol, 'episodes')
      episodeBegins()
      return playEpisode({ options, routes, meta, span, startedAt, progress, checkAborted })
    }
    if (protocol === 'episodes' || chosen) {
      throw new AgentError(
        AgentErrorCode.Config,
        `the maze model offers no episodes (GET /episodes): it serves one maze on the classic routes, so ${chosen ? 'a maze seed or size cannot be chosen' : 'episodes cannot be played'}`,
      )
    }
  }
  span.setAttribute(AgentTelemetry.protocol, 'classic')

  const { width, height } = await transport.size()
  const start = await transport.start()
  meta ??= await transport.meta()
  const maxSteps = options.maxSteps ?? defaultMaxSteps(width, height)
  const rngSeed = options.seed ?? meta.seed ?? randomInt(0, 2 ** 32)
  span.setAttributes({
    [AgentTelemetry.width]: width,
    [AgentTelemetry.height]: height,
    [AgentTelemetry.rngSeed]: rngSeed,
    [AgentTelemetry.maxSteps]: maxSteps,
  })
  if (meta.seed !== null) span.setAttribute(AgentTelemetry.seed, meta.seed)
  options.onStart?.({
    strategy: strategy.name,
    width,
    height,
    start,
    seed: meta.seed,
    rngSeed,
    maxSteps,
    optimalSteps: meta.optimalSteps,
    episodeId: null,
  })

  return withExplorer(options, { width, height, start, rngSeed }, (explorer) =>
    walkFrom(options, span, startedAt, explorer, { width, height, start, meta: meta!, maxSteps }, progress, checkAborted),
  )
}

/** Creates the explorer (in process, or in its worker), runs `body` with it, then releases it. */
export async function withExplorer<T>(
  options: RunAgentOptions,
  { width, height, start, rngSeed }: { width: number; height: number; start: Point; rngSeed: number },
  body: (explorer: AnyExplorer) => Promise<T>,
): Promise<T> {
  const { strategy, signal } = options
  const context = { width, height, start: { x: start.x, y: start.y } }
  let explorer: AnyExplorer
  let release: (() => Promise<void>) | undefined
  if ('open' in strategy) {
    // Creating it is one decision, within the same budget (the explorer's errors are AgentErrors).
    const isolated = await strategy.open({ ...context, rngSeed }, signal)
    explorer = isolated
    release = () => isolated.close()
  } else {
    try {
      explorer = strategy.create({ ...context, random: createRng(rngSeed) })
    } catch (err) {
      throw new AgentError(AgentErrorCode.StrategyFailed, `strategy ${strategy.name} failed to start: ${describeError(err)}`, {
        cause: err,
      })
    }
  }
  try {
    return await body(explorer)
  } finally {
    await release?.()
  }
}

/** The walk on the classic routes, once the explorer is there: one `GET /maze/pos` per arrival. */
async function walkFrom(
  options: RunAgentOptions,
  span: Span,
  startedAt: number,
  explorer: AnyExplorer,
  { width, height, start, meta, maxSteps }: { width: number; height: number; start: Point; meta: MazeMeta; maxSteps: number },
  progress: (steps: number) => void,
  checkAborted: () => void,
): Promise<AgentRun> {
  const { transport, strategy, onStep } = options
  const path = new VisitedPath(width, height)
  const cells = new CellBook(width, height)

  let x = start.x
  let y = start.y
  let steps = 0
  let hasKey = false
  let keyStep: number | null = null
  let outcome: RunOutcome
  path.visit(x, y)

  for (;;) {
    checkAborted()
    const view = await transport.sense(x, y)
    cells.record(x, y, view, `GET /maze/pos/${y}/${x}`)
    if (view.here === 'K' && !hasKey) {
      hasKey = true
      keyStep = steps
      span.addEvent(AgentTelemetry.keyEvent, { [AgentTelemetry.steps]: steps })
    }
    if (view.here === 'E' && hasKey) {
      outcome = 'solved'
      break
    }
    if (steps >= maxSteps) {
      outcome = 'step-limit'
      break
    }
    const observation = observe(x, y, view, hasKey, steps)
    const direction = await decide(explorer, strategy.name, observation, width, height)
    if (direction === null) {
      outcome = 'gave-up'
      break
    }
    const from = { x, y }
    x += DX[direction]!
    y += DY[direction]!
    steps++
    progress(steps)
    path.visit(x, y)
    onStep?.({ from, direction, to: { x, y }, steps, observation })
  }

  checkAborted()
  const { map, mapError } = await drawMap(transport, path, span, checkAborted)
  const result: AgentResult = {
    strategy: strategy.name,
    width,
    height,
    seed: meta.seed,
    solved: outcome === 'solved',
    steps,
    keyStep,
    requests: transport.requests,
    elapsedMs: Math.round(performance.now() - startedAt),
    optimalSteps: meta.optimalSteps,
  }
  return { result, map, mapError, outcome }
}

/** Visited cells in first-visit order: the map only needs each cell once, which keeps the body small. */
export class VisitedPath {
  readonly cells: Array<[number, number]> = []
  readonly #seen: Uint8Array
  readonly #width: number
  constructor(width: number, height: number) {
    this.#width = width
    this.#seen = new Uint8Array(width * height)
  }
  visit(x: number, y: number): void {
    const i = y * this.#width + x
    if (this.#seen[i]) return
    this.#seen[i] = 1
    this.cells.push([x, y])
  }
}

/** `POST /maze/map` with the visited cells. The map is a nicety: a model that fails to draw it does not undo the run. */
export async function drawMap(
  transport: MazeTransport,
  path: VisitedPath,
  span: Span,
  checkAborted: () => void,
): Promise<{ map: string | null; mapError: AgentError | null }> {
  try {
    return { map: await transport.submitMap(path.cells), mapError: null }
  } catch (err) {
    checkAborted()
    const mapError =
      err instanceof AgentError
        ? err
        : new AgentError(AgentErrorCode.BadResponse, `POST /maze/map failed: ${describeError(err)}`, { cause: err })
    span.recordException(mapError)
    return { map: null, mapError }
  }
}
