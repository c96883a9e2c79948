import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { ConfigProblems, read } from '@maze-sim/config'
import { describe, expect, test } from 'vitest'
import { AGENT_OPTIONS, readConfig, seedCount, seedsOf, USAGE } from '../src/config.ts'
import { AgentError, AgentErrorCode } from '../src/errors.ts'
import { exitCodeOf } from '../src/exit-code.ts'

describe('readConfig', () => {
  test('defaults', () => {
    expect(readConfig({}, [])).toEqual({
      url: 'http://127.0.0.1:5555',
      strategy: 'astar',
      strategies: ['astar'],
      protocol: 'auto',
      episodes: null,
      seeds: null,
      width: null,
      height: null,
      maxSteps: null,
      seed: null,
      startupTimeoutMs: 60_000,
      requestTimeoutMs: 10_000,
      decisionTimeoutMs: 5_000,
      deadlineMs: null,
      quiet: false,
      help: false,
      debug: false,
    })
  })

  test('reads the environment', () => {
    const config = readConfig(
      {
        MAZE_URL: 'http://model:5555/',
        AGENT_STRATEGY: 'random-dfs',
        AGENT_MAX_STEPS: '500',
        AGENT_SEED: '4294967295',
        AGENT_STARTUP_TIMEOUT_MS: '0',
        AGENT_REQUEST_TIMEOUT_MS: '250',
        DEBUG: '1',
      },
      [],
    )
    expect(config).toMatchObject({
      url: 'http://model:5555',
      strategy: 'random-dfs',
      maxSteps: 500,
      seed: 4294967295,
      startupTimeoutMs: 0,
      requestTimeoutMs: 250,
      debug: true,
    })
  })

  test('flags override the environment', () => {
    const config = readConfig({ MAZE_URL: 'http://a:1', AGENT_SEED: '1' }, [
      '--url',
      'http://b:2',
      '--seed=2',
      '--strategy',
      './mine.js',
      '--max-steps',
      '9',
      '-q',
    ])
    expect(config).toMatchObject({ url: 'http://b:2', seed: 2, strategy: './mine.js', maxSteps: 9, quiet: true })
  })

  test('empty variables count as unset', () => {
    expect(readConfig({ AGENT_SEED: '', AGENT_MAX_STEPS: '', AGENT_STRATEGY: '', AGENT_DEADLINE_MS: '' }, [])).toMatchObject({
      seed: null,
      maxSteps: null,
      strategy: 'astar',
      deadlineMs: null,
    })
  })

  test.each([
    [{ AGENT_STRATEGY: ' ' }, [], 'AGENT_STRATEGY'],
    [{ AGENT_STRATEGY: '\t' }, [], 'AGENT_STRATEGY'],
    [{}, ['--strategy', '  '], '--strategy'],
    [{ AGENT_MAX_STEPS: ' ' }, [], 'AGENT_MAX_STEPS'],
  ] as const)('a blank (whitespace-only) value %j %j is refused, not read as unset', (env, argv, name) => {
    expect(() => readConfig(env, argv)).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(name) }),
    )
  })
})

describe('readConfig: time budgets and --help', () => {
  test('time budgets: per decision and for the whole run (0 = none)', () => {
    expect(readConfig({ AGENT_DECISION_TIMEOUT_MS: '250', AGENT_DEADLINE_MS: '60000' }, [])).toMatchObject({
      decisionTimeoutMs: 250,
      deadlineMs: 60_000,
    })
    expect(readConfig({ AGENT_DEADLINE_MS: '1' }, ['--deadline-ms', '0', '--decision-timeout-ms', '1000'])).toMatchObject({
      decisionTimeoutMs: 1000,
      deadlineMs: null,
    })
    expect(() => readConfig({ AGENT_DECISION_TIMEOUT_MS: '0' }, [])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('AGENT_DECISION_TIMEOUT_MS') }),
    )
    expect(() => readConfig({}, ['--deadline-ms', 'soon'])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('--deadline-ms') }),
    )
    expect(USAGE).toContain('AGENT_DECISION_TIMEOUT_MS')
    expect(USAGE).toContain('AGENT_DEADLINE_MS')
  })

  test.each([
    [{ AGENT_MAX_STEPS: 'lots' }, [], 'AGENT_MAX_STEPS'],
    [{ AGENT_MAX_STEPS: '0' }, [], 'AGENT_MAX_STEPS'],
    [{ AGENT_SEED: '-1' }, [], 'AGENT_SEED'],
    [{ AGENT_SEED: '4294967296' }, [], 'AGENT_SEED'],
    [{ AGENT_SEED: '1.5' }, [], 'AGENT_SEED'],
    [{ AGENT_STARTUP_TIMEOUT_MS: '1e3' }, [], 'AGENT_STARTUP_TIMEOUT_MS'],
    [{ AGENT_REQUEST_TIMEOUT_MS: '0' }, [], 'AGENT_REQUEST_TIMEOUT_MS'],
    [{ MAZE_URL: 'model:5555' }, [], 'MAZE_URL'],
    [{ MAZE_URL: 'ftp://model' }, [], 'MAZE_URL'],
    [{}, ['--seed', 'x'], '--seed'],
    [{}, ['--max-steps', '-3'], '--max-steps'],
    [{}, ['--nope'], '--nope'],
    [{}, ['extra'], 'extra'],
  ] as const)('%j %j is rejected with AGENT_ERR_CONFIG naming %s', (env, argv, name) => {
    expect(() => readConfig(env, argv)).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(name) }),
    )
  })

  test('--help works whatever the environment holds', () => {
    expect(readConfig({ AGENT_SEED: 'bad' }, ['--help']).help).toBe(true)
    expect(USAGE).toContain('Exit codes')
  })
})

