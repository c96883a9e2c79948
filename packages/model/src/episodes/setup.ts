import type { FastifyBaseLogger } from 'fastify'
import { GenerationPool } from '../generation-pool.ts'
import { type EpisodeLimits, validateEpisodeLimits } from './limits.ts'
import { type GenerateMaze, MazeCache } from './maze-cache.ts'
import { type LineWriter, stdoutLineWriter } from './referee-log.ts'
import { EpisodeRegistry } from './registry.ts'
import type { SealedSettings } from './sealed.ts'

/** `BuildAppOptions.episodes`: every field optional. */
export interface EpisodesOptions {
  /** Overrides of DEFAULT_EPISODE_LIMITS (validated: a bad value throws a RangeError naming it). */
  limits?: Partial<EpisodeLimits>
  /** The size of an episode that asks for none (startModel passes the model's size; default 80 x 20). */
  defaultSize?: { width: number; height: number }
  /** Where the referee's result lines go (default: stdout, through the logger's destination when it logs there). */
  writeResult?: LineWriter
  /** The clock of the idle sweep and the records' times (ms; default Date.now). */
  now?: () => number
  /** Run the idle sweep on its own timer (default true; tests may call `registry.sweep()` instead). */
  sweepTimer?: boolean
  /** The maze generator (default: a pool of `maxGenerating` worker threads, off the event loop). */
  generate?: GenerateMaze
}

/** The registry of the episodes, with its maze cache, from the app's options. */
export function createEpisodeRegistry(
  options: EpisodesOptions,
  sealed: SealedSettings | undefined,
  logger: FastifyBaseLogger,
): EpisodeRegistry {
  const limits = validateEpisodeLimits(options.limits)
  const pool = options.generate === undefined ? new GenerationPool(limits.maxGenerating) : undefined
  const cache = new MazeCache({
    maxMazes: limits.maxCachedMazes,
    maxCells: limits.maxCachedCells,
    maxGenerating: limits.maxGenerating,
    generate: options.generate ?? pool!.generate,
    secret: sealed?.secret,
    ...(pool !== undefined ? { dispose: () => void pool.close() } : {}),
  })
  return new EpisodeRegistry({
    limits,
    cache,
    writeResult: options.writeResult ?? stdoutLineWriter(logger),
    logger,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.sweepTimer !== undefined ? { sweepTimer: options.sweepTimer } : {}),
  })
}
