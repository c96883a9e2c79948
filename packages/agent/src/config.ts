import {
  boolean,
  ConfigProblems,
  duration,
  help,
  helpFlag,
  integer,
  oneOf,
  readDetailed,
  seedList,
  string,
  url,
  type Reading,
  type Rule,
} from '@maze-sim/config'
import { DEFAULT_PORT, MAX_SEED, MAX_SIDE, type SeedSpan, SIZE_RULE, sizeProblem } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT_MS } from './http-transport.ts'
import { DEFAULT_LOAD_TIMEOUT_MS } from './isolated-strategy.ts'
import { DEFAULT_STRATEGY, STRATEGY_NAMES } from './registry.ts'
import type { RunProtocol } from './runner.ts'

export { ExitCode } from './exit-code.ts'

/** The agent program's configuration: read once, from the environment and the command line. */
export interface AgentConfig {
  /** MAZE_URL / --url */
  readonly url: string
  /** AGENT_STRATEGY / --strategy as given: one strategy (a built-in name or a module specifier), or a comma-separated list of them. */
  readonly strategy: string
  /** The strategies of `strategy`, trimmed, in order (one unless a list was given: then many-runs mode with --seeds). */
  readonly strategies: readonly string[]
  /** AGENT_PROTOCOL / --protocol: `auto` (episodes when the model offers them, else the classic routes), `classic` or `episodes`. */
  readonly protocol: RunProtocol
  /** AGENT_EPISODES / --episodes: that many runs, one episode each, on seeds the model picks; null = not this mode. */
  readonly episodes: number | null
  /** AGENT_SEEDS / --seeds: one run per seed, in the order given (single seeds and ranges); null = not this mode. */
  readonly seeds: readonly SeedSpan[] | null
  /** AGENT_WIDTH, AGENT_HEIGHT / --width, --height: the episodes' size (many runs only); null = the model's size. */
  readonly width: number | null
  readonly height: number | null
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
  /** AGENT_DEADLINE_MS / --deadline-ms: the whole program's budget (one run or many); null = none. */
  readonly deadlineMs: number | null
  /** --quiet: no progress on stderr. */
  readonly quiet: boolean
  /** --help */
  readonly help: boolean
  /** DEBUG set (non-empty): errors print their stack and causes. */
  readonly debug: boolean
}

// The seed lists' one grammar and its helpers live in @maze-sim/maze (seed-list.ts).
export { type SeedSpan, seedCount, seedsOf } from '@maze-sim/maze'

export const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`
/** The strategy's time budget per decision: generous for a move, short enough to stop a runaway one. */
export const DEFAULT_DECISION_TIMEOUT_MS = 5_000

const DAY = 86_400_000
/** The most episodes one program plays: as many as there are seeds. */
const MAX_EPISODES = MAX_SEED + 1

/** Every setting of the agent, flag and variable, in the order `--help` prints them: the one table of its defaults. */
export const AGENT_OPTIONS = {
  url: url({ env: 'MAZE_URL', flag: 'url', default: DEFAULT_URL, description: 'model base URL' }),
  strategy: string({
    env: 'AGENT_STRATEGY',
    flag: 'strategy',
    default: DEFAULT_STRATEGY,
    placeholder: '<name|module>[,...]',
    allowed: `${STRATEGY_NAMES.join(', ')}, a package name, a file path or a file: URL; with --seeds, several of them comma-separated (each seed is played by each, in the order given)`,
    description: `the strategy that explores the maze, or the strategies (with --seeds); each is loaded in a worker thread and must load within ${DEFAULT_LOAD_TIMEOUT_MS / 1000} s (else exit 2)`,
  }),
  protocol: oneOf(['auto', 'classic', 'episodes'] as const satisfies readonly RunProtocol[], {
    env: 'AGENT_PROTOCOL',
    flag: 'protocol',
    default: 'auto',
    description: 'the routes to play on: auto = episodes when the model offers them (the model referees), else the classic routes',
  }),
  episodes: integer({
    env: 'AGENT_EPISODES',
    flag: 'episodes',
    min: 1,
    max: MAX_EPISODES,
    default: null,
    defaultText: '(one run)',
    description: 'play this many episodes, one after another, on seeds the model picks: one result line each, no maps',
  }),
  seeds: seedList({
    env: 'AGENT_SEEDS',
    flag: 'seeds',
    // One process playing a list: a seed given twice is played twice (the same walk: a check of determinism).
    repeats: true,
    default: null,
    defaultText: '(one run)',
    description: 'play one episode per seed, in this order: one result line each, no maps (not with --episodes)',
  }),
  width: integer({
    env: 'AGENT_WIDTH',
    flag: 'width',
    min: 1,
    max: MAX_SIDE,
    default: null,
    defaultText: "the model's size",
    allowed: SIZE_RULE,
    description: "the episodes' width (with --episodes or --seeds, and --height)",
  }),
  height: integer({
    env: 'AGENT_HEIGHT',
    flag: 'height',
    min: 1,
    max: MAX_SIDE,
    default: null,
    defaultText: "the model's size",
    allowed: SIZE_RULE,
    description: "the episodes' height (with --episodes or --seeds, and --width)",
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
    description:
      "the connect timeout, and one total deadline per request from sending it to the answer's last byte (each retry has its own): missed before the headers it is retried, after them it ends the run (exit 3)",
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
    description: "the whole program's time budget (one run or many), 0 for none; over it: not solved, exit 1",
  }),
  quiet: boolean({ flag: 'quiet', short: 'q', description: 'no progress on stderr' }),
  help: helpFlag(),
  debug: string({ env: 'DEBUG', description: 'any value: print stacks and causes of errors' }),
} as const

export const USAGE = `Usage: maze-agent [options]

