import { randomBytes } from 'node:crypto'
import { Episode, EpisodeStatus, type Direction, type MoveResult, type ReplayEntry } from '@maze-sim/maze'
import type { FastifyBaseLogger } from 'fastify'
import { clipped, HttpError, ModelErrorCode } from '../errors.ts'
import { SWEEP_BATCH, sweepIntervalMs, type EpisodeLimits } from './limits.ts'
import type { MazeCache, ReadyMaze } from './maze-cache.ts'
import type { LineWriter } from './referee-log.ts'

/** `generating` (the maze is being made), then the domain's running, solved, unsolved or abandoned. */
export type EpisodeState = 'generating' | EpisodeStatus

/** The referee's record on the wire (GET /episodes/:id), in the contract's order. */
export interface EpisodeRecordJson {
  id: string
  /** Null while withheld (sealed mode, running). */
  seed: number | null
  width: number
  height: number
  agent: string | null
  status: EpisodeState
  /** Null while generating. */
  x: number | null
  y: number | null
  steps: number
  keyStep: number | null
  bumps: number
  maxSteps: number
  /** Null while generating, or withheld (sealed mode, running). */
  optimalSteps: number | null
  /** ISO 8601 (UTC, ms): when POST /episodes created it. */
  startedAt: string
  /** ISO 8601 when it ended, null until then. */
  endedAt: string | null
}

/** What POST /episodes asks for, already validated. */
export interface CreateEpisode {
  seed: number
  width: number
  height: number
  maxSteps: number
  agent: string | null
}

/** One hosted episode. Its maze is shared (through the cache) and its replay is 2 bits per step. */
export class EpisodeEntry {
  readonly id: string
  readonly seed: number
  readonly width: number
  readonly height: number
  readonly agent: string | null
  readonly maxSteps: number
  readonly startedAt: number
  endedAt: number | null = null
  /** Undefined while the maze is being generated. */
  episode: Episode | undefined = undefined
  /** Set when it ended before its maze was ready (abandoned while generating). */
  endedWhileGenerating = false
  /** Moves, creation and readiness count as activity; the idle sweep abandons one without any for idleMs. */
  lastActive: number

  constructor(id: string, params: CreateEpisode, now: number) {
    this.id = id
    this.seed = params.seed
    this.width = params.width
    this.height = params.height
    this.agent = params.agent
    this.maxSteps = params.maxSteps
    this.startedAt = now
    this.lastActive = now
  }

  get area(): number {
    return this.width * this.height
  }

  get status(): EpisodeState {
    if (this.episode !== undefined) return this.episode.status
    return this.endedWhileGenerating ? EpisodeStatus.Abandoned : 'generating'
  }

  get ended(): boolean {
    return this.endedAt !== null
  }

  /** The record; `reveal: false` withholds seed and optimalSteps (sealed mode, before the end). */
  record(reveal: boolean): EpisodeRecordJson {
    const e = this.episode
    return {
      id: this.id,
      seed: reveal ? this.seed : null,
      width: this.width,
      height: this.height,
      agent: this.agent,
      status: this.status,
      x: e === undefined ? null : e.x,
      y: e === undefined ? null : e.y,
      steps: e === undefined ? 0 : e.steps,
      keyStep: e === undefined ? null : e.keyStep,
      bumps: e === undefined ? 0 : e.bumps,
      maxSteps: this.maxSteps,
      optimalSteps: reveal && e !== undefined ? e.optimalSteps : null,
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: this.endedAt === null ? null : new Date(this.endedAt).toISOString(),
    }
  }

  /** The applied moves so far (a snapshot); none while generating. */
  replay(): Iterator<ReplayEntry> {
    return this.episode === undefined ? [][Symbol.iterator]() : this.episode.replay()
  }
}

export interface EpisodeRegistryOptions {
  limits: EpisodeLimits
  cache: MazeCache
  /** Where the referee's result line of each ended episode goes (the program: stdout). */
  writeResult: LineWriter
  logger?: FastifyBaseLogger | undefined
  /** The clock (ms); tests pass their own to drive the idle sweep. */
  now?: () => number
  /** Run the idle sweep on a timer (default true; tests call `sweep()` themselves). */
  sweepTimer?: boolean
}

/** Counts for GET /episodes and tests. */
export interface RegistryStats {
  live: number
  liveCells: number
  ended: number
  endedCells: number
}

const ID_PATTERN = /^[A-Za-z0-9_-]{16}$/

/**
 * Told about every change of the hosted episodes (the live view sets one while someone watches).
 * Called synchronously on the request path: implementations must be O(1) and must not throw.
 */
