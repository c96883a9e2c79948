import { parseArgs } from 'node:util'
import { MAX_SEED } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT_MS } from './http-transport.ts'
import { DEFAULT_STRATEGY, STRATEGY_NAMES } from './registry.ts'

export { ExitCode } from './exit-code.ts'

/** The agent program's configuration: read once, from the environment and the command line. */
export interface AgentConfig {
  /** MAZE_URL / --url */
  readonly url: string
  /** AGENT_STRATEGY / --strategy: a built-in name or a module specifier. */
  readonly strategy: string
  /** AGENT_MAX_STEPS / --max-steps; null = derived from the maze's area once the size is known. */
  readonly maxSteps: number | null
  /** AGENT_SEED / --seed; null = the maze seed when the model tells it, else random. */
  readonly seed: number | null
  /** AGENT_STARTUP_TIMEOUT_MS / --startup-timeout-ms */
  readonly startupTimeoutMs: number
  /** AGENT_REQUEST_TIMEOUT_MS / --request-timeout-ms */
  readonly requestTimeoutMs: number
  /** AGENT_DECISION_TIMEOUT_MS / --decision-timeout-ms: the strategy's budget per move (and to start). */
  readonly decisionTimeoutMs: number
  /** AGENT_DEADLINE_MS / --deadline-ms: the whole run's budget; null = none. */
  readonly deadlineMs: number | null
  /** --quiet: no progress on stderr. */
  readonly quiet: boolean
  /** --help */
  readonly help: boolean
  /** DEBUG set (non-empty): errors print their stack and causes. */
  readonly debug: boolean
}

export const DEFAULT_URL = 'http://127.0.0.1:5555'
/** The strategy's time budget per decision: generous for a move, short enough to stop a runaway one. */
export const DEFAULT_DECISION_TIMEOUT_MS = 5_000

export const USAGE = `Usage: maze-agent [options]

Explores a maze served by a maze model over HTTP: finds the key, then the exit.
Prints the model's map of the walk, then one line of JSON (the result) as the last line of stdout;
every exit but --help prints the result line, a failed run's with "error" (the code) and "message".
The strategy runs in a worker thread: it cannot hang the agent or keep it from stopping on a signal.

Options (each overrides its environment variable):
  --url <url>                 MAZE_URL                  model base URL (default ${DEFAULT_URL})
  --strategy <name|module>    AGENT_STRATEGY            ${STRATEGY_NAMES.join(', ')}, a package name, a file
                                                        path or a file: URL (default ${DEFAULT_STRATEGY})
  --max-steps <n>             AGENT_MAX_STEPS           step limit (default 20 x area + 1000)
  --seed <n>                  AGENT_SEED                seed of the strategy's RNG, 0..${MAX_SEED}
                                                        (default: the maze seed if known, else random)
  --startup-timeout-ms <ms>   AGENT_STARTUP_TIMEOUT_MS  how long to wait for the model to come up
                                                        (default ${DEFAULT_STARTUP_TIMEOUT_MS})
  --request-timeout-ms <ms>   AGENT_REQUEST_TIMEOUT_MS  connect timeout, and total time of one request from
                                                        sending it to the answer's last byte
                                                        (default ${DEFAULT_REQUEST_TIMEOUT_MS})
  --decision-timeout-ms <ms>  AGENT_DECISION_TIMEOUT_MS the strategy's time budget per move (and to create
                                                        its explorer); over it: exit 4
                                                        (default ${DEFAULT_DECISION_TIMEOUT_MS})
  --deadline-ms <ms>          AGENT_DEADLINE_MS         the whole run's time budget; over it: not solved,
                                                        exit 1 (default 0: none)
  -q, --quiet                                           no progress on stderr
  -h, --help                                            print this help
  DEBUG=1                                               print stacks and causes of errors

Exit codes:
  0    solved
  1    not solved (step limit reached, the strategy gave up, or the deadline passed: AGENT_ERR_DEADLINE)
  2    bad configuration or strategy load failure (AGENT_ERR_CONFIG, AGENT_ERR_STRATEGY_LOAD)
  3    model unreachable or bad responses (AGENT_ERR_MODEL_UNREACHABLE, AGENT_ERR_BAD_RESPONSE)
  4    strategy bug: illegal move, exception, exit, or over its decision budget
       (AGENT_ERR_ILLEGAL_MOVE, AGENT_ERR_STRATEGY_FAILED, AGENT_ERR_DECISION_TIMEOUT)
  130  interrupted (SIGINT); 143 terminated (SIGTERM) (AGENT_ERR_ABORTED)
`

const configError = (message: string, cause?: unknown): AgentError =>
  new AgentError(AgentErrorCode.Config, message, cause === undefined ? undefined : { cause })

