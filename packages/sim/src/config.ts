import { parseArgs } from 'node:util'
import { DEFAULT_STRATEGY, STRATEGY_NAMES } from '@maze-sim/agent'
import { MAX_SEED, MAX_SIDE, SIZE_RULE, sizeProblem } from '@maze-sim/maze'

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

export const DEFAULT_PORT = 5555

export const USAGE = `Usage: npm start [-- options]      (or: pnpm sim [options])

Runs the maze model and the agent together on this machine, no Docker: starts the model's HTTP
server on localhost, lets the agent explore it over HTTP, prints the solved map and the result line.
While it runs, the model's address (printed as "view: …") shows the maze and the agent live in a
browser; --linger keeps it up afterwards and --step-delay slows the agent down to watch it.

Options (each overrides its environment variable):
  --width <n>        MAZE_WIDTH       maze width (default 80)
  --height <n>       MAZE_HEIGHT      maze height (default 20)
                                      ${SIZE_RULE}
  --seed <n>         MAZE_SEED        maze seed, 0..${MAX_SEED} (default random, printed)
  --strategy <s>     AGENT_STRATEGY   ${STRATEGY_NAMES.join(', ')}, a package name or a file path (default ${DEFAULT_STRATEGY})
  --port <n>         PORT             model port on 127.0.0.1 (default ${DEFAULT_PORT}, or a free one if taken; 0 = any)
  --linger                            keep the model and its live view up after the run, until Ctrl-C
  --step-delay <ms>                   pause before each step of the agent, to watch it in the view (default 0)
  -q, --quiet                         only the map and the result line
  -h, --help                          print this help

Exit codes (the agent's): 0 solved, 1 not solved, 2 bad configuration or strategy load failure,
3 model unreachable or bad responses, 4 strategy bug (illegal move, exception).
`

/** A configuration problem, reported as one line naming the variable or flag. */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError'
  readonly code = 'SIM_ERR_CONFIG'
}

function integer(raw: string | undefined, source: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimConfigError(`${source} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

/** Reads flags first, then the environment; throws SimConfigError naming what to fix. */
export function readSimConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): SimConfig {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        width: { type: 'string' },
        height: { type: 'string' },
        seed: { type: 'string' },
        strategy: { type: 'string' },
        port: { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        linger: { type: 'boolean', default: false },
        'step-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (err) {
    throw new SimConfigError(`${(err as Error).message} (see --help)`)
  }
  const pick = (flag: string | undefined, name: string, variable: string): [string | undefined, string] =>
    flag !== undefined ? [flag, `--${name}`] : [env[variable], variable]
  const [w, wSource] = pick(values.width, 'width', 'MAZE_WIDTH')
  const [h, hSource] = pick(values.height, 'height', 'MAZE_HEIGHT')
  const [s, sSource] = pick(values.seed, 'seed', 'MAZE_SEED')
  const [p, pSource] = pick(values.port, 'port', 'PORT')
  const strategy = (values.strategy ?? env.AGENT_STRATEGY ?? '').trim() || DEFAULT_STRATEGY
  const width = integer(w, wSource, 1, MAX_SIDE, 80)
  const height = integer(h, hSource, 1, MAX_SIDE, 20)
  // The one size rule of every program (@maze-sim/maze): 1x1, 1x2 and 2x1 are refused.
  const problem = sizeProblem(width, height)
  if (problem !== null) throw new SimConfigError(`${wSource} x ${hSource}: ${problem}`)
  const seed = s === undefined || s.trim() === '' ? null : integer(s, sSource, 0, MAX_SEED, 0)
  const port = integer(p, pSource, 0, 65_535, DEFAULT_PORT)
  return {
    width,
    height,
    seed,
    strategy,
    port,
    portIsDefault: p === undefined || p.trim() === '',
    quiet: values.quiet,
    linger: values.linger,
    stepDelayMs: integer(values['step-delay'], '--step-delay', 0, 60_000, 0),
    help: values.help,
  }
}