export interface EpisodeListener {
  /** Created, its maze became ready, it ended (any way) or it was freed. */
  changed(entry: EpisodeEntry): void
  /** `result` was applied (called before the episode's end, when these moves end it). */
  moved(entry: EpisodeEntry, result: MoveResult): void
}

/**
 * The episodes the model hosts: live ones (generating or running) within `maxLive` and
 * `maxLiveCells`, ended ones kept within `maxEnded` and `maxEndedCells` for GET and the replay.
 * A running episode without moves for `idleMs` is abandoned by a sweep (an unref'd timer, at most
 * SWEEP_BATCH per tick). Every end writes the referee's result as one JSON line.
 */
export class EpisodeRegistry {
  readonly limits: EpisodeLimits
  readonly #cache: MazeCache
  readonly #writeResult: LineWriter
  readonly #logger: FastifyBaseLogger | undefined
  readonly #now: () => number
  // Live episodes in order of last activity (a touch re-inserts), so the sweep stops at the first fresh one.
  readonly #live = new Map<string, EpisodeEntry>()
  // Ended episodes in order of their end, the oldest dropped first.
  readonly #ended = new Map<string, EpisodeEntry>()
  #liveCells = 0
  #endedCells = 0
  #timer: NodeJS.Timeout | undefined
  #closed = false
  /**
   * Set while something watches (the live view, only while it has viewers): with none, a move
   * costs one comparison more and allocates nothing.
   */
  listener: EpisodeListener | undefined = undefined

  constructor(options: EpisodeRegistryOptions) {
    this.limits = options.limits
    this.#cache = options.cache
    this.#writeResult = options.writeResult
    this.#logger = options.logger
    this.#now = options.now ?? Date.now
    if (options.sweepTimer !== false) {
      this.#timer = setInterval(() => this.sweep(), sweepIntervalMs(this.limits))
      // The sweep never keeps the process alive.
      this.#timer.unref()
    }
  }