/**
 * The value, or undefined: an empty variable counts as unset (as compose files often leave them).
 * A blank one (only whitespace) is kept as it is, so that it is refused rather than silently unset.
 */
const present = (value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return undefined
  return value.trim() === '' ? value : value.trim()
}

function integer(value: string, source: string, min: number, max: number, what: string): number {
  const n = /^[+]?\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw configError(`${source} must be ${what} (an integer from ${min} to ${max}), got ${JSON.stringify(value)}`)
  }
  return n
}

/**
 * Reads and validates the configuration; nothing else in the program reads `process.env` or argv.
 * Throws AGENT_ERR_CONFIG naming the variable or flag and what is allowed.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): AgentConfig {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        strategy: { type: 'string' },
        'max-steps': { type: 'string' },
        seed: { type: 'string' },
        'startup-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'decision-timeout-ms': { type: 'string' },
        'deadline-ms': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (err) {
    throw configError(`bad command line: ${(err as Error).message}; see --help`, err)
  }
  const flag = (name: string): string | undefined => {
    const v = values[name]
    return typeof v === 'string' ? v : undefined
  }
  const pick = (name: string, variable: string): { value: string | undefined; source: string } => {
    const fromFlag = flag(name)
    // Errors name where the value came from: the flag when given on the command line, else the variable.
    return { value: fromFlag ?? present(env[variable]), source: fromFlag !== undefined ? `--${name}` : variable }
  }

  if (values.help === true) {
    // Help must work whatever the environment holds.
    return {
      url: DEFAULT_URL,
      strategy: DEFAULT_STRATEGY,
      maxSteps: null,
      seed: null,
      startupTimeoutMs: DEFAULT_STARTUP_TIMEOUT_MS,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      decisionTimeoutMs: DEFAULT_DECISION_TIMEOUT_MS,
      deadlineMs: null,
      quiet: values.quiet === true,
      help: true,
      debug: present(env.DEBUG) !== undefined,
    }
  }

  const url = pick('url', 'MAZE_URL')
  const urlValue = url.value ?? DEFAULT_URL
  let parsed: URL
  try {
    parsed = new URL(urlValue)
  } catch (err) {
    throw configError(`${url.source} must be an http:// or https:// URL such as ${DEFAULT_URL}, got ${JSON.stringify(urlValue)}`, err)
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash || parsed.username) {
    throw configError(`${url.source} must be an http:// or https:// URL without query or credentials, such as ${DEFAULT_URL}, got ${JSON.stringify(urlValue)}`)
  }

  const strategy = pick('strategy', 'AGENT_STRATEGY')
  if (strategy.value !== undefined && strategy.value.trim().length === 0) {
    throw configError(
      `${strategy.source} must name a strategy (${STRATEGY_NAMES.join(', ')}) or a module, got ${JSON.stringify(strategy.value)}; leave it empty for the default (${DEFAULT_STRATEGY})`,
    )
  }

  const maxSteps = pick('max-steps', 'AGENT_MAX_STEPS')
  const seed = pick('seed', 'AGENT_SEED')
  const startup = pick('startup-timeout-ms', 'AGENT_STARTUP_TIMEOUT_MS')
  const request = pick('request-timeout-ms', 'AGENT_REQUEST_TIMEOUT_MS')
  const decision = pick('decision-timeout-ms', 'AGENT_DECISION_TIMEOUT_MS')
  const deadline = pick('deadline-ms', 'AGENT_DEADLINE_MS')
  const DAY = 86_400_000
  const deadlineMs = deadline.value === undefined ? 0 : integer(deadline.value, deadline.source, 0, 30 * DAY, 'a budget in milliseconds, 0 for none')

  return {
    url: parsed.href.replace(/\/+$/, ''),
    strategy: strategy.value ?? DEFAULT_STRATEGY,
    maxSteps: maxSteps.value === undefined ? null : integer(maxSteps.value, maxSteps.source, 1, Number.MAX_SAFE_INTEGER, 'a step limit'),
    seed: seed.value === undefined ? null : integer(seed.value, seed.source, 0, MAX_SEED, 'a seed'),
    startupTimeoutMs:
      startup.value === undefined ? DEFAULT_STARTUP_TIMEOUT_MS : integer(startup.value, startup.source, 0, DAY, 'a wait in milliseconds'),
    requestTimeoutMs:
      request.value === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : integer(request.value, request.source, 1, DAY, 'a timeout in milliseconds'),
    decisionTimeoutMs:
      decision.value === undefined ? DEFAULT_DECISION_TIMEOUT_MS : integer(decision.value, decision.source, 1, DAY, 'a budget in milliseconds'),
    deadlineMs: deadlineMs === 0 ? null : deadlineMs,
    quiet: values.quiet === true,
    help: false,
    debug: present(env.DEBUG) !== undefined,
  }
}