describe('readConfig: protocol and many runs', () => {
  test('--protocol / AGENT_PROTOCOL: auto (default), classic or episodes', () => {
    expect(readConfig({ AGENT_PROTOCOL: 'classic' }, []).protocol).toBe('classic')
    expect(readConfig({ AGENT_PROTOCOL: 'classic' }, ['--protocol', 'episodes']).protocol).toBe('episodes')
    expect(readConfig({ AGENT_PROTOCOL: '' }, []).protocol).toBe('auto')
    expect(() => readConfig({ AGENT_PROTOCOL: 'Auto' }, [])).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining('AGENT_PROTOCOL') }),
    )
  })

  test('--episodes / AGENT_EPISODES: N >= 1 runs on seeds the model picks', () => {
    expect(readConfig({ AGENT_EPISODES: '3' }, [])).toMatchObject({ episodes: 3, seeds: null })
    expect(readConfig({ AGENT_EPISODES: '3' }, ['--episodes', '50']).episodes).toBe(50)
    for (const bad of ['0', '-1', '1.5', 'many', ' 3']) {
      expect(() => readConfig({ AGENT_EPISODES: bad }, [])).toThrow(
        expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining('AGENT_EPISODES') }),
      )
    }
    expect(() => readConfig({}, ['--episodes', '0'])).toThrow(expect.objectContaining({ message: expect.stringContaining('--episodes') }))
  })

  test('--seeds / AGENT_SEEDS: single seeds and ranges, mixed, in the order given', () => {
    const { seeds } = readConfig({}, ['--seeds', '1,5,9'])
    expect(seeds).toEqual([
      { from: 1, to: 1 },
      { from: 5, to: 5 },
      { from: 9, to: 9 },
    ])
    const mixed = readConfig({ AGENT_SEEDS: '7, 100-103 ,2,4294967295' }, []).seeds!
    expect([...seedsOf(mixed)]).toEqual([7, 100, 101, 102, 103, 2, 4294967295])
    expect(seedCount(mixed)).toBe(7)
    expect(seedCount(readConfig({}, ['--seeds', '0-4294967295']).seeds!)).toBe(4294967296)
    expect(readConfig({}, ['--seeds', '5-5']).seeds).toEqual([{ from: 5, to: 5 }])
  })

  test.each([
    ['--seeds', '5-1'],
    ['--seeds', '1,,2'],
    ['--seeds', '1,'],
    ['--seeds', '1-'],
    ['--seeds', '-3'],
    ['--seeds', '1-2-3'],
    ['--seeds', '4294967296'],
    ['--seeds', '0-4294967296'],
    ['--seeds', '0x10'],
    ['--seeds', '1.5'],
  ])('%s %s is refused, naming the flag', (flag, value) => {
    expect(() => readConfig({}, [flag, value])).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining('--seeds') }),
    )
  })
})

