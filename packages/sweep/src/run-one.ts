// One run of an in-process sweep: the agent's own runner (`runAgent`) and strategy, against the
// maze of (seed, size) through the in-process transport, refereed by the same domain Episode as a
// model's /episodes. A run that fails (a strategy bug) is a result with `error`, not an exception.
// (`--transport http` does not come here: it runs agent and model processes, see http-sweep.ts.)
import { AgentError, createInProcessTransport, runAgent, type MazeTransport, type Strategy, type StepEvent } from '@maze-sim/agent'
import { generateMaze, solve, type Point } from '@maze-sim/maze'
import type { SweepResult } from './results.ts'

export interface RunOneOptions {
  readonly strategy: Strategy
  readonly seed: number
  readonly width: number
  readonly height: number
  /** Record every cell walked (for pictures): the start, then the cell after each step. */
  readonly onStep?: (event: StepEvent) => void
  readonly onStart?: (start: Point) => void
  readonly signal?: AbortSignal
}

/** Runs one strategy on one maze and returns its result line. */
export async function runOne(options: RunOneOptions): Promise<SweepResult> {
  const { strategy, seed, width, height } = options
  const startedAt = performance.now()
  let transport: MazeTransport | undefined
  // What the runner knew when it failed, for the result of a failed run.
  let steps = 0
  let keyStep: number | null = null
  try {
    // Refereed by the same domain Episode as a model's /episodes, so both modes make the same requests.
    transport = createInProcessTransport({ width, height, seed }, { episodes: true })
    const run = await runAgent({
      transport,
      strategy,
      // The maze chosen as an agent process of an HTTP sweep or a Batch child chooses it (no map
      // posted at the end): a run makes the same requests in every mode.
      episode: { seed, width, height },
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
  }
}
