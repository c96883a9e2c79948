// The program's result lines on stdout, one per run attempted: what is known of the run in flight,
// so that any way out (an error, a signal, the grace timer, an exit from deep inside) prints its
// failed line, and prints it once. One run or many, the rule is the same: a run is in flight from
// the program's start (a failure before the first run is the first run's line) and again from each
// line printed until the next, unless the program said no run follows.
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import type { AgentFailedResult, AgentResultLine } from './result.ts'
import type { RunStartInfo, StepEvent } from './runner.ts'
import type { MazeTransport } from './transport.ts'

/** A run's figures as far as they are known: the failed result line is made of them. */
interface InFlight {
  width: number | null
  height: number | null
  seed: number | null
  steps: number
  keyStep: number | null
  optimalSteps: number | null
  episodeId: string | null
  requestsBefore: number
  startedAt: number
}

export class ResultLedger {
  /** The strategy's name once loaded (its specifier before; null before the configuration is read). */
  strategy: string | null = null
  /** The transport of the runs: requests are counted from it. */
  transport: Pick<MazeTransport, 'requests'> | undefined
  #run: InFlight
  #pending = true
  #lines = 0
  readonly #write: (text: string) => void

  constructor(startedAt: number, write: (text: string) => void = (text) => void process.stdout.write(text)) {
    this.#run = fresh(null, 0, startedAt)
    this.#write = write
  }

  /** Result lines printed so far. */
  get lines(): number {
    return this.#lines
  }

  /** The run in flight, as far as it is known. */
  get current(): Readonly<InFlight> {
    return this.#run
  }

  /** The maze seed the run in flight asked for (known before the model answers). */
  expectSeed(seed: number | null): void {
    this.#run.seed = seed
  }

  /** The run settled on its maze (runAgent's onStart). */
  started(info: RunStartInfo): void {
    Object.assign(this.#run, {
      width: info.width,
      height: info.height,
      seed: info.seed ?? this.#run.seed,
      optimalSteps: info.optimalSteps,
      episodeId: info.episodeId,
    })
  }

  /** A move was made (runAgent's onStep). */
  step(event: StepEvent): void {
    this.#run.steps = event.steps
    if (this.#run.keyStep === null && event.observation.hasKey) this.#run.keyStep = event.observation.steps
  }

  /** Prints a run's line (stdout is a pipe or a file: written at once); `next`: another run follows, now in flight. */
  print(line: AgentResultLine, next: boolean): void {
    this.#write(`${JSON.stringify(line)}\n`)
    this.#lines++
    this.#pending = next
    if (next) this.#run = fresh(null, this.transport?.requests ?? 0, performance.now())
  }

  /** No run is in flight any more: nothing to print on the way out. */
  settle(): void {
    this.#pending = false
  }

  /** Prints the failed line of the run in flight, if there is one (once). */
  fail(err: unknown): void {
    if (this.#pending) this.print(this.failedLine(err), false)
  }

  /** The run in flight's line for an error. */
  failedLine(err: unknown): AgentFailedResult {
    const run = this.#run
    return {
      strategy: this.strategy,
      width: run.width,
      height: run.height,
      seed: run.seed,
      solved: false,
      steps: run.steps,
      keyStep: run.keyStep,
      requests: (this.transport?.requests ?? 0) - run.requestsBefore,
      elapsedMs: Math.round(performance.now() - run.startedAt),
      optimalSteps: run.optimalSteps,
      error: err instanceof AgentError ? err.code : 'AGENT_ERR_UNEXPECTED',
      message: err instanceof AgentError ? err.message : describeError(err),
    }
  }
}

const fresh = (seed: number | null, requestsBefore: number, startedAt: number): InFlight => ({
  width: null,
  height: null,
  seed,
  steps: 0,
  keyStep: null,
  optimalSteps: null,
  episodeId: null,
  requestsBefore,
  startedAt,
})

/** The error for a way out that printed no line: an exit from deep inside. */
export const exitedEarly = (code: number | string | undefined): AgentError =>
  new AgentError(AgentErrorCode.Aborted, `the agent exited (code ${code}) before the run ended`)
