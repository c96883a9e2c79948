import { randomInt } from 'node:crypto'
import {
  boolean,
  ConfigProblems,
  duration,
  help,
  helpRows,
  integer,
  oneOf,
  read,
  string,
  type Env as ConfigEnv,
  type Rule,
  type Values,
} from '@maze-sim/config'
import { DEFAULT_PORT, DEFAULT_SIZE, MAX_SEED, MAX_SIDE, SIZE_RULE, sizeProblem } from '@maze-sim/maze'
import {
  DEFAULT_EPISODE_LIMITS,
  EPISODE_LIMIT_ENV_VARS,
  EPISODE_LIMIT_RANGES,
  episodeLimitsProblems,
  type EpisodeLimits,
} from './episodes/limits.ts'
import { SEALED_ENV_VARS, sealedProblems, type SealedSettings } from './episodes/sealed.ts'
import { ConfigError } from './errors.ts'

/** Pino/fastify log levels accepted in LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The typed configuration of the maze-model program. */
export interface ModelConfig {
  port: number
  host: string
  width: number
  height: number
  /** Unsigned 32-bit seed of the maze. */
  seed: number
  /** True when MAZE_SEED was unset and the seed was drawn at random (it is logged at start). */
  seedWasRandom: boolean
  logLevel: LogLevel
  /** Log one line per request (off by default: the /maze/pos hot path serves tens of thousands per second). */
  logRequests: boolean
  /** How long a graceful shutdown may take before open connections are cut. */
  shutdownTimeoutMs: number
  /** How long a client may take to send a whole request (headers and body) before it is answered 408 and closed. */
  requestTimeoutMs: number
  /**
   * How long a connection may make no progress (nothing received, nothing sent) before its first
   * request and while a request is in flight; between requests the keep-alive time (72 s) applies.
   */
  idleTimeoutMs: number
  /** What the episodes routes let clients make the model hold (EPISODES_*). */
  episodeLimits: EpisodeLimits
  /** Sealed mode (MODEL_SEALED=true), with its secret and viewer token; undefined when off. */
  sealed: SealedSettings | undefined
}

/** One environment variable: its default and what it accepts, for `--help` and error messages. */
export interface EnvVarDoc {
  name: string
  default: string
  allowed: string
  description: string
}

/** Defaults and range of REQUEST_TIMEOUT_MS and IDLE_TIMEOUT_MS: no limit is never safe, so 0 is refused. */
export const REQUEST_TIMEOUT_DEFAULT_MS = 30_000
export const IDLE_TIMEOUT_DEFAULT_MS = 30_000
const TIMEOUT_MIN_MS = 100
const TIMEOUT_MAX_MS = 3_600_000

/** One episode limit as an option: its variable, range and default live in episodes/limits.ts. */
const limit = (key: keyof EpisodeLimits, description: string) =>
  integer({
    env: EPISODE_LIMIT_ENV_VARS[key],
    min: EPISODE_LIMIT_RANGES[key][0],
    max: EPISODE_LIMIT_RANGES[key][1],
    default: DEFAULT_EPISODE_LIMITS[key],
    description,
  })

/**
 * Every setting of the program, in the order `--help` prints them: the one table of its defaults
 * (`npm start` reuses the size, seed and port from here). Read by @maze-sim/config's rules.
 */
