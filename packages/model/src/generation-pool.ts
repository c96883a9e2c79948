import { Worker } from 'node:worker_threads'
import { Maze, type GenerateOptions } from '@maze-sim/maze'
import { GenerationError } from './errors.ts'
import type { GeneratedMaze, WorkerResult } from './generate-in-worker.ts'

const WORKER_URL = new URL('./generate-worker.ts', import.meta.url)

interface Job {
  readonly options: GenerateOptions
  readonly signal: AbortSignal | undefined
  readonly resolve: (maze: GeneratedMaze) => void
  readonly reject: (error: Error) => void
}

/**
 * Worker threads that stay up between generations: an episode's 80 x 20 maze takes a tenth of a
 * millisecond to generate, starting a worker (and loading the maze package into it) a hundred
 * times that. At most `size` workers, started on demand; idle ones do not keep the process alive.
 * A generation whose signal aborts terminates its worker (the next job starts a fresh one).
 */
export class GenerationPool {
  readonly #size: number
  readonly #idle: Worker[] = []
  readonly #queue: Job[] = []
  #workers = 0
  #closed = false

  constructor(size: number) {
    this.#size = size
  }

  /** Generates and solves a maze in one of the pool's workers (the walls are transferred, not copied). */
  generate = (options: GenerateOptions, signal?: AbortSignal): Promise<GeneratedMaze> =>
    new Promise((resolve, reject) => {
      if (this.#closed) return reject(new GenerationError('maze generation was aborted: the model is closing'))
      if (signal?.aborted) return reject(new GenerationError('maze generation was aborted', { cause: signal.reason }))
      this.#queue.push({ options, signal, resolve, reject })
      this.#next()
    })

  /** Terminates every worker; queued generations are rejected. */
  async close(): Promise<void> {
    this.#closed = true
    for (const job of this.#queue.splice(0)) job.reject(new GenerationError('maze generation was aborted: the model is closing'))
    await Promise.all(this.#idle.splice(0).map((worker) => worker.terminate()))
  }

  #next(): void {
    while (this.#queue.length > 0) {
      const job = this.#queue[0]!
      if (job.signal?.aborted) {
        this.#queue.shift()
        job.reject(new GenerationError('maze generation was aborted', { cause: job.signal.reason }))
        continue
      }
      const worker = this.#idle.pop() ?? (this.#workers < this.#size ? this.#start() : undefined)
      if (worker === undefined) return
      this.#queue.shift()
      this.#run(worker, job)
    }
  }

  #start(): Worker {
    this.#workers++
    const worker = new Worker(WORKER_URL)
    worker.once('exit', () => {
      this.#workers--
      const at = this.#idle.indexOf(worker)
      if (at >= 0) this.#idle.splice(at, 1)
      // A worker that failed or was terminated leaves room for the next job's.
      if (!this.#closed) this.#next()
    })
    return worker
  }

  #run(worker: Worker, job: Job): void {
    const { width, height, seed } = job.options
    worker.ref()
    const done = (): void => {
      job.signal?.removeEventListener('abort', onAbort)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessage = (result: WorkerResult): void => {
      done()
      try {
        job.resolve({ maze: new Maze(result.data), optimalSteps: result.optimalSteps, generationMs: result.generationMs })
      } catch (error) {
        job.reject(new GenerationError(`the generated ${width}x${height} maze is invalid`, { cause: error }))
      }
      worker.unref()
      if (this.#closed) void worker.terminate()
      else this.#idle.push(worker)
      this.#next()
    }
    const onError = (error: Error): void => {
      done()
      job.reject(new GenerationError(`generating the ${width}x${height} maze with seed ${seed} failed`, { cause: error }))
      void worker.terminate()
    }
    const onExit = (code: number): void => {
      done()
      job.reject(new GenerationError(`the maze generation worker exited with code ${code} before answering`))
    }
    const onAbort = (): void => {
      done()
      job.reject(new GenerationError('maze generation was aborted', { cause: job.signal?.reason }))
      void worker.terminate()
    }
    job.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', onMessage)
    worker.once('error', onError)
    worker.once('exit', onExit)
    worker.postMessage({ width, height, seed } satisfies GenerateOptions)
  }
}