describe('readConfig: many runs, what is refused with them, and --help', () => {
  test('--episodes and --seeds together are refused (either source), naming both', () => {
    for (const [env, argv, names] of [
      [{}, ['--episodes', '3', '--seeds', '1-3'], ['--episodes', '--seeds']],
      [{ AGENT_EPISODES: '3', AGENT_SEEDS: '1' }, [], ['AGENT_EPISODES', 'AGENT_SEEDS']],
      [{ AGENT_SEEDS: '1' }, ['--episodes', '2'], ['--episodes', 'AGENT_SEEDS']],
    ] as const) {
      let message = ''
      try {
        readConfig(env, argv)
      } catch (err) {
        expect(err).toMatchObject({ code: AgentErrorCode.Config })
        message = (err as Error).message
      }
      for (const name of names) expect(message).toContain(name)
      expect(message).toContain('not allowed together')
    }
    // --help is still help.
    expect(readConfig({}, ['--help', '--episodes', '3', '--seeds', '1']).help).toBe(true)
  })

  test("--width/--height: the episodes' size, both or neither, under the one size rule, only with many runs", () => {
    expect(readConfig({ AGENT_WIDTH: '30', AGENT_HEIGHT: '8' }, ['--episodes', '2'])).toMatchObject({ width: 30, height: 8 })
    expect(readConfig({}, ['--seeds', '1', '--width', '100000', '--height', '1000'])).toMatchObject({ width: 100_000, height: 1000 })
    const refused = (env: Record<string, string>, argv: string[], text: string): void => {
      expect(() => readConfig(env, argv)).toThrow(
        expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(text) }),
      )
    }
    refused({}, ['--episodes', '2', '--width', '30'], '--width needs --height')
    refused({ AGENT_HEIGHT: '8' }, ['--episodes', '2'], 'AGENT_HEIGHT needs --width')
    refused({}, ['--episodes', '2', '--width', '100000', '--height', '1001'], 'at most 100,000,000 cells')
    refused({}, ['--episodes', '2', '--width', '1', '--height', '2'], 'at least 3 cells')
    refused({}, ['--episodes', '2', '--width', '0', '--height', '8'], '--width="0" is not allowed')
    refused({}, ['--episodes', '2', '--width', '100001', '--height', '8'], '--width="100001" is not allowed')
    refused({}, ['--width', '30', '--height', '8'], 'they need --episodes or --seeds')
  })

  test('many runs need the episodes routes: not with --protocol classic', () => {
    expect(() => readConfig({ AGENT_PROTOCOL: 'classic' }, ['--seeds', '1-3'])).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining('AGENT_PROTOCOL=classic') }),
    )
    expect(readConfig({ AGENT_PROTOCOL: 'episodes' }, ['--seeds', '1-3']).protocol).toBe('episodes')
  })

  test('a leading `--` (what `pnpm agent -- --seeds 1-20` passes on) is dropped; a later one is a stray argument', () => {
    expect(readConfig({}, ['--', '--seeds', '1-20', '--strategy', 'random-dfs'])).toMatchObject({
      seeds: [{ from: 1, to: 20 }],
      strategy: 'random-dfs',
    })
    expect(() => readConfig({}, ['--seeds', '1', '--', '--quiet'])).toThrow(expect.objectContaining({ code: AgentErrorCode.Config }))
  })

  test('--help lists the new options and says many runs print no maps', () => {
    for (const text of [
      '--protocol',
      'AGENT_PROTOCOL',
      '--episodes',
      'AGENT_EPISODES',
      '--seeds',
      'AGENT_SEEDS',
      '--width',
      'AGENT_WIDTH',
      '--height',
      'AGENT_HEIGHT',
      'no maps',
      '--seeds 1-20 --strategy random-dfs',
      '--seeds 1-20 --strategy astar,random-dfs',
      'seed 1 with a, seed 1 with b, seed 2 with a',
    ]) {
      expect(USAGE).toContain(text)
    }
  })
})

