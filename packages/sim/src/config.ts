import { AGENT_OPTIONS, STRATEGY_NAMES } from '@maze-sim/agent'
import { boolean, ConfigProblems, duration, extend, help, helpFlag, readDetailed, type Values } from '@maze-sim/config'
import { MODEL_OPTIONS, SIZE_TOGETHER } from '@maze-sim/model'

/** The embedded simulation's configuration: read once, from the environment and the command line. */
export interface SimConfig {
  readonly width: number
  readonly height: number
  /** null = random (always printed). */
  readonly seed: number | null
  readonly strategy: string
  /** 0 = any free port; the default 5555 falls back to a free port when taken. */
  readonly port: number
  readonly portIsDefault: boolean
  readonly quiet: boolean
  /** Keep the model (and its live view) up after the run until Ctrl-C. */
  readonly linger: boolean
  /** Pause before each of the agent's steps (ms), so a person can watch the view; 0 = full speed. */
  readonly stepDelayMs: number
  readonly help: boolean
}

/**
 * `npm start`'s options: the model's size, seed and port and the agent's strategy are those
 * programs' own options (same variables, defaults and rules), given a flag here.
 */
export const SIM_OPTIONS = {
  width: extend(MODEL_OPTIONS.width, { flag: 'width', description: 'maze width' }),
  height: extend(MODEL_OPTIONS.height, { flag: 'height', description: 'maze height' }),
  seed: extend(MODEL_OPTIONS.seed, { flag: 'seed', defaultText: 'random, printed', description: 'maze seed' }),
  strategy: extend(AGENT_OPTIONS.strategy, {
    flag: 'strategy',
    allowed: `${STRATEGY_NAMES.join(', ')}, a package name, a file path or a file: URL`,
    description: 'the strategy that explores the maze',
  }),
  port: extend(MODEL_OPTIONS.port, {
    flag: 'port',
    description: 'model port on 127.0.0.1 (the default falls back to a free port when taken; 0: any free port)',
  }),
  linger: boolean({ flag: 'linger', description: 'keep the model and its live view up after the run, until Ctrl-C' }),
  stepDelayMs: duration({
    flag: 'step-delay',
    min: 0,
    max: 60_000,
    default: 0,
    description: 'pause before each step of the agent, to watch it in the view',
  }),
  quiet: boolean({ flag: 'quiet', short: 'q', description: 'only the map and the result line' }),
  help: helpFlag(),
} as const

/** The model's port when none is given. */
export const DEFAULT_PORT: number = SIM_OPTIONS.port.default

export const USAGE = `Usage: npm start [-- options]      (or: pnpm sim [options])

Runs the maze model and the agent together on this machine, no Docker: starts the model's HTTP
server on localhost, lets the agent explore it over HTTP, prints the solved map and the result line.
While it runs, the model's address (printed as "view: …") shows the maze and the agent live in a
browser; --linger keeps it up afterwards and --step-delay slows the agent down to watch it.

Options (each flag overrides its environment variable; an empty variable counts as unset):
${help(SIM_OPTIONS)}
Exit codes (the agent's): 0 solved, 1 not solved, 2 bad configuration or strategy load failure,
3 model unreachable or bad responses, 4 strategy bug (illegal move, exception).
`

/** A configuration problem, reported as one line naming every variable or flag to fix. */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError'
  readonly code = 'SIM_ERR_CONFIG'
}

/** Reads flags first, then the environment; throws SimConfigError naming what to fix. */
export function readSimConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): SimConfig {
  let reading: { values: Values<typeof SIM_OPTIONS>; sources: Partial<Record<keyof typeof SIM_OPTIONS, string>> }
  try {
    reading = readDetailed(SIM_OPTIONS, { env, argv }, [SIZE_TOGETHER])
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw new SimConfigError(`${err.problems.join('; ')}${err.commandLine ? ' (see --help)' : ''}`, { cause: err })
  }
  const { values, sources } = reading
  return { ...values, portIsDefault: sources.port === undefined }
}
