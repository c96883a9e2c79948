// A model process of an HTTP sweep: the model program by its package's name, on a port the OS picks
// (PORT=0; the URL is read from its start-up log line), with room for the sweep's largest maze. Its
// stdout carries the referee's lines (one per ended episode) among pino's log lines; they are read
// line by line, bounded, and handed on.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseRefereeLine, type RefereeLine } from '@maze-sim/agent/referee'
import { helpRows } from '@maze-sim/config'
import { defaultMaxSteps } from '@maze-sim/maze'
import { EPISODE_LIMIT_ENV_VARS, EPISODE_LIMIT_RANGES, DEFAULT_EPISODE_LIMITS, MODEL_OPTIONS } from '@maze-sim/model'
import { OutputTail, readLines } from './child-output.ts'
import { SweepError, SweepErrorCode } from './errors.ts'

/** The preload that ends the process when the sweep is gone (leash.ts). */
const LEASH = import.meta.resolve('./leash.ts')

/** The longest a model may take to listen and be ready. */
export const MODEL_START_TIMEOUT_MS = 30_000
/** After SIGTERM, how long a model may take to stop before it is killed. */
export const MODEL_STOP_TIMEOUT_MS = 10_000
/** A line of the model's stdout longer than this is not a referee line (they are a few hundred bytes): dropped. */
export const MODEL_MAX_LINE_BYTES = 64 * 1024

export interface ModelProcessOptions {
  /** The model's number in the sweep, for messages. */
  readonly index: number
  /** The largest maze of the sweep, in cells: the model must accept episodes that large. */
  readonly maxArea: number
  /** Agents that may play on it at once. */
  readonly agents: number
  readonly onReferee: (line: RefereeLine) => void
  /** The process as soon as it is spawned, before it is ready: to kill it if the sweep's process exits meanwhile. */
  readonly onSpawn?: (child: { kill(): void }) => void
  /** The environment the sweep was started with (the model's own variables are set here, not inherited). */
  readonly env: NodeJS.ProcessEnv
  readonly startTimeoutMs?: number
}

/** How a child process ended. */
export interface Ended {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export const describeEnd = ({ code, signal }: Ended): string => (signal !== null ? `killed by ${signal}` : `exit code ${code}`)

const clamp = (n: number, [min, max]: readonly [number, number]): number => Math.min(max, Math.max(min, n))

/**
 * The model's environment: the sweep's, without any of the model's own variables (a MODEL_SEALED or
 * EPISODES_MAX_LIVE of the user's shell must not change what the sweep measures), then the sweep's.
 */
export function modelEnv(env: NodeJS.ProcessEnv, maxArea: number, agents: number): NodeJS.ProcessEnv {
  const own = new Set(helpRows(MODEL_OPTIONS).flatMap((row) => (row.env === null ? [] : [row.env])))
  const out: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !own.has(k)))
  const area = clamp(maxArea, EPISODE_LIMIT_RANGES.maxArea)
  return {
    ...out,
    PORT: '0',
    HOST: '127.0.0.1',
    // The model's own maze is never played (every agent asks for its seed and size): the smallest.
    MAZE_WIDTH: '2',
    MAZE_HEIGHT: '2',
    MAZE_SEED: '0',
    // `info` for the start-up line that carries the URL; nothing is logged per request.
    LOG_LEVEL: 'info',
    [EPISODE_LIMIT_ENV_VARS.maxArea]: String(area),
    [EPISODE_LIMIT_ENV_VARS.maxLiveCells]: String(
      clamp(Math.max(DEFAULT_EPISODE_LIMITS.maxLiveCells, area * (agents + 1)), EPISODE_LIMIT_RANGES.maxLiveCells),
    ),
    // The agent's step limit (defaultMaxSteps: it depends on the area alone) must not be cut by the model's.
    [EPISODE_LIMIT_ENV_VARS.maxSteps]: String(
      clamp(Math.max(DEFAULT_EPISODE_LIMITS.maxSteps, defaultMaxSteps(area, 1)), EPISODE_LIMIT_RANGES.maxSteps),
    ),
    [EPISODE_LIMIT_ENV_VARS.maxLive]: String(clamp(Math.max(DEFAULT_EPISODE_LIMITS.maxLive, agents * 2), EPISODE_LIMIT_RANGES.maxLive)),
  }
}

