import { MAX_AREA, MIN_AREA } from '@maze-sim/maze'

/**
 * What the episodes routes let clients make the model hold, and for how long. Every field has a
 * safe default (DEFAULT_EPISODE_LIMITS); `validateEpisodeLimits` checks a partial override.
 *
 * Memory, whatever clients do: live episodes hold at most `maxLiveCells` cells of maze (1 byte
 * each) plus their replays (2 bits per step, at most maxSteps / 4 bytes, and maxSteps is at most
 * 20 per cell + 1000), ended ones at most `maxEndedCells`, the cache at most `maxCachedCells`.
 */
export interface EpisodeLimits {
  /** Episodes generating or running at once; past it POST /episodes is 429 with Retry-After. */
  maxLive: number
  /** Cells (width x height, summed over live episodes, shared mazes counted each time) at once; past it 429. */
  maxLiveCells: number
  /** Largest maze an episode may ask for, in cells (and within the size rule of @maze-sim/maze). */
  maxArea: number
  /** Largest `maxSteps` a client may ask for (the default is min(this, 20 x cells + 1000)). */
  maxSteps: number
  /** A running episode that receives no moves for this long is abandoned and freed (ms). */
  idleMs: number
  /** Ended episodes kept for GET /episodes/:id and the replay (oldest dropped first). */
  maxEnded: number
  /** Cells of the mazes of the ended episodes kept (oldest dropped first past it). */
  maxEndedCells: number
  /** Moves in one POST /episodes/:id/moves. */
  maxMovesPerRequest: number
  /** Bytes of one request body on the episodes routes (413 past it). */
  maxBodyBytes: number
  /** Generated mazes kept for reuse by (seed, width, height), least recently used dropped first. */
  maxCachedMazes: number
  /** Cells of the cached mazes. */
  maxCachedCells: number
  /** Worker threads generating at once; other generations wait their turn. */
  maxGenerating: number
  /** Mazes up to this many cells are awaited (201); larger uncached ones answer 202 at once. */
  waitArea: number
}

/** The defaults: an 80 x 20 episode costs 1,600 cells, so they leave room for hundreds at once. */
export const DEFAULT_EPISODE_LIMITS: Readonly<EpisodeLimits> = Object.freeze({
  maxLive: 256,
  maxLiveCells: 32_000_000,
  maxArea: 1_000_000,
  maxSteps: 4_000_000,
  idleMs: 300_000,
  maxEnded: 1000,
  maxEndedCells: 16_000_000,
  maxMovesPerRequest: 10_000,
  maxBodyBytes: 256 * 1024,
  maxCachedMazes: 64,
  maxCachedCells: 16_000_000,
  maxGenerating: 2,
  waitArea: 250_000,
})

/** The proposed environment variable of each limit (read by config.ts, not here). */
export const EPISODE_LIMIT_ENV_VARS: Readonly<Record<keyof EpisodeLimits, string>> = Object.freeze({
  maxLive: 'EPISODES_MAX_LIVE',
  maxLiveCells: 'EPISODES_MAX_LIVE_CELLS',
  maxArea: 'EPISODES_MAX_AREA',
  maxSteps: 'EPISODES_MAX_STEPS',
  idleMs: 'EPISODES_IDLE_MS',
  maxEnded: 'EPISODES_MAX_ENDED',
  maxEndedCells: 'EPISODES_MAX_ENDED_CELLS',
  maxMovesPerRequest: 'EPISODES_MAX_MOVES_PER_REQUEST',
  maxBodyBytes: 'EPISODES_MAX_BODY_BYTES',
  maxCachedMazes: 'EPISODES_MAX_CACHED_MAZES',
  maxCachedCells: 'EPISODES_MAX_CACHED_CELLS',
  maxGenerating: 'EPISODES_MAX_GENERATING',
  waitArea: 'EPISODES_WAIT_AREA',
})

/** The allowed range of each limit (inclusive). */
export const EPISODE_LIMIT_RANGES: Readonly<Record<keyof EpisodeLimits, readonly [number, number]>> = Object.freeze({
  maxLive: [1, 100_000],
  maxLiveCells: [MIN_AREA, 1_000_000_000],
  maxArea: [MIN_AREA, MAX_AREA],
  maxSteps: [1, 1_000_000_000],
  idleMs: [100, 86_400_000],
  maxEnded: [0, 1_000_000],
  maxEndedCells: [0, 1_000_000_000],
  maxMovesPerRequest: [1, 1_000_000],
  maxBodyBytes: [1024, 64 * 1024 * 1024],
  maxCachedMazes: [0, 100_000],
  maxCachedCells: [0, 1_000_000_000],
  maxGenerating: [1, 64],
  waitArea: [0, MAX_AREA],
})

/**
 * Every problem with `overrides` (one message per bad field, naming it and its range); empty when
 * they are valid. Also checks that one largest maze fits the live cells.
 */
export function episodeLimitsProblems(overrides: Partial<Record<keyof EpisodeLimits, unknown>>): string[] {
  const problems: string[] = []
  for (const [name, value] of Object.entries(overrides) as [keyof EpisodeLimits, unknown][]) {
    const range = EPISODE_LIMIT_RANGES[name]
    if (range === undefined) {
      problems.push(`${name} is not an episode limit (known: ${Object.keys(EPISODE_LIMIT_RANGES).join(', ')})`)
      continue
    }
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range[0] || value > range[1]) {
      problems.push(`${name} must be an integer from ${range[0]} to ${range[1]}, got ${String(value)}`)
    }
  }
  if (problems.length === 0) {
    const limits = { ...DEFAULT_EPISODE_LIMITS, ...definedOnly(overrides) } as EpisodeLimits
    if (limits.maxArea > limits.maxLiveCells) {
      problems.push(`maxArea (${limits.maxArea}) must be at most maxLiveCells (${limits.maxLiveCells}): one largest episode must fit`)
    }
  }
  return problems
}

/** The defaults with `overrides` applied; throws a RangeError listing every problem. */
export function validateEpisodeLimits(overrides: Partial<EpisodeLimits> = {}): EpisodeLimits {
  const problems = episodeLimitsProblems(overrides)
  if (problems.length > 0) throw new RangeError(`bad episode limits:\n${problems.join('\n')}`)
  return Object.freeze({ ...DEFAULT_EPISODE_LIMITS, ...definedOnly(overrides) }) as EpisodeLimits
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** How often the idle sweep runs: a quarter of the idle time, within 50 ms..10 s. */
export const sweepIntervalMs = (limits: EpisodeLimits): number => Math.min(10_000, Math.max(50, Math.floor(limits.idleMs / 4)))

/** Episodes reaped in one sweep at most: the rest wait for the next tick (bounded work per tick). */
export const SWEEP_BATCH = 1000
