import { MAX_SEED, MAX_SIDE, MIN_AREA, SIZE_RULE } from '@maze-sim/maze'
import { ExitCode, exitCodeOf, AgentError, AgentErrorCode, DEFAULT_STRATEGY, STRATEGY_NAMES } from '@maze-sim/agent'
import { describe, expect, test } from 'vitest'
import { ConfigProblems, read } from '@maze-sim/config'
import { DEFAULT_PORT, readSimConfig, SIM_OPTIONS, SimConfigError, USAGE } from '../src/config.ts'

describe('readSimConfig: the one size rule of @maze-sim/maze', () => {
  test.each([
    [1, 1],
    [1, 2],
    [2, 1],
  ])('%ix%i is refused', (width, height) => {
    expect(() => readSimConfig(['--width', String(width), '--height', String(height)], {})).toThrow(SimConfigError)
    expect(() => readSimConfig([], { MAZE_WIDTH: String(width), MAZE_HEIGHT: String(height) })).toThrow(`at least ${MIN_AREA} cells`)
  })

  test('1x3 and 3x1 are mazes', () => {
    expect(readSimConfig(['--width', '1', '--height', '3'], {})).toMatchObject({ width: 1, height: 3 })
    expect(readSimConfig(['--width', '3', '--height', '1'], {})).toMatchObject({ width: 3, height: 1 })
  })

  test('--help states the rule and the agent’s exit codes', () => {
    expect(USAGE).toContain(SIZE_RULE)
    expect(USAGE).toMatch(/4 strategy bug/)
  })
})

describe('npm start exits as the agent does (one table)', () => {
  test('a strategy bug is 4, the model’s fault 3', () => {
    expect(exitCodeOf(new AgentError(AgentErrorCode.IllegalMove, 'x'))).toBe(ExitCode.StrategyFailed)
    expect(ExitCode.StrategyFailed).toBe(4)
    expect(exitCodeOf(new AgentError(AgentErrorCode.BadResponse, 'x'))).toBe(3)
  })
})