describe('readConfig: several strategies (--strategy a,b with --seeds)', () => {
  test('--strategy / AGENT_STRATEGY: several, comma-separated (items trimmed), with --seeds; one is a list of one', () => {
    expect(readConfig({}, ['--seeds', '1-3', '--strategy', 'astar, random-dfs ,./mine.js'])).toMatchObject({
      strategy: 'astar, random-dfs ,./mine.js',
      strategies: ['astar', 'random-dfs', './mine.js'],
    })
    expect(readConfig({ AGENT_STRATEGY: 'random-dfs,astar', AGENT_SEEDS: '7' }, []).strategies).toEqual(['random-dfs', 'astar'])
    expect(readConfig({}, ['--strategy', './mine.js'])).toMatchObject({ strategy: './mine.js', strategies: ['./mine.js'] })
    expect(readConfig({ AGENT_EPISODES: '3', AGENT_STRATEGY: 'random-dfs' }, []).strategies).toEqual(['random-dfs'])
  })

  test.each([
    [{ AGENT_SEEDS: '1-3', AGENT_STRATEGY: 'astar,random-dfs,astar' }, [], 'AGENT_STRATEGY="astar,random-dfs,astar" names "astar" twice'],
    [{ AGENT_SEEDS: '1-3' }, ['--strategy', 'astar, astar'], '--strategy="astar, astar" names "astar" twice'],
    [{ AGENT_SEEDS: '1-3' }, ['--strategy', 'astar,,random-dfs'], '--strategy="astar,,random-dfs" has an empty item'],
    [{ AGENT_SEEDS: '1-3', AGENT_STRATEGY: 'astar,' }, [], 'AGENT_STRATEGY="astar," has an empty item'],
    [{}, ['--strategy', ',astar'], '--strategy=",astar" has an empty item'],
    [{ AGENT_STRATEGY: 'astar,random-dfs' }, ['--episodes', '4'], 'AGENT_STRATEGY names 2 strategies: they need --seeds'],
    [{ AGENT_STRATEGY: 'astar,random-dfs' }, [], 'AGENT_STRATEGY names 2 strategies: several strategies need many-runs mode with --seeds'],
    [{}, ['--strategy', 'astar,random-dfs'], '--strategy names 2 strategies: several strategies need many-runs mode'],
  ] as const)('a bad strategy list %j %j: AGENT_ERR_CONFIG, %s', (env, argv, text) => {
    expect(() => readConfig(env, argv)).toThrow(
      expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(text) }),
    )
  })

  test('a list with --episodes says why: the model picks those seeds, the strategies could not share them', () => {
    expect(() => readConfig({}, ['--episodes', '4', '--strategy', 'astar,random-dfs'])).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('with --episodes the model picks the seeds, so they could not be shared'),
      }),
    )
  })
})

describe('readConfig: refused the same way as every program (@maze-sim/config)', () => {
  /** What @maze-sim/config says of `env` and `argv` read by the agent's own table. */
  const configSays = (env: Record<string, string>, argv: string[]): string => {
    try {
      read(AGENT_OPTIONS, { env, argv })
    } catch (err) {
      if (err instanceof ConfigProblems) return err.problems.join('; ')
      throw err
    }
    throw new Error('read')
  }

  // The agent takes a seed list (AGENT_SEEDS, --seeds) and no WIDTHxHEIGHT size (--width and --height).
  test.each([
    [{ AGENT_SEEDS: ' 80' }, [], 'AGENT_SEEDS=" 80" has spaces around it: expected seeds from 0 to 4294967295'],
    [{ AGENT_SEEDS: '+5' }, [], 'AGENT_SEEDS="+5" is not allowed: "+5" is not a seed or a range FROM-TO'],
    [
      { AGENT_SEEDS: '1 - 3' },
      [],
      'AGENT_SEEDS="1 - 3" is not allowed: "1 - 3" is not a seed or a range FROM-TO of seeds (digits, no spaces inside)',
    ],
    [{}, ['--seeds', '1 - 3'], '--seeds="1 - 3" is not allowed: "1 - 3" is not a seed or a range'],
    [{}, ['--seeds', ' 80'], '--seeds=" 80" has spaces around it'],
    [{ AGENT_SEED: '+5' }, [], 'AGENT_SEED="+5" is not allowed: expected an integer from 0 to 4294967295'],
    [{ AGENT_WIDTH: ' 80', AGENT_HEIGHT: '20' }, ['--seeds', '1'], 'AGENT_WIDTH=" 80" has spaces around it'],
  ] as [Record<string, string>, string[], string][])(
    '%j %j: AGENT_ERR_CONFIG (exit 2), in the config reader’s words',
    (env, argv, message) => {
      const said = configSays(env, argv)
      expect(said).toContain(message)
      expect(() => readConfig(env, argv)).toThrow(expect.objectContaining({ code: AgentErrorCode.Config, message: said }))
      expect(exitCodeOf(new AgentError(AgentErrorCode.Config, said))).toBe(2)
    },
  )

  test('the program: AGENT_SEEDS="1 - 3" exits 2 before any request, its result line in the config reader’s words', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      env: { PATH: process.env.PATH ?? '', AGENT_SEEDS: '1 - 3', MAZE_URL: 'http://127.0.0.1:9' },
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.resume()
    const [code] = (await once(child, 'close')) as [number | null]
    expect(code).toBe(2)
    const result = JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>
    expect(result).toMatchObject({ error: AgentErrorCode.Config, message: configSays({ AGENT_SEEDS: '1 - 3' }, []) })
  })
})