Explores a maze served by a maze model over HTTP: finds the key, then the exit. Against a model that
offers episodes the model moves the agent and keeps the score (the result carries its figures).

One run (the default): prints the model's map of the walk (when the maze is the model's own), then
one line of JSON (the result) as the last line of stdout; every exit but --help prints the result
line, a failed run's with "error" (the code) and "message".

Many runs (--episodes N or --seeds LIST): one episode per run, one after another on one connection;
prints ONE result line per run on stdout as it ends, and no maps. The number of lines is the number
of runs attempted: a run that failed has its line with "error" (a signal's or the deadline's included,
for the run in flight); runs never started after an error that would stop the next run as well
(bad configuration, model unreachable or contradicting itself, a signal, the deadline) print nothing.
A failure before the first run (e.g. the strategy does not load) is the first run's line.
Progress goes to stderr: one line per episode as it ends, and every few seconds.

Several strategies (--seeds with --strategy a,b,...): every seed is played by each strategy in turn,
in the order given (seed 1 with a, seed 1 with b, seed 2 with a, ...): one run, one result line each,
its "strategy" the run's. Each strategy is loaded once, before the first run.

The strategy runs in a worker thread: it cannot hang the agent or keep it from stopping on a signal.

Options (each flag overrides its environment variable; an empty variable counts as unset):
${help(AGENT_OPTIONS)}
Exit codes (many runs: 0 when every run was solved, else the highest code of the runs; a signal's code
when stopped by one):
  0    solved
  1    not solved (step limit reached, the strategy gave up, or the deadline passed: AGENT_ERR_DEADLINE)
  2    bad configuration or strategy load failure (AGENT_ERR_CONFIG, AGENT_ERR_STRATEGY_LOAD)
  3    model unreachable or bad responses (AGENT_ERR_MODEL_UNREACHABLE, AGENT_ERR_BAD_RESPONSE)
  4    strategy bug: illegal move, exception, exit, or over its decision budget
       (AGENT_ERR_ILLEGAL_MOVE, AGENT_ERR_STRATEGY_FAILED, AGENT_ERR_DECISION_TIMEOUT)
  130  interrupted (SIGINT); 143 terminated (SIGTERM) (AGENT_ERR_ABORTED)

Example (20 refereed runs, one result line each): pnpm agent -- --seeds 1-20 --strategy random-dfs
Example (40 runs: seeds 1 to 20, each played by astar, then random-dfs):
  pnpm agent -- --seeds 1-20 --strategy astar,random-dfs