describe('readSimConfig: flags, environment, defaults', () => {
  test('with nothing set: an 80x20 maze, a random seed, the default strategy and port', () => {
    expect(readSimConfig([], {})).toEqual({
      width: 80,
      height: 20,
      seed: null,
      strategy: DEFAULT_STRATEGY,
      port: DEFAULT_PORT,
      portIsDefault: true,
      quiet: false,
      linger: false,
      stepDelayMs: 0,
      help: false,
    })
  })

  test('reads the environment variables', () => {
    const env = { MAZE_WIDTH: '30', MAZE_HEIGHT: '10', MAZE_SEED: '42', AGENT_STRATEGY: 'random-dfs', PORT: '0' }
    expect(readSimConfig([], env)).toMatchObject({ width: 30, height: 10, seed: 42, strategy: 'random-dfs', port: 0, portIsDefault: false })
  })

  test('a flag overrides its environment variable', () => {
    const env = { MAZE_WIDTH: '30', MAZE_HEIGHT: '10', MAZE_SEED: '42', AGENT_STRATEGY: 'random-dfs', PORT: '6000' }
    const argv = ['--width', '7', '--height', '5', '--seed', '0', '--strategy', 'astar', '--port', '0']
    expect(readSimConfig(argv, env)).toMatchObject({ width: 7, height: 5, seed: 0, strategy: 'astar', port: 0, portIsDefault: false })
  })

  test('empty variables mean "not set"', () => {
    const env = { MAZE_WIDTH: '', MAZE_SEED: '', AGENT_STRATEGY: '', PORT: '' }
    expect(readSimConfig([], env)).toMatchObject({
      width: 80,
      seed: null,
      strategy: DEFAULT_STRATEGY,
      port: DEFAULT_PORT,
      portIsDefault: true,
    })
  })

  // The rules of @maze-sim/config, as the model and the agent read the same variables.
  test.each([
    [{ MAZE_SEED: ' ' }, 'MAZE_SEED=" " is blank'],
    [{ MAZE_WIDTH: ' 80' }, 'MAZE_WIDTH=" 80" has spaces around it'],
    [{ AGENT_STRATEGY: ' random-dfs ' }, 'AGENT_STRATEGY=" random-dfs " has spaces around it'],
    [{ PORT: '+5555' }, 'PORT="+5555" is not allowed'],
  ])('a blank value or one with spaces or a sign is refused, not trimmed: %j', (env, message) => {
    expect(() => readSimConfig([], env)).toThrow(message)
  })

  test('every problem at once', () => {
    expect(() => readSimConfig(['--seed', 'x'], { PORT: 'y' })).toThrow(
      '--seed="x" is not allowed: expected an integer from 0 to 4294967295; PORT="y" is not allowed',
    )
  })

  test('the switches: --quiet/-q, --linger, --step-delay, --help/-h', () => {
    expect(readSimConfig(['-q', '--linger', '--step-delay', '25', '-h'], {})).toMatchObject({
      quiet: true,
      linger: true,
      stepDelayMs: 25,
      help: true,
    })
    expect(readSimConfig(['--quiet', '--help'], {})).toMatchObject({ quiet: true, help: true })
  })

  test.each([
    [['--width', 'wide'], {}, '--width'],
    [['--width', '2.5'], {}, '--width'],
    [['--height=-3'], {}, '--height'],
    [[], { MAZE_WIDTH: '0' }, 'MAZE_WIDTH'],
    [[], { MAZE_HEIGHT: String(MAX_SIDE + 1) }, 'MAZE_HEIGHT'],
    [[], { MAZE_SEED: String(MAX_SEED + 1) }, 'MAZE_SEED'],
    [['--seed', '1e3'], {}, '--seed'],
    [[], { PORT: '65536' }, 'PORT'],
    [['--port', 'http'], { PORT: '1' }, '--port'],
    [['--step-delay', '60001'], {}, '--step-delay'],
  ] as const)('%j with %j is refused naming %s', (argv, env, name) => {
    expect(() => readSimConfig([...argv], env)).toThrow(SimConfigError)
    expect(() => readSimConfig([...argv], env)).toThrow(new RegExp(`^${name}="[^"]*" is not allowed: expected `))
  })

  test('an unknown option or a missing value is a SimConfigError pointing at --help', () => {
    for (const argv of [['--colour'], ['--width'], ['extra']]) {
      let error: unknown
      try {
        readSimConfig(argv, {})
      } catch (err) {
        error = err
      }
      expect(error, argv.join(' ')).toBeInstanceOf(SimConfigError)
      expect(error).toMatchObject({ code: 'SIM_ERR_CONFIG', message: expect.stringContaining('(see --help)') })
    }
  })

  test('--help names every option and its variable', () => {
    for (const option of ['--width', '--height', '--seed', '--strategy', '--port', '--linger', '--step-delay', '--quiet', '--help']) {
      expect(USAGE).toContain(option)
    }
    for (const variable of ['MAZE_WIDTH', 'MAZE_HEIGHT', 'MAZE_SEED', 'AGENT_STRATEGY', 'PORT']) expect(USAGE).toContain(variable)
    for (const name of STRATEGY_NAMES) expect(USAGE).toContain(name)
  })
})

describe('readSimConfig: refused the same way as every program (@maze-sim/config)', () => {
  /** What @maze-sim/config says of `argv` and `env` read by npm start's own table. */
  const configSays = (argv: string[], env: Record<string, string>): string => {
    try {
      read(SIM_OPTIONS, { argv, env })
    } catch (err) {
      if (err instanceof ConfigProblems) return err.problems.join('; ')
      throw err
    }
    throw new Error('read')
  }

  // npm start takes no seed list and no WIDTHxHEIGHT size: its numbers, flags and variables alike.
  test.each([
    [['--seed', ' 80'], {}, '--seed=" 80" has spaces around it: expected an integer from 0 to 4294967295'],
    [['--seed', '+5'], {}, '--seed="+5" is not allowed: expected an integer from 0 to 4294967295'],
    [[], { MAZE_SEED: ' 80' }, 'MAZE_SEED=" 80" has spaces around it'],
    [[], { MAZE_WIDTH: '+5' }, 'MAZE_WIDTH="+5" is not allowed'],
    [['--width', ' 80'], {}, '--width=" 80" has spaces around it'],
    [['--port', '+5'], {}, '--port="+5" is not allowed'],
  ] as [string[], Record<string, string>, string][])(
    '%j %j: SimConfigError (exit 2), in the config reader’s words',
    (argv, env, message) => {
      const said = configSays(argv, env)
      expect(said).toContain(message)
      expect(() => readSimConfig(argv, env)).toThrow(new SimConfigError(said))
    },
  )
})
