import { MAX_SEED, MIN_AREA, SIZE_RULE } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { ConfigProblems, read } from '@maze-sim/config'
import { drawSeed, ENV_VARS, MODEL_OPTIONS, readModelConfig, usage } from '../src/config.ts'
import { DEFAULT_EPISODE_LIMITS } from '../src/episodes/limits.ts'
import { ConfigError } from '../src/errors.ts'

function problemsOf(env: Record<string, string>): string[] {
  try {
    readModelConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('MAZE_ERR_CONFIG')
    return [...(error as ConfigError).problems]
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`)
}

describe('readModelConfig: what it reads', () => {
  test('defaults', () => {
    const config = readModelConfig({}, () => 1234)
    expect(config).toEqual({
      port: 5555,
      host: '0.0.0.0',
      width: 80,
      height: 20,
      seed: 1234,
      seedWasRandom: true,
      logLevel: 'info',
      logRequests: false,
      shutdownTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      episodeLimits: DEFAULT_EPISODE_LIMITS,
      sealed: undefined,
    })
  })

  test('reads every variable', () => {
    const config = readModelConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      MAZE_WIDTH: '10000',
      MAZE_HEIGHT: '10000',
      MAZE_SEED: String(MAX_SEED),
      LOG_LEVEL: 'debug',
      LOG_REQUESTS: 'true',
      SHUTDOWN_TIMEOUT_MS: '500',
      REQUEST_TIMEOUT_MS: '1500',
      IDLE_TIMEOUT_MS: '2500',
    })
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      width: 10000,
      height: 10000,
      seed: MAX_SEED,
      seedWasRandom: false,
      logLevel: 'debug',
      logRequests: true,
      shutdownTimeoutMs: 500,
      requestTimeoutMs: 1500,
      idleTimeoutMs: 2500,
      episodeLimits: DEFAULT_EPISODE_LIMITS,
      sealed: undefined,
    })
  })

  test('an empty variable counts as unset', () => {
    expect(readModelConfig({ MAZE_SEED: '', PORT: '' }, () => 9)).toMatchObject({ seed: 9, seedWasRandom: true, port: 5555 })
  })

  test('MAZE_SEED=0 is a seed, not "unset"', () => {
    expect(readModelConfig({ MAZE_SEED: '0' })).toMatchObject({ seed: 0, seedWasRandom: false })
  })
})

describe('readModelConfig: what it refuses, and the size rule', () => {
  test.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', 'http'],
    ['PORT', '80.5'],
    ['HOST', 'two words'],
    ['MAZE_WIDTH', '0'],
    ['MAZE_WIDTH', 'abc'],
    ['MAZE_WIDTH', '8e1'],
    ['MAZE_WIDTH', ' 80'],
    ['MAZE_WIDTH', '100001'],
    ['MAZE_HEIGHT', '-20'],
    ['MAZE_HEIGHT', '0x14'],
    ['MAZE_SEED', '-1'],
    ['MAZE_SEED', String(MAX_SEED + 1)],
    ['MAZE_SEED', '1.5'],
    ['MAZE_SEED', 'random'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_REQUESTS', 'yes'],
    ['SHUTDOWN_TIMEOUT_MS', '600001'],
    ['REQUEST_TIMEOUT_MS', '0'],
    ['REQUEST_TIMEOUT_MS', '99'],
    ['REQUEST_TIMEOUT_MS', '3600001'],
    ['IDLE_TIMEOUT_MS', '0'],
    ['IDLE_TIMEOUT_MS', '30s'],
  ])('%s=%j is rejected with a message naming it, the value and what is allowed', (name, value) => {
    const problems = problemsOf({ [name]: value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(name)
    expect(problems[0]).toContain(JSON.stringify(value))
    expect(problems[0]).toMatch(/expected/)
  })

  test('an area above the domain limit is rejected naming both variables', () => {
    const problems = problemsOf({ MAZE_WIDTH: '100000', MAZE_HEIGHT: '100000' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/MAZE_WIDTH=100000 and MAZE_HEIGHT=100000/)
    expect(problems[0]).toMatch(/at most 100,000,000 cells/)
  })

  test.each([
    ['1', '1'],
    ['1', '2'],
    ['2', '1'],
  ])("MAZE_WIDTH=%s MAZE_HEIGHT=%s is too small for a start, a key and an exit: the maze package's size rule", (w, h) => {
    const problems = problemsOf({ MAZE_WIDTH: w, MAZE_HEIGHT: h })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`MAZE_WIDTH=${w} and MAZE_HEIGHT=${h}`)
    expect(problems[0]).toContain(`at least ${MIN_AREA} cells`)
  })

  test.each([
    ['1', '3'],
    ['3', '1'],
    ['2', '2'],
  ])('MAZE_WIDTH=%s MAZE_HEIGHT=%s is the smallest kind of maze, accepted', (w, h) => {
    expect(readModelConfig({ MAZE_WIDTH: w, MAZE_HEIGHT: h })).toMatchObject({ width: Number(w), height: Number(h) })
  })

  test('a bad side is reported once, without an area problem on top', () => {
    expect(problemsOf({ MAZE_WIDTH: '0', MAZE_HEIGHT: '1' })).toEqual([expect.stringMatching(/^MAZE_WIDTH="0"/)])
  })

  test('--help states the size rule of the maze package', () => {
    for (const name of ['MAZE_WIDTH', 'MAZE_HEIGHT']) expect(ENV_VARS.find((v) => v.name === name)?.allowed).toBe(SIZE_RULE)
  })

  test('every problem is reported, not just the first', () => {
    const problems = problemsOf({ PORT: 'x', MAZE_WIDTH: 'y', MAZE_SEED: 'z', LOG_LEVEL: 'w' })
    expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'MAZE_WIDTH', 'MAZE_SEED', 'LOG_LEVEL'])
    expect(problemsOf({ PORT: 'x', MAZE_SEED: 'z' }).join('\n')).toBe(
      (() => {
        try {
          readModelConfig({ PORT: 'x', MAZE_SEED: 'z' })
        } catch (error) {
          return (error as Error).message
        }
        return ''
      })(),
    )
  })
})

test('drawSeed gives unsigned 32-bit integers', () => {
  for (let i = 0; i < 1000; i++) {
    const seed = drawSeed()
    expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED).toBe(true)
  }
})

test('usage lists every variable with its default', () => {
  const text = usage()
  for (const v of ENV_VARS) {
    expect(text).toContain(v.name)
    expect(text).toContain(`default: ${v.default}`)
  }
})

describe('episodes and sealed mode', () => {
  test("every episode limit is a variable with the limit's own default and range", () => {
    const config = readModelConfig({ EPISODES_MAX_LIVE: '8', EPISODES_IDLE_MS: '1000', EPISODES_MAX_MOVES_PER_REQUEST: '50' }, () => 1)
    expect(config.episodeLimits).toEqual({ ...DEFAULT_EPISODE_LIMITS, maxLive: 8, idleMs: 1000, maxMovesPerRequest: 50 })
    expect(problemsOf({ EPISODES_MAX_LIVE: '0' })).toEqual([
      expect.stringMatching(/^EPISODES_MAX_LIVE="0" is not allowed: expected an integer from 1 to 100000/),
    ])
    expect(problemsOf({ EPISODES_MAX_AREA: '2000000', EPISODES_MAX_LIVE_CELLS: '1000000' })).toEqual([
      expect.stringMatching(
        /^EPISODES_MAX_AREA=2000000 and EPISODES_MAX_LIVE_CELLS=1000000 .*maxArea \(2000000\) must be at most maxLiveCells/,
      ),
    ])
    for (const name of ['EPISODES_MAX_LIVE', 'EPISODES_IDLE_MS', 'MODEL_SEALED', 'MODEL_SEALED_SECRET', 'MODEL_VIEWER_TOKEN']) {
      expect(usage()).toContain(name)
    }
  })

  test('MODEL_SEALED=true needs a secret of 16 characters or more; the viewer token is optional', () => {
    expect(problemsOf({ MODEL_SEALED: 'true' })).toEqual([
      expect.stringMatching(/^MODEL_SEALED=true and MODEL_SEALED_SECRET.*secret must be at least 16 characters/),
    ])
    expect(problemsOf({ MODEL_SEALED: 'true', MODEL_SEALED_SECRET: 'short' })).toHaveLength(1)
    expect(readModelConfig({ MODEL_SEALED: 'true', MODEL_SEALED_SECRET: 'a-secret-of-some-length' }, () => 1).sealed).toEqual({
      secret: 'a-secret-of-some-length',
      viewerToken: undefined,
    })
    expect(
      readModelConfig({ MODEL_SEALED: '1', MODEL_SEALED_SECRET: 'a-secret-of-some-length', MODEL_VIEWER_TOKEN: 'let-me-see' }, () => 1)
        .sealed,
    ).toEqual({ secret: 'a-secret-of-some-length', viewerToken: 'let-me-see' })
    // Off by default, and a secret without MODEL_SEALED changes nothing.
    expect(readModelConfig({ MODEL_SEALED_SECRET: 'a-secret-of-some-length' }, () => 1).sealed).toBeUndefined()
  })
})

describe('readModelConfig: refused the same way as every program (@maze-sim/config)', () => {
  /** What @maze-sim/config says of `env` read by the model's own table. */
  const configSays = (env: Record<string, string>): string[] => {
    try {
      read(MODEL_OPTIONS, { env })
    } catch (err) {
      if (err instanceof ConfigProblems) return [...err.problems]
      throw err
    }
    return []
  }

  // The model takes no seed list and no WIDTHxHEIGHT size: its numbers are refused as every program refuses them.
  test.each([
    [{ MAZE_SEED: ' 80' }, 'MAZE_SEED=" 80" has spaces around it: expected an integer from 0 to 4294967295'],
    [{ MAZE_SEED: '+5' }, 'MAZE_SEED="+5" is not allowed: expected an integer from 0 to 4294967295'],
    [{ MAZE_WIDTH: ' 80' }, 'MAZE_WIDTH=" 80" has spaces around it'],
    [{ MAZE_WIDTH: '+5' }, 'MAZE_WIDTH="+5" is not allowed'],
    [{ PORT: ' 80' }, 'PORT=" 80" has spaces around it'],
    [{ PORT: '+5' }, 'PORT="+5" is not allowed'],
  ])('%j: MAZE_ERR_CONFIG (the program exits 2), in the config reader’s words', (env, message) => {
    const said = configSays(env)
    expect(said).toEqual([expect.stringContaining(message)])
    expect(problemsOf(env)).toEqual(said)
  })
})
