// A strategy hosted in a worker thread, so the agent program stays in charge of its time: a
// `next()` that never returns (a synchronous loop can only be pre-empted from another thread), a
// strategy calling `process.exit()` (it ends its worker, not the agent), a signal while the
// strategy computes. The runner (runner.ts) stays on the main thread with the transport, so the
// run is still one `agent.run` span with the requests as its children.
//
// One decision costs one round trip through a SharedArrayBuffer: the runner writes the observation
// and wakes the worker (Atomics.notify); the worker, blocked in Atomics.wait, calls the explorer
// and writes the direction back; the runner waits with Atomics.waitAsync, bounded by the decision
// budget, so its event loop keeps running (signals, the whole-run deadline). No message is
// serialised per step. On a timeout, an abort or the worker's exit, the waiting decision is woken
// at once (a flag and a notify) and the worker is terminated.
import { Worker } from 'node:worker_threads'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Direction, Label, Point } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import type { Observation } from './strategy.ts'
import {
  ANSWER_INVALID,
  ANSWER_NULL,
  ANSWER_THREW,
  BUFFER_BYTES,
  I32,
  LABELS,
  readText,
  State,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol.ts'

/** What an isolated explorer is created from: the runner's context, with the RNG's seed (not the RNG). */
export interface IsolatedContext {
  readonly width: number
  readonly height: number
  readonly start: Point
  /** The worker recreates `createRng(rngSeed)`: the same sequence as in process, so runs are identical. */
  readonly rngSeed: number
}

/** One run's explorer in its worker: `next` answers synchronously when the worker is already done. */
export interface IsolatedExplorer {
  next(observation: Observation): Direction | null | Promise<Direction | null>
  /** Terminates the worker. */
  close(): Promise<void>
}

/** A strategy loaded in a worker thread: its stable name, and runs opened within time budgets. */
export interface IsolatedStrategy {
  readonly name: string
  readonly description: string
  /** Creates one run's explorer (one decision's budget); its failures are AgentErrors. */
  open(context: IsolatedContext, signal?: AbortSignal): Promise<IsolatedExplorer>
  /** Terminates a worker not (yet) given to a run. */
  close(): Promise<void>
}

export interface IsolatedStrategyOptions {
  /** Directory package names and relative paths are resolved from; default `process.cwd()`. */
  readonly cwd?: string
  /** Longest wait for one decision (and for creating the explorer). */
  readonly decisionTimeoutMs: number
  /** Longest wait for the module to load in the worker. Default {@link DEFAULT_LOAD_TIMEOUT_MS}. */
  readonly loadTimeoutMs?: number
  /** Stops waiting (loading, creating, deciding) and terminates the worker. */
  readonly signal?: AbortSignal
}

/** How long a strategy module may take to load in its worker. */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000

const WORKER_URL = new URL('./strategy-worker.ts', import.meta.url)
const INSTRUMENT = fileURLToPath(new URL('./instrument.ts', import.meta.url))

/**
 * The parent's execArgv without the agent's telemetry preload: telemetry belongs to the main
 * thread (one SDK, one `agent.run` span); other flags (a loader for a team's TypeScript) are kept.
 */
function workerExecArgv(execArgv: readonly string[]): string[] {
  const isInstrument = (value: string): boolean => {
    try {
      return (value.startsWith('file:') ? fileURLToPath(value) : resolve(value)) === INSTRUMENT
    } catch {
      return false
    }
  }
  const out: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    if (arg === '--import' && i + 1 < execArgv.length && isInstrument(execArgv[i + 1]!)) {
      i++
      continue
    }
    if (arg.startsWith('--import=') && isInstrument(arg.slice('--import='.length))) continue
    out.push(arg)
  }
  return out
}

/** A worker with the strategy loaded, and the shared buffer its decisions go through. */
interface Host {
  readonly worker: Worker
  readonly shared: Int32Array
  readonly bytes: Uint8Array
  readonly steps: Float64Array
  /** Why the worker is gone (exit code, uncaught error), or null while it runs. */
  gone: string | null
  /** Settles the message wait in progress, if any. */
  onReply: ((reply: WorkerReply | Error) => void) | null
}

function spawnHost(specifier: string, cwd: string): Host {
  const buffer = new SharedArrayBuffer(BUFFER_BYTES)
  const worker = new Worker(WORKER_URL, {
    workerData: { specifier, cwd, buffer } satisfies WorkerRequest,
    execArgv: workerExecArgv(process.execArgv),
    // stdout is the map and the result line: what the strategy prints goes to stderr.
    stdout: true,
  })
  worker.stdout.pipe(process.stderr, { end: false })
  // Never what keeps the agent alive: the runner terminates it, and a stray one must not block exit.
  worker.unref()
  const host: Host = {
    worker,
    shared: new Int32Array(buffer),
    bytes: new Uint8Array(buffer),
    steps: new Float64Array(buffer, 0, 1),
    gone: null,
    onReply: null,
  }
  const wake = (): void => {
    // Wakes a decision waiting on the worker: it sees the flag and fails at once.
    Atomics.store(host.shared, I32.Gone, 1)
    Atomics.notify(host.shared, I32.State)
  }
  worker.on('message', (reply: WorkerReply) => host.onReply?.(reply))
  worker.on('error', (err) => {
    host.gone ??= `failed in its worker thread: ${err instanceof Error ? err.message : String(err)}`
    wake()
    host.onReply?.(new Error(`it ${host.gone}`))
  })
  worker.on('exit', (code) => {
    host.gone ??= `ended its worker thread (exit code ${code}; did it call process.exit()?)`
    wake()
    host.onReply?.(new Error(`it ${host.gone}`))
  })
  return host
}

