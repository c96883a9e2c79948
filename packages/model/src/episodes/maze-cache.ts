import { Maze, type GenerateOptions } from '@maze-sim/maze'
import { GenerationError } from '../errors.ts'
import type { GeneratedMaze } from '../generate-in-worker.ts'
import { generationSeed } from './sealed.ts'

/** Generates a maze off the event loop (generateInWorker; tests pass a synchronous stand-in). */
export type GenerateMaze = (options: GenerateOptions, signal?: AbortSignal) => Promise<GeneratedMaze>

/** A maze ready to play, with its optimal start → key → exit length. */
export interface ReadyMaze {
  readonly maze: Maze
  readonly optimalSteps: number
}

export interface MazeCacheOptions {
  /** Mazes kept at most (0: none kept, concurrent requests still share one generation). */
  maxMazes: number
  /** Cells kept at most. */
  maxCells: number
  /** Generations running at once; the others wait in order. */
  maxGenerating: number
  generate: GenerateMaze
  /** Sealed mode's secret, mixed into the generation seed; undefined: the seed as it is. */
  secret?: string | undefined
  /** Called once by close(), e.g. to stop the generator's worker threads. */
  dispose?: () => void
}

/** What the cache holds now, for tests and GET /episodes. */
export interface MazeCacheStats {
  mazes: number
  cells: number
  generating: number
  queued: number
  /** Generations started since the cache was made. */
  generated: number
}

/**
 * The mazes of the episodes, by (seed, width, height): generated once in a worker however many
 * episodes ask (concurrent requests share the one generation in flight), kept in a bounded LRU
 * (count and cells) for the next ones. A maze is immutable, so episodes share it; one dropped from
 * the cache lives on as long as an episode plays it (those are bounded by the live limits).
 */
export class MazeCache {
  readonly #options: MazeCacheOptions
  // Map order is recency: a hit re-inserts its entry at the end; the first entry is dropped first.
  readonly #entries = new Map<string, ReadyMaze>()
  readonly #inflight = new Map<string, Promise<ReadyMaze>>()
  readonly #waiting: (() => void)[] = []
  readonly #aborter = new AbortController()
  #cells = 0
  #running = 0
  #generated = 0

  constructor(options: MazeCacheOptions) {
    this.#options = options
  }

  /** The maze if it is cached now (and marks it recently used). */
  peek(seed: number, width: number, height: number): ReadyMaze | undefined {
    const key = keyOf(seed, width, height)
    const hit = this.#entries.get(key)
    if (hit !== undefined) {
      this.#entries.delete(key)
      this.#entries.set(key, hit)
    }
    return hit
  }

  /**
   * Keeps a maze generated elsewhere (the classic routes' own), under the seed it says, unless one is
   * kept already. Ignored in sealed mode: no maze generated outside the episodes' domain of the
   * secret may be played as an episode's (the classic one is readable cell by cell at /maze/pos).
   */
  offer(ready: ReadyMaze): void {
    if (this.#options.secret !== undefined) return
    const { seed, width, height } = ready.maze
    const key = keyOf(seed, width, height)
    if (!this.#entries.has(key)) this.#keep(key, ready)
  }

  /** The maze: cached, or the generation in flight, or a new one. Rejects with a GenerationError. */
  get(seed: number, width: number, height: number): Promise<ReadyMaze> {
    const hit = this.peek(seed, width, height)
    if (hit !== undefined) return Promise.resolve(hit)
    const key = keyOf(seed, width, height)
    let pending = this.#inflight.get(key)
    if (pending === undefined) {
      pending = this.#generate(seed, width, height).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, pending)
      // Every caller handles the rejection; this copy must not be reported as unhandled.
      pending.catch(() => {})
    }
    return pending
  }

  stats(): MazeCacheStats {
    return {
      mazes: this.#entries.size,
      cells: this.#cells,
      generating: this.#running,
      queued: this.#waiting.length,
      generated: this.#generated,
    }
  }

  /** Stops: generations in flight are terminated, waiting ones rejected, the cache emptied. */
  close(): void {
    this.#aborter.abort(new Error('the model is closing'))
    for (const wake of this.#waiting.splice(0)) wake()
    this.#entries.clear()
    this.#cells = 0
    this.#options.dispose?.()
  }

  async #generate(seed: number, width: number, height: number): Promise<ReadyMaze> {
    const signal = this.#aborter.signal
    await this.#acquire()
    try {
      if (signal.aborted) throw new GenerationError('maze generation was aborted', { cause: signal.reason })
      this.#generated++
      const { secret } = this.#options
      const generated = await this.#options.generate({ width, height, seed: generationSeed(seed, secret) }, signal)
      // In sealed mode the maze says the seed it was asked for, not the mixed one.
      const maze = secret === undefined ? generated.maze : new Maze({ ...generated.maze.toData(), seed })
      const ready: ReadyMaze = { maze, optimalSteps: generated.optimalSteps }
      this.#keep(keyOf(seed, width, height), ready)
      return ready
    } finally {
      this.#release()
    }
  }

  // A slot among maxGenerating; a finished generation hands its slot to the next waiting one.
  async #acquire(): Promise<void> {
    if (this.#running < this.#options.maxGenerating) {
      this.#running++
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  #release(): void {
    const next = this.#waiting.shift()
    if (next !== undefined) next()
    else this.#running--
  }

  #keep(key: string, ready: ReadyMaze): void {
    const { maxMazes, maxCells } = this.#options
    const cells = ready.maze.area
    if (maxMazes === 0 || cells > maxCells) return
    this.#entries.set(key, ready)
    this.#cells += cells
    // Bounded: each turn drops one entry, and there are at most maxMazes + 1.
    for (const [oldKey, old] of this.#entries) {
      if (this.#entries.size <= maxMazes && this.#cells <= maxCells) break
      this.#entries.delete(oldKey)
      this.#cells -= old.maze.area
    }
  }
}

const keyOf = (seed: number, width: number, height: number): string => `${seed}:${width}x${height}`
