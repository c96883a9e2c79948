// A pool of worker threads that run a sweep's runs on every core. Each worker takes the next run
// when it has finished one (runs differ a lot in length), so the cores stay busy to the end.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { SweepError, SweepErrorCode } from './errors.ts'
import type { PlannedRun } from './plan.ts'
import type { SweepResult } from './results.ts'

/** What a worker is started with. */
export interface WorkerSetup {
  /** Every strategy specifier of the sweep (a run names one of them). */
  readonly specifiers: readonly string[]
  /** Directory package names and relative paths are resolved from. */
  readonly cwd: string
}

export type ToWorker = { readonly type: 'run'; readonly run: PlannedRun } | { readonly type: 'stop' }
export type FromWorker =
  | { readonly type: 'ready'; readonly threadId: number }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly index: number; readonly result: SweepResult; readonly threadId: number }

export interface PoolOptions extends WorkerSetup {
  readonly runs: readonly PlannedRun[]
  /** Worker threads (default: the number of cores); never more than there are runs. */
  readonly workers?: number
  /** Called in the main thread as each run finishes. */
  readonly onResult: (result: SweepResult, run: PlannedRun, threadId: number) => void
  /** Stops handing out runs; runs in flight finish and are reported, then the pool resolves. */
  readonly signal?: AbortSignal
}

export interface PoolOutcome {
  /** Runs that finished (and were reported). */
  readonly completed: number
  /** True when the signal stopped the pool before every run was handed out. */
  readonly interrupted: boolean
  /** Thread ids of the workers that ran at least one run. */
  readonly threadIds: readonly number[]
}

/** The default number of workers: one per core. */
export const defaultWorkers = (): number => availableParallelism()

const WORKER_URL = new URL('./worker.ts', import.meta.url)

/** Runs `runs` on a pool of worker threads; resolves when all are done or the signal stopped it. */
export function runPool(options: PoolOptions): Promise<PoolOutcome> {
  const { runs, onResult, signal } = options
  const size = Math.max(1, Math.min(options.workers ?? defaultWorkers(), runs.length))
  if (runs.length === 0) return Promise.resolve({ completed: 0, interrupted: false, threadIds: [] })
  const setup: WorkerSetup = { specifiers: options.specifiers, cwd: options.cwd }

  return new Promise<PoolOutcome>((resolve, reject) => {
    let next = 0
    let completed = 0
    let inFlight = 0
    let settled = false
    const threadIds = new Set<number>()
    const workers: Worker[] = []
    const byIndex = new Map(runs.map((r) => [r.index, r]))

    const finish = (error?: Error): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      for (const w of workers) void w.terminate()
      if (error) reject(error)
      else resolve({ completed, interrupted: completed < runs.length, threadIds: [...threadIds].sort((a, b) => a - b) })
    }
    const feed = (worker: Worker): void => {
      if (signal?.aborted || next >= runs.length) {
        if (inFlight === 0) finish()
        return
      }
      inFlight++
      worker.postMessage({ type: 'run', run: runs[next++]! } satisfies ToWorker)
    }
    function onAbort(): void {
      if (inFlight === 0) finish()
    }
    signal?.addEventListener('abort', onAbort)

    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_URL, { workerData: setup })
      workers.push(worker)
      worker.on('message', (message: FromWorker) => {
        if (settled) return
        if (message.type === 'fatal') {
          finish(new SweepError(SweepErrorCode.Worker, `a worker could not start: ${message.message}`))
        } else if (message.type === 'ready') {
          feed(worker)
        } else {
          inFlight--
          completed++
          threadIds.add(message.threadId)
          try {
            onResult(message.result, byIndex.get(message.index)!, message.threadId)
          } catch (err) {
            finish(err instanceof Error ? err : new Error(String(err)))
            return
          }
          feed(worker)
        }
      })
      worker.on('error', (err) => finish(new SweepError(SweepErrorCode.Worker, `a worker thread failed: ${err.message}`, { cause: err })))
      worker.on('exit', (code) => {
        if (!settled) finish(new SweepError(SweepErrorCode.Worker, `a worker thread exited early (code ${code})`))
      })
    }
  })
}