`

/** The maze's one size rule on the episodes' size, when both sides are given (each side alone is checked by its option). */
const SIZE_TOGETHER: Rule<typeof AGENT_OPTIONS> = {
  keys: ['width', 'height'],
  problem: ({ width, height }) => (width === null || height === null ? null : sizeProblem(width, height)),
}

/** How a problem names an option: where its value came from (`--seeds`, `AGENT_SEEDS`). */
const named = (reading: Reading<typeof AGENT_OPTIONS>, key: keyof typeof AGENT_OPTIONS): string => reading.sources[key] ?? key

/** The strategies of an AGENT_STRATEGY value: its comma-separated items, trimmed (one item: the value itself). */
export const strategiesOf = (raw: string): string[] => raw.split(',').map((item) => item.trim())

/** What is wrong with a list of strategies (an empty item, a strategy named twice), or null. */
function strategyListProblem(raw: string, source: string): string | null {
  const items = strategiesOf(raw)
  const shown = `${source}=${JSON.stringify(raw)}`
  if (items.includes(''))
    return `${shown} has an empty item: expected one strategy, or several separated by single commas (e.g. astar,random-dfs)`
  const twice = items.find((item, i) => items.indexOf(item) !== i)
  if (twice !== undefined) return `${shown} names ${JSON.stringify(twice)} twice: each strategy plays each seed once, so name it once`
  return null
}

/** The choices that do not go together (each option was read without a problem). */
function modeProblems(reading: Reading<typeof AGENT_OPTIONS>): string[] {
  const { episodes, seeds, width, height, protocol, strategy } = reading.values
  const name = (key: keyof typeof AGENT_OPTIONS): string => named(reading, key)
  const problems: string[] = []
  const listProblem = strategyListProblem(strategy, name('strategy'))
  const several = strategiesOf(strategy).length
  if (listProblem !== null) problems.push(listProblem)
  else if (several > 1 && episodes !== null) {
    problems.push(
      `${name('strategy')} names ${several} strategies: they need --seeds (AGENT_SEEDS), not ${name('episodes')}: every strategy plays the same seeds, and with ${name('episodes')} the model picks the seeds, so they could not be shared`,
    )
  } else if (several > 1 && seeds === null) {
    problems.push(
      `${name('strategy')} names ${several} strategies: several strategies need many-runs mode with --seeds (AGENT_SEEDS); one run plays one strategy`,
    )
  }
  if (episodes !== null && seeds !== null) {
    problems.push(
      `${name('episodes')} and ${name('seeds')} are not allowed together: give the number of episodes (the model picks the seeds) or the seeds, not both`,
    )
  }
  const many = episodes !== null || seeds !== null
  if ((width === null) !== (height === null)) {
    const given = width !== null ? 'width' : 'height'
    problems.push(
      `${name(given)} needs ${given === 'width' ? '--height (AGENT_HEIGHT)' : '--width (AGENT_WIDTH)'} too: give both sides of the episodes' size, or neither (the model's size)`,
    )
  } else if (width !== null && !many) {
    problems.push(
      `${name('width')} and ${name('height')} set the episodes' size: they need --episodes or --seeds (one run plays the model's own maze)`,
    )
  }
  if (many && protocol === 'classic') {
    problems.push(
      `${name(episodes !== null ? 'episodes' : 'seeds')} needs the episodes routes: not allowed with ${name('protocol')}=classic`,
    )
  }
  return problems
}

/**
 * Reads and validates the configuration; nothing else in the program reads `process.env` or argv.
 * Throws AGENT_ERR_CONFIG naming every bad variable or flag and what is allowed (@maze-sim/config's
 * rules: the flag wins, an empty variable is unset, a blank one or a number with a sign is refused),
 * and choices that do not go together (--episodes with --seeds, one side of the size, ...).
 * With --help nothing else is validated: help works whatever the environment holds.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): AgentConfig {
  // `pnpm agent -- --seeds 1-20` hands the script its `--` (npm drops it): the agent takes no
  // arguments besides flags, so a leading `--` can only be that one, and is dropped.
  const args = argv[0] === '--' ? argv.slice(1) : argv
  let reading: Reading<typeof AGENT_OPTIONS>
  try {
    reading = readDetailed(AGENT_OPTIONS, { env, argv: args }, [SIZE_TOGETHER])
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    const message = err.commandLine ? `bad command line: ${err.problems.join('; ')}; see --help` : err.problems.join('; ')
    throw new AgentError(AgentErrorCode.Config, message, { cause: err })
  }
  const problems = reading.help ? [] : modeProblems(reading)
  if (problems.length > 0) throw new AgentError(AgentErrorCode.Config, `${problems.join('; ')}; see --help`)
  const { deadlineMs, debug, ...rest } = reading.values
  return { ...rest, strategies: strategiesOf(rest.strategy), deadlineMs: deadlineMs === 0 ? null : deadlineMs, debug: debug !== undefined }
}
