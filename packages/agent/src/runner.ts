import { randomInt } from 'node:crypto'
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import { createRng, DIRECTION_NAMES, DX, DY, type CellView, type Direction, type Point } from '@maze-sim/maze'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import type { AgentResult } from './result.ts'
import type { IsolatedStrategy } from './isolated-strategy.ts'
import type { Observation, Strategy } from './strategy.ts'
import { AgentTelemetry, recordRun } from './telemetry.ts'
import type { MazeTransport } from './transport.ts'

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
}

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

/** A generous step limit: random DFS walks each corridor at most twice per phase, so 20 × area is ample. */
export const defaultMaxSteps = (width: number, height: number): number => 20 * width * height + 1000

const open = (v: 0 | 1): boolean => v === 0

/** Label codes in the runner's per-cell record (bits 4-5). */
const LABEL_CODE = { S: 0, E: 1, K: 2, ' ': 3 } as const
const KNOWN = 0x80

/** A direction as the strategy returned it, or a description of what else it returned. */
const isDirection = (d: unknown): d is Direction => d === 0 || d === 1 || d === 2 || d === 3

/** True for a promise (or any thenable): what an isolated explorer returns when it has to wait. */
const isPending = (v: unknown): v is PromiseLike<Direction | null> => typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'

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
    try {
      const run = await walk(options, span, startedAt, (n) => (steps = n))
      outcome = run.outcome
      const { result } = run
      span.setAttributes({
        [AgentTelemetry.outcome]: run.outcome,
        [AgentTelemetry.solved]: result.solved,
        [AgentTelemetry.steps]: result.steps,
        [AgentTelemetry.requests]: result.requests,
      })
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
        [AgentTelemetry.requests]: transport.requests,
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
        requests: transport.requests,
        seconds: (performance.now() - startedAt) / 1000,
      })
    }
  })
}

/** The run itself: the body of {@link runAgent}, inside its span. */
async function walk(options: RunAgentOptions, span: Span, startedAt: number, progress: (steps: number) => void): Promise<AgentRun> {
  const { transport, strategy, onStep, onStart, signal } = options
  const checkAborted = (): void => {
    if (!signal?.aborted) return
    if (signal.reason instanceof AgentError) throw signal.reason
    throw new AgentError(AgentErrorCode.Aborted, `the ${strategy.name} run was aborted`, { cause: signal.reason })
  }

  checkAborted()
  const { width, height } = await transport.size()
  const start = await transport.start()
  const meta = await transport.meta()
  const maxSteps = options.maxSteps ?? defaultMaxSteps(width, height)
  const rngSeed = options.seed ?? meta.seed ?? randomInt(0, 2 ** 32)
  span.setAttributes({
    [AgentTelemetry.width]: width,
    [AgentTelemetry.height]: height,
    [AgentTelemetry.rngSeed]: rngSeed,
    [AgentTelemetry.maxSteps]: maxSteps,
  })
  if (meta.seed !== null) span.setAttribute(AgentTelemetry.seed, meta.seed)
  onStart?.({ strategy: strategy.name, width, height, start, seed: meta.seed, rngSeed, maxSteps, optimalSteps: meta.optimalSteps })

  const context = { width, height, start: { x: start.x, y: start.y } }
  // The brain, either way: next() answers a direction, or a promise of one when it is isolated.
  let explorer: { next(o: Observation): Direction | null | PromiseLike<Direction | null> }
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
      throw new AgentError(AgentErrorCode.StrategyFailed, `strategy ${strategy.name} failed to start: ${describeError(err)}`, { cause: err })
    }
  }
  try {
    return await walkFrom(options, span, startedAt, explorer, { width, height, start, meta, maxSteps }, progress, checkAborted)
  } finally {
    await release?.()
  }
}