export const MODEL_OPTIONS = {
  port: integer({
    env: 'PORT',
    min: 0,
    max: 65535,
    default: DEFAULT_PORT,
    allowed: 'an integer from 0 to 65535 (0: any free port)',
    description: 'TCP port to listen on',
  }),
  host: string({
    env: 'HOST',
    default: '0.0.0.0',
    allowed: 'a host name or IP address',
    check: (host) => !/\s/.test(host),
    description: 'address to listen on (all interfaces, as the original)',
  }),
  width: integer({
    env: 'MAZE_WIDTH',
    min: 1,
    max: MAX_SIDE,
    default: DEFAULT_SIZE.width,
    allowed: SIZE_RULE,
    description: 'maze width in cells',
  }),
  height: integer({
    env: 'MAZE_HEIGHT',
    min: 1,
    max: MAX_SIDE,
    default: DEFAULT_SIZE.height,
    allowed: SIZE_RULE,
    description: 'maze height in cells',
  }),
  seed: integer({
    env: 'MAZE_SEED',
    min: 0,
    max: MAX_SEED,
    default: null,
    defaultText: '(random)',
    description: 'seed: the same seed and size give the same maze; random when unset, always logged',
  }),
  logLevel: oneOf(LOG_LEVELS, { env: 'LOG_LEVEL', default: 'info', description: 'log level of the JSON-lines logger' }),
  logRequests: boolean({ env: 'LOG_REQUESTS', description: 'log every request and response' }),
  shutdownTimeoutMs: duration({
    env: 'SHUTDOWN_TIMEOUT_MS',
    min: 0,
    max: 600_000,
    default: 10_000,
    description: 'on SIGTERM/SIGINT, how long in-flight requests may take before connections are cut',
  }),
  requestTimeoutMs: duration({
    env: 'REQUEST_TIMEOUT_MS',
    min: TIMEOUT_MIN_MS,
    max: TIMEOUT_MAX_MS,
    default: REQUEST_TIMEOUT_DEFAULT_MS,
    // A POST /maze/map walk of hundreds of MB over a slow link needs more (see the README's Bounds).
    description: 'how long a client may take to send a whole request, headers and body (then 408, connection closed)',
  }),
  idleTimeoutMs: duration({
    env: 'IDLE_TIMEOUT_MS',
    min: TIMEOUT_MIN_MS,
    max: TIMEOUT_MAX_MS,
    default: IDLE_TIMEOUT_DEFAULT_MS,
    description:
      'how long a connection may make no progress (nothing received or sent) before its first request and while a request is in flight, ' +
      'its body arriving or its answer being sent (e.g. not read); then 408 if the request waits for its body, else closed. ' +
      'Between requests a keep-alive connection may idle 72 s instead',
  }),
  maxLive: limit('maxLive', 'episodes generating or running at once (then POST /episodes is 429 + Retry-After)'),
  maxLiveCells: limit('maxLiveCells', 'cells of all live episodes together (then 429)'),
  maxArea: limit('maxArea', 'largest maze an episode may ask for, in cells'),
  maxSteps: limit('maxSteps', 'largest step limit an episode may ask for'),
  idleMs: limit('idleMs', 'a running episode that gets no move for this long is abandoned and freed (ms)'),
  maxEnded: limit('maxEnded', 'ended episodes kept for their record and replay (oldest dropped first)'),
  maxEndedCells: limit('maxEndedCells', 'cells of the mazes of the ended episodes kept'),
  maxMovesPerRequest: limit('maxMovesPerRequest', 'moves in one POST /episodes/:id/moves'),
  maxBodyBytes: limit('maxBodyBytes', 'bytes of one request body on the episodes routes (then 413)'),
  maxCachedMazes: limit('maxCachedMazes', 'generated mazes kept for reuse by (seed, size)'),
  maxCachedCells: limit('maxCachedCells', 'cells of the cached mazes'),
  maxGenerating: limit('maxGenerating', 'worker threads generating episode mazes at once'),
  waitArea: limit('waitArea', 'mazes up to this many cells are awaited (201); larger new ones answer 202 at once'),
  sealed: boolean({
    env: SEALED_ENV_VARS.sealed,
    description: 'sealed mode: agents learn only what they sense (seed and optimal steps withheld, whole-maze views need the viewer token)',
  }),
  sealedSecret: string({
    env: SEALED_ENV_VARS.secret,
    default: null,
    allowed: 'at least 16 characters, required when sealed',
    description: 'sealed mode: the secret mixed into every generation seed, so a seed no longer gives the maze away',
  }),
  viewerToken: string({
    env: SEALED_ENV_VARS.viewerToken,
    default: null,
    description: 'sealed mode: opens the maps, the live view and running replays to whoever presents it (unset: closed to all)',
  }),
} as const

