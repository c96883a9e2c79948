import { boolean, ConfigProblems, duration, help, helpFlag, integer, read, string, url, type Values } from '@maze-sim/config'
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

const DAY = 86_400_000

/** Every setting of the agent, flag and variable, in the order `--help` prints them: the one table of its defaults. */
export const AGENT_OPTIONS = {
  url: url({ env: 'MAZE_URL', flag: 'url', default: DEFAULT_URL, description: 'model base URL' }),
  strategy: string({
    env: 'AGENT_STRATEGY',
    flag: 'strategy',
    default: DEFAULT_STRATEGY,
    placeholder: '<name|module>',
    allowed: `${STRATEGY_NAMES.join(', ')}, a package name, a file path or a file: URL`,
    description: 'the strategy that explores the maze',
  }),
  maxSteps: integer({
    env: 'AGENT_MAX_STEPS',
    flag: 'max-steps',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    default: null,
    defaultText: '20 x area + 1000',
    description: 'step limit',
  }),
  seed: integer({
    env: 'AGENT_SEED',
    flag: 'seed',
    min: 0,
    max: MAX_SEED,
    default: null,
    defaultText: 'the maze seed if known, else random',
    description: "seed of the strategy's RNG",
  }),
  startupTimeoutMs: duration({
    env: 'AGENT_STARTUP_TIMEOUT_MS',
    flag: 'startup-timeout-ms',
    min: 0,
    max: DAY,
    default: DEFAULT_STARTUP_TIMEOUT_MS,
    description: 'how long to wait for the model to come up',
  }),
  requestTimeoutMs: duration({
    env: 'AGENT_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    min: 1,
    max: DAY,
    default: DEFAULT_REQUEST_TIMEOUT_MS,
    description: "connect timeout, and total time of one request from sending it to the answer's last byte",
  }),
  decisionTimeoutMs: duration({
    env: 'AGENT_DECISION_TIMEOUT_MS',
    flag: 'decision-timeout-ms',
    min: 1,
    max: DAY,
    default: DEFAULT_DECISION_TIMEOUT_MS,
    description: "the strategy's time budget per move (and to create its explorer); over it: exit 4",
  }),
  deadlineMs: duration({
    env: 'AGENT_DEADLINE_MS',
    flag: 'deadline-ms',
    min: 0,
    max: 30 * DAY,
    default: 0,
    defaultText: '0 (none)',
    description: "the whole run's time budget, 0 for none; over it: not solved, exit 1",
  }),
  quiet: boolean({ flag: 'quiet', short: 'q', description: 'no progress on stderr' }),
  help: helpFlag(),
  debug: string({ env: 'DEBUG', description: 'any value: print stacks and causes of errors' }),
} as const

export const USAGE = `Usage: maze-agent [options]

Explores a maze served by a maze model over HTTP: finds the key, then the exit.
Prints the model's map of the walk, then one line of JSON (the result) as the last line of stdout;
every exit but --help prints the result line, a failed run's with "error" (the code) and "message".
The strategy runs in a worker thread: it cannot hang the agent or keep it from stopping on a signal.

Options (each flag overrides its environment variable; an empty variable counts as unset):
${help(AGENT_OPTIONS)}
Exit codes:
  0    solved
  1    not solved (step limit reached, the strategy gave up, or the deadline passed: AGENT_ERR_DEADLINE)
  2    bad configuration or strategy load failure (AGENT_ERR_CONFIG, AGENT_ERR_STRATEGY_LOAD)
  3    model unreachable or bad responses (AGENT_ERR_MODEL_UNREACHABLE, AGENT_ERR_BAD_RESPONSE)
  4    strategy bug: illegal move, exception, exit, or over its decision budget
       (AGENT_ERR_ILLEGAL_MOVE, AGENT_ERR_STRATEGY_FAILED, AGENT_ERR_DECISION_TIMEOUT)
  130  interrupted (SIGINT); 143 terminated (SIGTERM) (AGENT_ERR_ABORTED)
`

/**
 * Reads and validates the configuration; nothing else in the program reads `process.env` or argv.
 * Throws AGENT_ERR_CONFIG naming every bad variable or flag and what is allowed (@maze-sim/config's
 * rules: the flag wins, an empty variable is unset, a blank one or a number with a sign is refused).
 * With --help nothing else is validated: help works whatever the environment holds.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): AgentConfig {
  let values: Values<typeof AGENT_OPTIONS>
  try {
    values = read(AGENT_OPTIONS, { env, argv })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    const message = err.commandLine ? `bad command line: ${err.problems.join('; ')}; see --help` : err.problems.join('; ')
    throw new AgentError(AgentErrorCode.Config, message, { cause: err })
  }
  const { deadlineMs, debug, ...rest } = values
  return { ...rest, deadlineMs: deadlineMs === 0 ? null : deadlineMs, debug: debug !== undefined }
}
