import { describe, expect, test } from 'vitest'
import { readConfig, USAGE } from '../src/config.ts'
import { AgentErrorCode } from '../src/errors.ts'

describe('readConfig', () => {
  test('defaults', () => {
    expect(readConfig({}, [])).toEqual({
      url: 'http://127.0.0.1:5555',
      strategy: 'astar',
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
    const config = readConfig({ MAZE_URL: 'http://a:1', AGENT_SEED: '1' }, ['--url', 'http://b:2', '--seed=2', '--strategy', './mine.js', '--max-steps', '9', '-q'])
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
    expect(() => readConfig(env, argv)).toThrow(expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(name) }))
  })

  test('time budgets: per decision and for the whole run (0 = none)', () => {
    expect(readConfig({ AGENT_DECISION_TIMEOUT_MS: '250', AGENT_DEADLINE_MS: '60000' }, [])).toMatchObject({ decisionTimeoutMs: 250, deadlineMs: 60_000 })
    expect(readConfig({ AGENT_DEADLINE_MS: '1' }, ['--deadline-ms', '0', '--decision-timeout-ms', '1000'])).toMatchObject({
      decisionTimeoutMs: 1000,
      deadlineMs: null,
    })
    expect(() => readConfig({ AGENT_DECISION_TIMEOUT_MS: '0' }, [])).toThrow(expect.objectContaining({ message: expect.stringContaining('AGENT_DECISION_TIMEOUT_MS') }))
    expect(() => readConfig({}, ['--deadline-ms', 'soon'])).toThrow(expect.objectContaining({ message: expect.stringContaining('--deadline-ms') }))
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
    expect(() => readConfig(env, argv)).toThrow(expect.objectContaining({ code: AgentErrorCode.Config, message: expect.stringContaining(name) }))
  })

  test('--help works whatever the environment holds', () => {
    expect(readConfig({ AGENT_SEED: 'bad' }, ['--help']).help).toBe(true)
    expect(USAGE).toContain('Exit codes')
  })
})