/** Sealed mode needs its secret; the episode limits must fit together (one largest maze in the live cells). */
const SEALED_NEEDS_SECRET: Rule<Pick<typeof MODEL_OPTIONS, 'sealed' | 'sealedSecret'>> = {
  keys: ['sealed', 'sealedSecret'],
  problem: ({ sealed, sealedSecret }) => {
    if (!sealed) return null
    const problems = sealedProblems({ secret: sealedSecret ?? '' })
    return problems.length === 0 ? null : problems.join('; ')
  },
}
const LIMITS_TOGETHER: Rule<Pick<typeof MODEL_OPTIONS, 'maxArea' | 'maxLiveCells'>> = {
  keys: ['maxArea', 'maxLiveCells'],
  problem: ({ maxArea, maxLiveCells }) => {
    const problems = episodeLimitsProblems({ maxArea, maxLiveCells })
    return problems.length === 0 ? null : problems.join('; ')
  },
}

/** The maze's one size rule on both sides together (each side alone is checked by its option). */
export const SIZE_TOGETHER: Rule<Pick<typeof MODEL_OPTIONS, 'width' | 'height'>> = {
  keys: ['width', 'height'],
  problem: ({ width, height }) => sizeProblem(width, height),
}

/** Every environment variable the program reads, in the order `--help` prints them (from {@link MODEL_OPTIONS}). */
export const ENV_VARS: readonly EnvVarDoc[] = helpRows(MODEL_OPTIONS).map((row) => ({
  name: row.env ?? '',
  default: row.default ?? '',
  allowed: row.allowed ?? '',
  description: row.description,
}))

/** The environment as the program sees it (process.env, or a plain object in tests). */
export type Env = ConfigEnv

/**
 * Reads and validates the program's configuration from `env`; the only reader of `process.env`.
 * Throws a {@link ConfigError} (code MAZE_ERR_CONFIG) listing every bad variable, not just the first.
 * The rules are @maze-sim/config's: an empty variable counts as unset, a blank one is refused.
 */
export function readModelConfig(env: Env = process.env, randomSeed: () => number = drawSeed): ModelConfig {
  let values: Values<typeof MODEL_OPTIONS>
  try {
    values = read(MODEL_OPTIONS, { env }, [SIZE_TOGETHER, SEALED_NEEDS_SECRET, LIMITS_TOGETHER])
  } catch (error) {
    if (error instanceof ConfigProblems) throw new ConfigError(error.problems)
    throw error
  }
  const {
    seed,
    sealed,
    sealedSecret,
    viewerToken,
    port,
    host,
    width,
    height,
    logLevel,
    logRequests,
    shutdownTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs,
    ...episodeLimits
  } = values
  return {
    port,
    host,
    width,
    height,
    seed: seed ?? randomSeed(),
    seedWasRandom: seed === null,
    logLevel,
    logRequests,
    shutdownTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs,
    episodeLimits,
    sealed: sealed ? { secret: sealedSecret ?? '', viewerToken: viewerToken ?? undefined } : undefined,
  }
}

/** A uniformly random unsigned 32-bit seed. */
export function drawSeed(): number {
  // randomInt's range is limited to 2^48 and max is exclusive: two 16-bit halves give all of 0..2^32-1.
  return randomInt(0, 0x10000) * 0x10000 + randomInt(0, 0x10000)
}

/** The `--help` text: usage and every environment variable with its default. */
export function usage(program = 'maze-model'): string {
  return [
    `Usage: ${program} [--help]`,
    '',
    'Serves one generated maze over HTTP (see the package README for routes and error codes).',
    'Listens first, answers 503 with Retry-After on /maze/* while the maze is generated, then serves it.',
    'OpenAPI description: GET /openapi.json. Stops cleanly on SIGTERM or SIGINT.',
    '',
    'Environment variables (an empty one counts as unset):',
    help(MODEL_OPTIONS),
  ].join('\n')
}