/** The walk itself, once the explorer is there. */
async function walkFrom(
  options: RunAgentOptions,
  span: Span,
  startedAt: number,
  explorer: { next(o: Observation): Direction | null | PromiseLike<Direction | null> },
  { width, height, start, meta, maxSteps }: { width: number; height: number; start: Point; meta: { seed: number | null; optimalSteps: number | null }; maxSteps: number },
  progress: (steps: number) => void,
  checkAborted: () => void,
): Promise<AgentRun> {
  const { transport, strategy, onStep } = options
  // Visited cells in first-visit order: the map only needs each cell once, which keeps the body small.
  const seen = new Uint8Array(width * height)
  const path: Array<[number, number]> = []
  const visit = (x: number, y: number): void => {
    const i = y * width + x
    if (seen[i]) return
    seen[i] = 1
    path.push([x, y])
  }

  // What the model said of each sensed cell (walls in bits 0-3, the label in bits 4-5, KNOWN): a
  // model whose answers contradict themselves (a cell that changes between visits, a side open on
  // one cell and walled on its neighbour) is caught here, in O(1) per step, as the model's fault.
  const cells = new Uint8Array(width * height)
  const record = (cx: number, cy: number, view: CellView): void => {
    const walls = view.up | (view.right << 1) | (view.down << 2) | (view.left << 3)
    const value = KNOWN | (LABEL_CODE[view.here] << 4) | walls
    const i = cy * width + cx
    const before = cells[i]!
    if (before !== 0) {
      if (before !== value) throw contradiction(cx, cy, `it answered ${describeCell(value)} on an earlier visit, now ${describeCell(view)}`)
      return
    }
    for (let d = 0; d < 4; d++) {
      const nx = cx + DX[d]!
      const ny = cy + DY[d]!
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const other = cells[ny * width + nx]!
      if (other === 0) continue
      const wall = (walls >> d) & 1
      const theirs = (other >> ((d + 2) & 3)) & 1
      if (wall !== theirs) {
        throw contradiction(
          cx,
          cy,
          `its ${DIRECTION_NAMES[d as Direction]} side is ${wall ? 'a wall' : 'open'}, but the same side is ${theirs ? 'a wall' : 'open'} seen from (${nx}, ${ny})`,
        )
      }
    }
    cells[i] = value
  }

  let x = start.x
  let y = start.y
  let steps = 0
  let hasKey = false
  let keyStep: number | null = null
  let outcome: RunOutcome
  visit(x, y)

  for (;;) {
    checkAborted()
    const view = await transport.sense(x, y)
    record(x, y, view)
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
    const observation: Observation = {
      x,
      y,
      here: view.here,
      open: [open(view.up), open(view.right), open(view.down), open(view.left)],
      hasKey,
      steps,
    }
    let direction: Direction | null
    try {
      const answer = explorer.next(observation)
      direction = isPending(answer) ? await answer : answer
    } catch (err) {
      // An isolated explorer's failures (a timeout, a dead worker) already say what happened.
      if (err instanceof AgentError) throw err
      throw new AgentError(AgentErrorCode.StrategyFailed, `strategy ${strategy.name} threw at (${x}, ${y}) after ${steps} steps: ${describeError(err)}`, {
        cause: err,
      })
    }
    if (direction === null) {
      outcome = 'gave-up'
      break
    }
    if (!isDirection(direction)) {
      throw new AgentError(
        AgentErrorCode.IllegalMove,
        `strategy ${strategy.name} returned ${JSON.stringify(direction) ?? String(direction)} at (${x}, ${y}): a direction must be 0 (up), 1 (right), 2 (down), 3 (left) or null`,
      )
    }
    const nx = x + DX[direction]!
    const ny = y + DY[direction]!
    const name = DIRECTION_NAMES[direction]
    if (!observation.open[direction]) {
      throw new AgentError(AgentErrorCode.IllegalMove, `strategy ${strategy.name} moved ${name} from (${x}, ${y}) through a wall (step ${steps + 1})`)
    }
    if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
      throw new AgentError(
        AgentErrorCode.IllegalMove,
        `strategy ${strategy.name} moved ${name} from (${x}, ${y}) out of the ${width}x${height} grid (step ${steps + 1})`,
      )
    }
    const from = { x, y }
    x = nx
    y = ny
    steps++
    progress(steps)
    visit(x, y)
    onStep?.({ from, direction, to: { x, y }, steps, observation })
  }

  checkAborted()
  // The map is a nicety: a model that fails to draw it does not undo the run (its outcome stands).
  let map: string | null = null
  let mapError: AgentError | null = null
  try {
    map = await transport.submitMap(path)
  } catch (err) {
    checkAborted()
    mapError = err instanceof AgentError ? err : new AgentError(AgentErrorCode.BadResponse, `POST /maze/map failed: ${describeError(err)}`, { cause: err })
    span.recordException(mapError)
  }
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

const contradiction = (x: number, y: number, what: string): AgentError =>
  new AgentError(AgentErrorCode.BadResponse, `GET /maze/pos/${y}/${x}: the model contradicts itself about cell (${x}, ${y}): ${what}`)

/** A cell's walls and label, for error messages: from a view or from the runner's record. */
function describeCell(cell: CellView | number): string {
  if (typeof cell !== 'number') return JSON.stringify(cell)
  const here = (Object.keys(LABEL_CODE) as Array<keyof typeof LABEL_CODE>)[(cell >> 4) & 3]
  return JSON.stringify({ here, up: cell & 1, down: (cell >> 2) & 1, left: (cell >> 3) & 1, right: (cell >> 1) & 1 })
}