/** A running model process. */
export class ModelProcess {
  readonly index: number
  readonly url: string
  readonly #child: ChildProcess
  readonly #stderr: OutputTail
  readonly ended: Promise<Ended>
  #stopping = false

  private constructor(index: number, url: string, child: ChildProcess, stderr: OutputTail, ended: Promise<Ended>) {
    this.index = index
    this.url = url
    this.#child = child
    this.#stderr = stderr
    this.ended = ended
  }

  /** Starts a model and resolves once it is ready; SWEEP_ERR_MODEL when it exits or is not ready within the bound. */
  static async start(options: ModelProcessOptions): Promise<ModelProcess> {
    const entry = fileURLToPath(import.meta.resolve('@maze-sim/model/server'))
    const child = spawn(process.execPath, ['--import', LEASH, entry], {
      env: modelEnv(options.env, options.maxArea, options.agents),
      // stdin: the leash (leash.ts), which ends the model if the sweep is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    options.onSpawn?.({ kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL') })
    const ended = new Promise<Ended>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }))
      // A spawn that failed (too many processes) emits 'error' and maybe no 'exit'.
      child.once('error', () => resolve({ code: null, signal: null }))
    })
    const stderr = new OutputTail(child.stderr!)
    let announced: (url: string) => void = () => {}
    const url = new Promise<string>((resolve) => (announced = resolve))
    void readLines(child.stdout!, MODEL_MAX_LINE_BYTES, (line) => {
      const record = parseRefereeLine(line)
      if (record !== null) return options.onReferee(record)
      const found = urlOfLogLine(line)
      if (found !== null) announced(found)
    })
    const timeoutMs = options.startTimeoutMs ?? MODEL_START_TIMEOUT_MS
    const failed = (why: string): SweepError => {
      child.kill('SIGKILL')
      const tail = stderr.lines().slice(-5).join(' | ')
      return new SweepError(SweepErrorCode.Model, `model ${options.index} (pid ${child.pid}) ${why}${tail ? `: ${tail}` : ''}`)
    }
    const deadline = AbortSignal.timeout(timeoutMs)
    const outcome = await Promise.race([
      url
        .then(async (found) => {
          await waitReady(found, deadline)
          return found
        })
        .catch((err: unknown) => err as Error),
      ended.then((end) => new Error(`exited before it was ready (${describeEnd(end)})`)),
      new Promise<Error>((resolve) =>
        deadline.addEventListener('abort', () => resolve(new Error(`was not ready within ${timeoutMs} ms`)), { once: true }),
      ),
    ])
    if (outcome instanceof Error) throw failed(outcome.message)
    return new ModelProcess(options.index, outcome, child, stderr, ended)
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  /** True until it exits. */
  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null
  }

  /** True once `stop` was called: an exit after that was asked for. */
  get stopping(): boolean {
    return this.#stopping
  }

  /** Its last stderr lines, for saying why it died. */
  stderrTail(): readonly string[] {
    return this.#stderr.lines()
  }

  /** SIGTERM (the model finishes in-flight requests and stops), SIGKILL after MODEL_STOP_TIMEOUT_MS. */
  async stop(timeoutMs = MODEL_STOP_TIMEOUT_MS): Promise<Ended> {
    this.#stopping = true
    if (this.alive) this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.kill(), timeoutMs)
    try {
      return await this.ended
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGKILL at once (the sweep is exiting). */
  kill(): void {
    this.#stopping = true
    if (this.alive) this.#child.kill('SIGKILL')
  }
}

/** The `url` of the model's start-up log line (`{"msg":"generating maze","url":...}`), or null for any other line. */
function urlOfLogLine(line: string): string | null {
  if (!line.startsWith('{') || !line.includes('"url"')) return null
  try {
    const value = JSON.parse(line) as { url?: unknown }
    return typeof value.url === 'string' && /^https?:\/\//.test(value.url) ? value.url : null
  } catch {
    return null
  }
}

/** Polls GET /health/ready until it answers 200; each try bounded, the whole by `deadline`. */
async function waitReady(url: string, deadline: AbortSignal): Promise<void> {
  for (;;) {
    if (deadline.aborted) throw new Error('was not ready in time')
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.any([deadline, AbortSignal.timeout(2_000)]) })
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