/** The next message from the worker, within `ms`; rejects on the worker's end, an abort or the timeout. */
function reply(host: Host, ms: number, signal: AbortSignal | undefined, onTimeout: () => AgentError): Promise<WorkerReply> {
  return new Promise((resolvePromise, reject) => {
    if (host.gone !== null) return reject(new Error(`it ${host.gone}`))
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      host.onReply = null
    }
    const onAbort = (): void => {
      done()
      reject(abortReason(signal!))
    }
    const timer = setTimeout(() => {
      done()
      reject(onTimeout())
    }, ms)
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    host.onReply = (r) => {
      done()
      if (r instanceof Error) reject(r)
      else resolvePromise(r)
    }
  })
}

const abortReason = (signal: AbortSignal): AgentError =>
  signal.reason instanceof AgentError
    ? signal.reason
    : new AgentError(AgentErrorCode.Aborted, 'the run was aborted', { cause: signal.reason })

/**
 * Loads a strategy (a built-in name or a module specifier, as {@link loadStrategy} takes) in a
 * worker thread. The module is imported only there: a module that loops or exits at import cannot
 * stop the agent either. Throws AGENT_ERR_STRATEGY_LOAD as loadStrategy does, also on a timeout.
 */
export async function loadIsolatedStrategy(specifier: string, options: IsolatedStrategyOptions): Promise<IsolatedStrategy> {
  const cwd = options.cwd ?? process.cwd()
  const { decisionTimeoutMs, signal } = options
  const loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS

  const load = async (): Promise<{ host: Host; name: string; description: string }> => {
    const host = spawnHost(specifier, cwd)
    try {
      const loaded = await reply(
        host,
        loadTimeoutMs,
        signal,
        () =>
          new AgentError(
            AgentErrorCode.StrategyLoad,
            `cannot load strategy ${JSON.stringify(specifier)}: it did not load within ${loadTimeoutMs} ms`,
          ),
      )
      if (loaded.type === 'load-error') throw new AgentError(AgentErrorCode.StrategyLoad, loaded.message)
      if (loaded.type !== 'loaded') throw new Error(`unexpected ${loaded.type} from the strategy worker`)
      return { host, name: loaded.name, description: loaded.description }
    } catch (err) {
      await host.worker.terminate()
      if (err instanceof AgentError) throw err
      throw new AgentError(AgentErrorCode.StrategyLoad, `cannot load strategy ${JSON.stringify(specifier)}: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  const first = await load()
  let spare: Host | null = first.host
  const { name, description } = first

  return {
    name,
    description,
    async open(context, runSignal = signal) {
      // The first run uses the worker that loaded the strategy; any later run gets a fresh one.
      const host = spare ?? (await load()).host
      spare = null
      try {
        return await openExplorer(host, name, context, decisionTimeoutMs, runSignal)
      } catch (err) {
        await host.worker.terminate()
        throw err
      }
    },
    async close() {
      await spare?.worker.terminate()
      spare = null
    },
  }
}

/**
 * Loads several strategies (the program's `--strategy a,b`), one after another in the order given,
 * each in its own worker as {@link loadIsolatedStrategy} does. `loading` is told each specifier as
 * its load begins, so a failure can name it. On a failure the strategies already loaded are closed
 * and the failure is thrown. Two specifiers that load strategies of the same name are
 * AGENT_ERR_CONFIG: their runs' result lines and referee labels could not be told apart.
 */
export async function loadIsolatedStrategies(
  specifiers: readonly string[],
  options: IsolatedStrategyOptions,
  loading: (specifier: string) => void = () => {},
): Promise<IsolatedStrategy[]> {
  const loaded: IsolatedStrategy[] = []
  try {
    for (const specifier of specifiers) {
      loading(specifier)
      const strategy = await loadIsolatedStrategy(specifier, options)
      loaded.push(strategy)
      const same = loaded.findIndex((other) => other.name === strategy.name)
      if (same !== loaded.length - 1) {
        throw new AgentError(
          AgentErrorCode.Config,
          `strategies ${JSON.stringify(specifiers[same])} and ${JSON.stringify(specifier)} are both named ${JSON.stringify(strategy.name)}: give each strategy once (AGENT_STRATEGY, --strategy)`,
        )
      }
    }
    return loaded
  } catch (err) {
    await closeStrategies(loaded)
    throw err
  }
}

/** Closes every strategy (their spare workers), whatever fails: each close is best effort. */
export async function closeStrategies(strategies: Iterable<IsolatedStrategy>): Promise<void> {
  await Promise.all([...strategies].map((strategy) => strategy.close().catch(() => {})))
}

async function openExplorer(
  host: Host,
  name: string,
  context: IsolatedContext,
  decisionTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<IsolatedExplorer> {
  const { shared, bytes, steps, worker } = host
  const strategyFailed = (what: string): AgentError => new AgentError(AgentErrorCode.StrategyFailed, `strategy ${name} ${what}`)
  const pending = reply(
    host,
    decisionTimeoutMs,
    signal,
    () =>
      new AgentError(
        AgentErrorCode.DecisionTimeout,
        `strategy ${name} did not create its explorer within the decision budget of ${decisionTimeoutMs} ms`,
      ),
  )
  worker.postMessage({ type: 'create', context })
  let created: WorkerReply
  try {
    created = await pending
  } catch (err) {
    if (err instanceof AgentError) throw err
    throw strategyFailed(`failed to start: ${(err as Error).message}`)
  }
  if (created.type === 'create-error') throw strategyFailed(`failed to start: ${created.message}`)

  // Atomics.waitAsync does not keep Node's event loop alive: without this, a decision pending when
  // nothing else is (the worker exits, an idle connection) would let the program end mid-await.
  const keepAlive = setInterval(() => {}, 2 ** 30)

  // An abort wakes a waiting decision at once, like the worker's end.
  const onAbort = (): void => {
    Atomics.store(shared, I32.Gone, 1)
    Atomics.notify(shared, I32.State)
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const fail = (_o: Observation, err: AgentError): never => {
    void worker.terminate()
    throw err
  }
  const at = (o: Observation): string => `at (${o.x}, ${o.y}) after ${o.steps} steps`

  /** The answer, once the worker has written it (State.Answered). */
  const answer = (o: Observation): Direction | null => {
    const a = shared[I32.Answer]!
    Atomics.store(shared, I32.State, State.Idle)
    if (a >= 0) return a as Direction
    if (a === ANSWER_NULL) return null
    const text = readText(shared, bytes)
    if (a === ANSWER_THREW) throw strategyFailed(`threw ${at(o)}: ${text}`)
    if (a === ANSWER_INVALID) {
      throw new AgentError(
        AgentErrorCode.IllegalMove,
        `strategy ${name} returned ${text} at (${o.x}, ${o.y}): a direction must be 0 (up), 1 (right), 2 (down), 3 (left) or null`,
      )
    }
    throw strategyFailed(`answered ${a} ${at(o)}`)
  }

  /** Why no answer came: the abort, the worker's end, or the time budget. */
  const noAnswer = (o: Observation): never => {
    if (signal?.aborted) return fail(o, abortReason(signal))
    if (host.gone !== null) return fail(o, strategyFailed(`${host.gone} ${at(o)}`))
    return fail(
      o,
      new AgentError(AgentErrorCode.DecisionTimeout, `strategy ${name} did not decide within ${decisionTimeoutMs} ms ${at(o)}`),
    )
  }

  const wait = async (o: Observation, deadline: number): Promise<Direction | null> => {
    for (;;) {
      const left = deadline - performance.now()
      if (left <= 0 || shared[I32.Gone] !== 0) return noAnswer(o)
      const w = Atomics.waitAsync(shared, I32.State, State.Asked, left)
      const result = w.async ? await w.value : w.value
      if (Atomics.load(shared, I32.State) === State.Answered) return answer(o)
      if (result === 'timed-out' || shared[I32.Gone] !== 0) return noAnswer(o)
      // Woken without an answer and without a reason (another notify): wait for the rest.
    }
  }

  return {
    next(o) {
      if (shared[I32.Gone] !== 0) return noAnswer(o)
      shared[I32.X] = o.x
      shared[I32.Y] = o.y
      shared[I32.Here] = LABELS.indexOf(o.here as Label)
      shared[I32.Open] = (o.open[0] ? 1 : 0) | (o.open[1] ? 2 : 0) | (o.open[2] ? 4 : 0) | (o.open[3] ? 8 : 0)
      shared[I32.HasKey] = o.hasKey ? 1 : 0
      steps[0] = o.steps
      const deadline = performance.now() + decisionTimeoutMs
      Atomics.store(shared, I32.State, State.Asked)
      Atomics.notify(shared, I32.State)
      // A quick strategy may have answered already: no promise at all then. (Spinning here for a
      // quick answer was measured slower: it takes the CPU the worker needs on small machines.)
      const w = Atomics.waitAsync(shared, I32.State, State.Asked, decisionTimeoutMs)
      if (!w.async) return Atomics.load(shared, I32.State) === State.Answered ? answer(o) : noAnswer(o)
      return w.value.then(() => (Atomics.load(shared, I32.State) === State.Answered ? answer(o) : wait(o, deadline)))
    },
    async close() {
      clearInterval(keepAlive)
      signal?.removeEventListener('abort', onAbort)
      await worker.terminate()
    },
  }
}
