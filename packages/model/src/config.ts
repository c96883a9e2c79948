import { randomInt } from 'node:crypto'
import { MAX_SEED, MAX_SIDE, SIZE_RULE, sizeProblem } from '@maze-sim/maze'
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
  /** How long a connection may make no progress (nothing received, nothing sent) before it is closed. */
  idleTimeoutMs: number
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

/** Every environment variable the program reads, in the order `--help` prints them. */
export const ENV_VARS: readonly EnvVarDoc[] = [
  { name: 'PORT', default: '5555', allowed: 'an integer from 0 to 65535 (0: any free port)', description: 'TCP port to listen on' },
  { name: 'HOST', default: '0.0.0.0', allowed: 'a host name or IP address', description: 'address to listen on (all interfaces, as the original)' },
  {
    name: 'MAZE_WIDTH',
    default: '80',
    allowed: SIZE_RULE,
    description: 'maze width in cells',
  },
  {
    name: 'MAZE_HEIGHT',
    default: '20',
    allowed: SIZE_RULE,
    description: 'maze height in cells',
  },
  {
    name: 'MAZE_SEED',
    default: '(random)',
    allowed: `an integer from 0 to ${MAX_SEED}`,
    description: 'seed: the same seed and size give the same maze; random when unset, always logged',
  },
  { name: 'LOG_LEVEL', default: 'info', allowed: LOG_LEVELS.join(', '), description: 'log level of the JSON-lines logger' },
  { name: 'LOG_REQUESTS', default: 'false', allowed: 'true, false, 1, 0', description: 'log every request and response' },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    allowed: 'an integer from 0 to 600000',
    description: 'on SIGTERM/SIGINT, how long in-flight requests may take before connections are cut',
  },
  {
    name: 'REQUEST_TIMEOUT_MS',
    default: String(REQUEST_TIMEOUT_DEFAULT_MS),
    allowed: `an integer from ${TIMEOUT_MIN_MS} to ${TIMEOUT_MAX_MS}`,
    // A POST /maze/map walk of hundreds of MB over a slow link needs more (see the README's Bounds).
    description: 'how long a client may take to send a whole request, headers and body (then 408, connection closed)',
  },
  {
    name: 'IDLE_TIMEOUT_MS',
    default: String(IDLE_TIMEOUT_DEFAULT_MS),
    allowed: `an integer from ${TIMEOUT_MIN_MS} to ${TIMEOUT_MAX_MS}`,
    description: 'how long a connection may make no progress (nothing received or sent, e.g. an answer not read) before it is closed',
  },
]

/** The environment as the program sees it (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * Reads and validates the program's configuration from `env`; the only reader of `process.env`.
 * Throws a {@link ConfigError} (code MAZE_ERR_CONFIG) listing every bad variable, not just the first.
 * An empty variable counts as unset.
 */
export function readModelConfig(env: Env = process.env, randomSeed: () => number = drawSeed): ModelConfig {
  const problems: string[] = []
  const get = (name: string): string | undefined => {
    const raw = env[name]
    return raw === undefined || raw === '' ? undefined : raw
  }
  const allowedFor = (name: string): string => ENV_VARS.find((v) => v.name === name)?.allowed ?? ''
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name)
    if (raw === undefined) return fallback
    // Plain decimal digits only: "8e1", "0x50", " 80" or "80.0" are mistakes worth reporting.
    const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} is not allowed: expected ${allowedFor(name)}`)
      return fallback
    }
    return value
  }

  const port = integer('PORT', 5555, 0, 65535)
  const host = get('HOST') ?? '0.0.0.0'
  if (/\s/.test(host)) problems.push(`HOST=${JSON.stringify(host)} is not allowed: expected ${allowedFor('HOST')}`)
  const problemsBeforeSize = problems.length
  const width = integer('MAZE_WIDTH', 80, 1, MAX_SIDE)
  const height = integer('MAZE_HEIGHT', 20, 1, MAX_SIDE)
  // Each side on its own is checked above; the area (too large, or too small for start, key and
  // exit) by the domain's one size rule, only when both sides were valid.
  const sizeIssue = problems.length === problemsBeforeSize ? sizeProblem(width, height) : null
  if (sizeIssue !== null) {
    problems.push(`MAZE_WIDTH=${width} and MAZE_HEIGHT=${height} are not allowed together: ${sizeIssue}`)
  }
  const seedRaw = get('MAZE_SEED')
  const seed = integer('MAZE_SEED', 0, 0, MAX_SEED)
  const logLevelRaw = get('LOG_LEVEL') ?? 'info'
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? (logLevelRaw as LogLevel) : 'info'
  if (logLevel !== logLevelRaw) {
    problems.push(`LOG_LEVEL=${JSON.stringify(logLevelRaw)} is not allowed: expected one of ${allowedFor('LOG_LEVEL')}`)
  }
  const logRequestsRaw = get('LOG_REQUESTS') ?? 'false'
  const logRequests = logRequestsRaw === 'true' || logRequestsRaw === '1'
  if (!logRequests && logRequestsRaw !== 'false' && logRequestsRaw !== '0') {
    problems.push(`LOG_REQUESTS=${JSON.stringify(logRequestsRaw)} is not allowed: expected one of ${allowedFor('LOG_REQUESTS')}`)
  }
  const shutdownTimeoutMs = integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000)
  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', REQUEST_TIMEOUT_DEFAULT_MS, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS)
  const idleTimeoutMs = integer('IDLE_TIMEOUT_MS', IDLE_TIMEOUT_DEFAULT_MS, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS)

  if (problems.length > 0) throw new ConfigError(problems)
  const seedWasRandom = seedRaw === undefined
  return {
    port,
    host,
    width,
    height,
    seed: seedWasRandom ? randomSeed() : seed,
    seedWasRandom,
    logLevel,
    logRequests,
    shutdownTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs,
  }
}

/** A uniformly random unsigned 32-bit seed. */
export function drawSeed(): number {
  // randomInt's range is limited to 2^48 and max is exclusive: two 16-bit halves give all of 0..2^32-1.
  return randomInt(0, 0x10000) * 0x10000 + randomInt(0, 0x10000)
}

/** The `--help` text: usage and every environment variable with its default. */
export function usage(program = 'maze-model'): string {
  const lines = [
    `Usage: ${program} [--help]`,
    '',
    'Serves one generated maze over HTTP (see the package README for routes and error codes).',
    'Listens first, answers 503 with Retry-After on /maze/* while the maze is generated, then serves it.',
    'OpenAPI description: GET /openapi.json. Stops cleanly on SIGTERM or SIGINT.',
    '',
    'Environment variables:',
  ]
  const width = Math.max(...ENV_VARS.map((v) => v.name.length))
  for (const v of ENV_VARS) {
    lines.push(`  ${v.name.padEnd(width)}  ${v.description}`)
    lines.push(`  ${' '.repeat(width)}  default: ${v.default}; allowed: ${v.allowed}`)
  }
  return lines.join('\n') + '\n'
}
