// One run of a sweep: the agent's own runner (`runAgent`) and strategy, against the maze of
// (seed, size), through the in-process transport or a real model over HTTP. A run that fails (a
// strategy bug, a model that stops answering) is a result with `error`, not an exception.
import {
  AgentError,
  createHttpTransport,
  createInProcessTransport,
  runAgent,
  type MazeTransport,
  type Strategy,
  type StepEvent,
} from '@maze-sim/agent'
import { generateMaze, solve, type Point } from '@maze-sim/maze'
import type { RunningModel } from '@maze-sim/model'
import type { SweepResult } from './results.ts'

/** How a sweep reaches the maze: the in-process transport (default) or a real model over HTTP. */
export const TRANSPORTS = ['in-process', 'http'] as const
export type TransportKind = (typeof TRANSPORTS)[number]

export interface RunOneOptions {
  readonly strategy: Strategy
  readonly seed: number
  readonly width: number
  readonly height: number
  readonly transport?: TransportKind
  /** Record every cell walked (for pictures): the start, then the cell after each step. */
  readonly onStep?: (event: StepEvent) => void
  readonly onStart?: (start: Point) => void
  readonly signal?: AbortSignal
}

/** Runs one strategy on one maze and returns its result line. */
export async function runOne(options: RunOneOptions): Promise<SweepResult> {
  const { strategy, seed, width, height } = options
  const startedAt = performance.now()
  let model: RunningModel | undefined
  let transport: MazeTransport | undefined
  // What the runner knew when it failed, for the result of a failed run.
  let steps = 0
  let keyStep: number | null = null
  try {
    if ((options.transport ?? 'in-process') === 'http') {
      // A model of its own per run, as in a Batch job: the maze is the model's, generated from the seed.
      // Loaded only for HTTP runs: the in-process path needs no server code.
      const { startModel } = await import('@maze-sim/model')
      // The run's result line is the sweep's output; the model's referee line would only repeat it.
      model = await startModel({ width, height, seed, logger: false, episodes: { writeResult: () => {} } })
      await model.ready
      transport = createHttpTransport({ url: model.url, ...(options.signal ? { signal: options.signal } : {}) })
    } else {
      // Refereed by the same domain Episode as a model's /episodes, so both modes make the same requests.
      transport = createInProcessTransport({ width, height, seed }, { episodes: true })
    }
    const run = await runAgent({
      transport,
      strategy,
      ...(options.signal ? { signal: options.signal } : {}),
      onStart: (info) => options.onStart?.(info.start),
      onStep: (event) => {
        steps = event.steps
        if (keyStep === null && event.observation.hasKey) keyStep = event.observation.steps
        options.onStep?.(event)
      },
    })
    return run.result
  } catch (err) {
    const code =
      err instanceof AgentError
        ? err.code
        : typeof (err as { code?: unknown })?.code === 'string'
          ? (err as { code: string }).code
          : 'SWEEP_ERR_RUN_FAILED'
    return {
      strategy: strategy.name,
      width,
      height,
      seed,
      solved: false,
      steps,
      keyStep,
      requests: transport?.requests ?? 0,
      elapsedMs: Math.round(performance.now() - startedAt),
      optimalSteps: solve(generateMaze({ width, height, seed })).optimalSteps,
      error: code,
    }
  } finally {
    await transport?.close().catch(() => {})
    await model?.close().catch(() => {})
  }
}
