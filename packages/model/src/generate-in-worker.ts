import { Worker } from 'node:worker_threads'
import { generateMaze, Maze, solve, type GenerateOptions, type MazeData } from '@maze-sim/maze'
import { GenerationError } from './errors.ts'

/** What the worker posts back. */
export interface WorkerResult {
  data: MazeData
  optimalSteps: number
  generationMs: number
}

/** A maze generated off the main thread, with its optimal S→K→E length. */
export interface GeneratedMaze {
  maze: Maze
  optimalSteps: number
  /** Time spent generating and solving, in the worker. */
  generationMs: number
}

const WORKER_URL = new URL('./generate-worker.ts', import.meta.url)

/**
 * Generates and solves a maze in a worker thread, so the event loop keeps answering (503) while a
 * 10,000 x 10,000 maze takes seconds. The walls buffer is transferred back, not copied.
 * Rejects with a GenerationError (code MAZE_ERR_GENERATION, original error as `cause`) when the
 * worker fails or exits early; aborting `signal` terminates the worker.
 */
export function generateInWorker(options: GenerateOptions, signal?: AbortSignal): Promise<GeneratedMaze> {
  const { width, height, seed } = options
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GenerationError('maze generation was aborted', { cause: signal.reason }))
      return
    }
    const worker = new Worker(WORKER_URL, { workerData: { width, height, seed } satisfies GenerateOptions })
    let settled = false
    const settle = (fn: () => void): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = (): void => {
      settle(() => reject(new GenerationError('maze generation was aborted', { cause: signal?.reason })))
      void worker.terminate()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.once('message', (result: WorkerResult) => {
      settle(() => {
        try {
          resolve({ maze: new Maze(result.data), optimalSteps: result.optimalSteps, generationMs: result.generationMs })
        } catch (error) {
          reject(new GenerationError(`the generated ${width}x${height} maze is invalid`, { cause: error }))
        }
      })
    })
    worker.once('error', (error) => {
      settle(() =>
        // The worker's error is the cause; loggers print its message after ours.
        reject(new GenerationError(`generating the ${width}x${height} maze with seed ${seed} failed`, { cause: error })),
      )
    })
    worker.once('exit', (code) => {
      settle(() => reject(new GenerationError(`the maze generation worker exited with code ${code} before answering`)))
    })
  })
}

/**
 * Mazes of at most this many cells are generated on the calling thread: it takes less time (80 x 20:
 * about 7 ms in a fresh process, 200 x 100 about 20 ms) than starting a worker thread, a Node.js
 * instance of its own (30 to 50 ms, and the CPU time of a second thread loading the maze package).
 */
export const INLINE_MAX_CELLS = 20_000

/**
 * Generates and solves a maze: on this thread, in a microtask (not in the caller's stack), when it
 * has at most {@link INLINE_MAX_CELLS} cells, else in a worker thread ({@link generateInWorker}). The
 * same promise either way, rejected with a GenerationError when generation fails or `signal` aborted.
 */
export function generateInWorkerOrInline(options: GenerateOptions, signal?: AbortSignal): Promise<GeneratedMaze> {
  const { width, height, seed } = options
  if (!(width * height <= INLINE_MAX_CELLS)) return generateInWorker(options, signal)
  return Promise.resolve().then(() => {
    if (signal?.aborted) throw new GenerationError('maze generation was aborted', { cause: signal.reason })
    const started = performance.now()
    try {
      const maze = generateMaze({ width, height, seed })
      const { optimalSteps } = solve(maze)
      return { maze, optimalSteps, generationMs: performance.now() - started }
    } catch (error) {
      throw new GenerationError(`generating the ${width}x${height} maze with seed ${seed} failed`, { cause: error })
    }
  })
}