  stats(): RegistryStats {
    return { live: this.#live.size, liveCells: this.#liveCells, ended: this.#ended.size, endedCells: this.#endedCells }
  }

  get cache(): MazeCache {
    return this.#cache
  }

  /**
   * Hosts a new episode: running at once when its maze is cached, else `generating` until `ready`
   * settles. Throws 429 past the live limits.
   */
  create(params: CreateEpisode): { entry: EpisodeEntry; ready: Promise<void> | undefined } {
    const { maxLive, maxLiveCells } = this.limits
    const area = params.width * params.height
    if (this.#closed) throw this.#full('the model is closing')
    if (this.#live.size >= maxLive) throw this.#full(`the model hosts ${maxLive} live episodes, its limit`)
    if (this.#liveCells + area > maxLiveCells) {
      throw this.#full(
        `the live episodes hold ${this.#liveCells} of ${maxLiveCells} cells; this ${params.width}x${params.height} one does not fit`,
      )
    }
    const entry = new EpisodeEntry(newId(), params, this.#now())
    this.#live.set(entry.id, entry)
    this.#liveCells += area
    this.listener?.changed(entry)
    const cached = this.#cache.peek(params.seed, params.width, params.height)
    if (cached !== undefined) {
      this.#attach(entry, cached)
      return { entry, ready: undefined }
    }
    const ready = this.#cache.get(params.seed, params.width, params.height).then(
      (maze) => this.#attach(entry, maze),
      (error: unknown) => {
        // Not the client's fault and not a crash: the episode ends abandoned, the error is logged.
        if (!this.#closed) this.#logger?.error({ err: error, episode: entry.id }, 'episode maze generation failed')
        if (!entry.ended) {
          entry.endedWhileGenerating = true
          this.#finish(entry)
        }
      },
    )
    return { entry, ready }
  }

  /** The live or kept episode, or undefined (also for any string that is not an id). */
  find(id: string): EpisodeEntry | undefined {
    if (!ID_PATTERN.test(id)) return undefined
    return this.#live.get(id) ?? this.#ended.get(id)
  }

  /** The episode or 404 MAZE_ERR_EPISODE_NOT_FOUND. */
  get(id: string): EpisodeEntry {
    const entry = this.find(id)
    if (entry === undefined) {
      throw new HttpError(
        404,
        ModelErrorCode.EpisodeNotFound,
        `no episode ${JSON.stringify(clipped(id))}: never created, or ended and no longer kept (see GET /episodes)`,
      )
    }
    return entry
  }

  /** Applies moves to a running episode: 409 once ended or while generating. Ends it when the moves do. */
  move(entry: EpisodeEntry, directions: readonly Direction[]): MoveResult {
    const episode = entry.episode
    if (entry.ended || episode === undefined) {
      if (entry.ended) {
        throw new HttpError(
          409,
          ModelErrorCode.EpisodeEnded,
          `the episode has ended (${entry.status}) after ${episode?.steps ?? 0} steps: it takes no more moves`,
        )
      }
      throw new HttpError(
        409,
        ModelErrorCode.EpisodeGenerating,
        'the maze of this episode is still being generated; retry after Retry-After',
        {
          headers: { 'retry-after': '1' },
        },
      )
    }
    const result = episode.move(directions)
    this.#touch(entry)
    this.listener?.moved(entry, result)
    if (episode.done) this.#finish(entry)
    return result
  }

  /** DELETE: a live episode is abandoned (its result written) and freed; a kept ended one is freed. */
  delete(entry: EpisodeEntry): void {
    this.#abandon(entry)
    if (this.#ended.delete(entry.id)) {
      this.#endedCells -= entry.area
      this.listener?.changed(entry)
    }
  }

  /** Live and kept ended episodes, newest first, at most `limit`. */
  list(limit: number): EpisodeEntry[] {
    // At most maxLive + maxEnded entries; both maps are bounded.
    const all = [...this.#live.values(), ...this.#ended.values()]
    all.sort((a, b) => b.startedAt - a.startedAt)
    return all.slice(0, limit)
  }

  /** Seconds until the first live episode could be reaped (for Retry-After), within 1..60. */
  retryAfterSeconds(): number {
    const now = this.#now()
    for (const entry of this.#live.values()) {
      if (entry.episode === undefined) continue
      return Math.min(60, Math.max(1, Math.ceil((entry.lastActive + this.limits.idleMs - now) / 1000)))
    }
    return 1
  }

  /** Abandons running episodes idle for `idleMs` or more, at most SWEEP_BATCH; returns how many. */
  sweep(): number {
    const deadline = this.#now() - this.limits.idleMs
    const idle: EpisodeEntry[] = []
    let seen = 0
    for (const entry of this.#live.values()) {
      if (entry.lastActive > deadline || ++seen > SWEEP_BATCH) break
      // A generating episode is not idle: its clock starts when its maze is ready.
      if (entry.episode !== undefined) idle.push(entry)
    }
    for (const entry of idle) this.#abandon(entry)
    if (idle.length > 0) this.#logger?.info({ reaped: idle.length, idleMs: this.limits.idleMs }, 'idle episodes abandoned')
    return idle.length
  }

  /** Stops the sweep, abandons every live episode (each writes its result), stops generating. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    // Bounded by maxLive.
    for (const entry of [...this.#live.values()]) this.#abandon(entry)
    this.#cache.close()
  }

  #attach(entry: EpisodeEntry, ready: ReadyMaze): void {
    if (entry.ended) return // abandoned while generating
    entry.episode = new Episode({ maze: ready.maze, maxSteps: entry.maxSteps, optimalSteps: ready.optimalSteps })
    this.#touch(entry)
    this.listener?.changed(entry)
  }

  #touch(entry: EpisodeEntry): void {
    entry.lastActive = this.#now()
    this.#live.delete(entry.id)
    this.#live.set(entry.id, entry)
  }

  #abandon(entry: EpisodeEntry): void {
    if (entry.ended) return
    if (entry.episode === undefined) entry.endedWhileGenerating = true
    else entry.episode.abandon()
    this.#finish(entry)
  }

  // The end of a live episode: out of the live set, the result line written, kept for GET.
  #finish(entry: EpisodeEntry): void {
    entry.endedAt = this.#now()
    if (this.#live.delete(entry.id)) this.#liveCells -= entry.area
    const line = `${JSON.stringify({ ...entry.record(true), elapsedMs: entry.endedAt - entry.startedAt })}\n`
    try {
      this.#writeResult(line)
    } catch (error) {
      this.#logger?.error({ err: error, episode: entry.id }, 'could not write the episode result')
    }
    this.listener?.changed(entry)
    const { maxEnded, maxEndedCells } = this.limits
    if (maxEnded === 0 || entry.area > maxEndedCells) return
    this.#ended.set(entry.id, entry)
    this.#endedCells += entry.area
    // Bounded: each turn drops one entry, and there are at most maxEnded + 1.
    for (const [id, old] of this.#ended) {
      if (this.#ended.size <= maxEnded && this.#endedCells <= maxEndedCells) break
      this.#ended.delete(id)
      this.#endedCells -= old.area
    }
  }

  #full(message: string): HttpError {
    return new HttpError(
      429,
      ModelErrorCode.TooManyEpisodes,
      `${message}; retry after Retry-After, or end an episode (DELETE /episodes/:id)`,
      {
        headers: { 'retry-after': String(this.retryAfterSeconds()) },
      },
    )
  }
}

/** 96 random bits, URL-safe: ids are unguessable, so one client cannot move another's episode by guessing. */
const newId = (): string => randomBytes(12).toString('base64url')
