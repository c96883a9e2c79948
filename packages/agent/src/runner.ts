import { randomInt } from 'node:crypto'
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import { createRng, DIRECTION_NAMES, DX, DY, type Direction, type Point } from '@maze-sim/maze'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import type { AgentResult } from './result.ts'
import type { Explorer, Observation, Strategy } from './strategy.ts'
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
}

export interface RunAgentOptions {
  readonly transport: MazeTransport
  readonly strategy: Strategy
  /** Step limit; default {@link defaultMaxSteps} of the maze. */
  readonly maxSteps?: number | null
  /** Seed of the explorer's RNG; default the maze seed when the model tells it, else random. */
  readonly seed?: number | null
  readonly onStart?: (info: RunStartInfo) => void
  readonly onStep?: (event: StepEvent) => void
  /** Stops the run between steps with AGENT_ERR_ABORTED. */
  readonly signal?: AbortSignal
}

/** Why a run ended. */
export type RunOutcome = 'solved' | 'gave-up' | 'step-limit'

/** A finished run: the stable result, the map the model drew of the walk, and why it ended. */
export interface AgentRun {
  readonly result: AgentResult
  readonly map: string
  readonly outcome: RunOutcome
}

/** A generous step limit: random DFS walks each corridor at most twice per phase, so 20 × area is ample. */
export const defaultMaxSteps = (width: number, height: number): number => 20 * width * height + 1000

const open = (v: 0 | 1): boolean => v === 0

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
    if (signal?.aborted) throw new AgentError(AgentErrorCode.Aborted, `the ${strategy.name} run was aborted`, { cause: signal.reason })
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
  onStart?.({ strategy: strategy.name, width, height, start, seed: meta.seed, rngSeed, maxSteps })

  let explorer: Explorer
  try {
    explorer = strategy.create({ width, height, start: { x: start.x, y: start.y }, random: createRng(rngSeed) })
  } catch (err) {
    throw new AgentError(AgentErrorCode.StrategyFailed, `strategy ${strategy.name} failed to start: ${describeError(err)}`, { cause: err })
  }

  // Visited cells in first-visit order: the map only needs each cell once, which keeps the body small.
  const seen = new Uint8Array(width * height)
  const path: Array<[number, number]> = []
  const visit = (x: number, y: number): void => {
    const i = y * width + x
    if (seen[i]) return
    seen[i] = 1
    path.push([x, y])
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
      direction = explorer.next(observation)
    } catch (err) {
      throw new AgentError(AgentErrorCode.StrategyFailed, `strategy ${strategy.name} threw at (${x}, ${y}) after ${steps} steps: ${describeError(err)}`, {
        cause: err,
      })
    }
    if (direction === null) {
      outcome = 'gave-up'
      break
    }
    if (direction !== 0 && direction !== 1 && direction !== 2 && direction !== 3) {
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
  const map = await transport.submitMap(path)
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
  return { result, map, outcome }
}
