// The agent program as `pnpm agent` runs it (node --import instrument.ts main.ts): every exit prints
// exactly one result line, last on stdout, with the stable keys (and `error`/`message` when the run
// failed), and every way a strategy or a model can misbehave ends within a bound. No wall-clock
// assertions: each test waits for an event (a line on stderr, the exit) and checks behaviour.
import { once } from 'node:events'
import { join } from 'node:path'
import { generateMaze } from '@maze-sim/maze'
import { AGENT_RESULT_ERROR_KEYS, AGENT_RESULT_KEYS } from '@maze-sim/agent'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '@maze-sim/agent/testing/maze-server'
import {
  agentEntry,
  agentInstrument,
  freePort,
  repoRoot,
  simEntry,
  startNode,
  startNodeWithPreload,
  type Running,
} from '../support/processes.ts'

const strategyFixture = (name: string): string => join(repoRoot, 'packages/agent/test/fixtures/strategies', name)
const maze = generateMaze({ width: 9, height: 6, seed: 12 })

// No collector in these tests: telemetry off, so that exits do not wait on an exporter.
const BASE_ENV = { OTEL_SDK_DISABLED: 'true', DEBUG: '', AGENT_SEED: '3' }

const running: Running[] = []
afterAll(async () => {
  for (const r of running) await r.stop('SIGKILL')
})
function agent(env: Record<string, string>, args: string[] = []): Running {
  const r = startNodeWithPreload(agentInstrument, agentEntry, args, { ...BASE_ENV, ...env })
  running.push(r)
  return r
}

/** The last line of stdout, parsed, after checking it is the only JSON line and has the stable keys in order. */
function resultLine(r: Running): Record<string, unknown> {
  const lines = r.stdout().trimEnd().split('\n')
  const jsonLines = lines.filter((l) => l.startsWith('{'))
  expect(jsonLines, r.stderr()).toHaveLength(1)
  const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>
  const keys = Object.keys(result)
  expect(keys.slice(0, AGENT_RESULT_KEYS.length)).toEqual([...AGENT_RESULT_KEYS])
  if ('error' in result) expect(keys.slice(AGENT_RESULT_KEYS.length)).toEqual([...AGENT_RESULT_ERROR_KEYS])
  else expect(keys).toHaveLength(AGENT_RESULT_KEYS.length)
  return result
}

/** Resolves once stderr contains `text` (the run has reached that point). */
async function stderrContains(r: Running, text: string): Promise<void> {
  while (!r.stderr().includes(text)) {
    const ended = r.child.exitCode !== null || r.child.signalCode !== null
    if (ended) throw new Error(`the agent ended before printing ${JSON.stringify(text)}; stderr: ${r.stderr()}`)
    await Promise.race([once(r.child.stderr!, 'data'), r.exited])
  }
}

let server: FixtureServer
beforeAll(async () => {
  server = await startFixtureServer({ maze, meta: true })
})
afterAll(async () => {
  await server.close()
})

describe('agent program: a strategy cannot hang it', () => {
  test('a next() that never returns, then SIGTERM: stops, exit 143, a result line with AGENT_ERR_ABORTED', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('forever.mjs'), AGENT_DECISION_TIMEOUT_MS: '600000' })
    await stderrContains(r, 'rng seed') // the run started; the strategy is in its endless loop
    r.child.kill('SIGTERM')
    expect(await r.exited).toBe(143)
    expect(resultLine(r)).toMatchObject({
      strategy: 'fixture-forever',
      width: 9,
      height: 6,
      seed: 12,
      solved: false,
      steps: 0,
      error: 'AGENT_ERR_ABORTED',
    })
    expect(r.stderr()).toContain('stopped by SIGTERM')
  })

  test('SIGINT likewise: exit 130', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('forever.mjs'), AGENT_DECISION_TIMEOUT_MS: '600000' })
    await stderrContains(r, 'rng seed')
    r.child.kill('SIGINT')
    expect(await r.exited).toBe(130)
    expect(resultLine(r)).toMatchObject({ error: 'AGENT_ERR_ABORTED', solved: false })
  })

  test('a decision over its budget: exit 4, AGENT_ERR_DECISION_TIMEOUT', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('forever.mjs') }, ['--decision-timeout-ms', '300'])
    expect(await r.exited).toBe(4)
    expect(resultLine(r)).toMatchObject({
      strategy: 'fixture-forever',
      width: 9,
      error: 'AGENT_ERR_DECISION_TIMEOUT',
      message: expect.stringContaining('300 ms'),
    })
  })

  test('the whole-run deadline: exit 1 (not solved), AGENT_ERR_DEADLINE', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('forever.mjs'), AGENT_DEADLINE_MS: '500' })
    expect(await r.exited).toBe(1)
    expect(resultLine(r)).toMatchObject({ solved: false, error: 'AGENT_ERR_DEADLINE' })
  })

  test('a strategy calling process.exit(): only its worker ends; exit 4 with a result line', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('exits.mjs') })
    expect(await r.exited).toBe(4)
    expect(resultLine(r)).toMatchObject({
      strategy: 'fixture-exits',
      error: 'AGENT_ERR_STRATEGY_FAILED',
      message: expect.stringContaining('process.exit()'),
    })
  })

  test('a strategy that throws (and prints): exit 4; what it printed went to stderr, not stdout', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('throws.mjs') })
    expect(await r.exited).toBe(4)
    expect(resultLine(r)).toMatchObject({ error: 'AGENT_ERR_STRATEGY_FAILED', message: expect.stringContaining('boom') })
    expect(r.stdout()).not.toContain('a line from the strategy')
  })

  test('an illegal move: exit 4, AGENT_ERR_ILLEGAL_MOVE', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: strategyFixture('through-wall.mjs') })
    expect(await r.exited).toBe(4)
    expect(resultLine(r)).toMatchObject({ error: 'AGENT_ERR_ILLEGAL_MOVE' })
  })
})

describe('agent program: a result line on every exit', () => {
  test('solved: exit 0, the map, then the result line without error', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: 'random-dfs' })
    expect(await r.exited).toBe(0)
    expect(r.stdout().split('\n')[0]).toMatch(/^[+\- ]+$/)
    expect(resultLine(r)).toMatchObject({ strategy: 'random-dfs', solved: true, seed: 12 })
  })

  test('POST /maze/map fails after a solved run: still solved with its steps, exit 0, no map, a warning', async () => {
    const noMap = await startFixtureServer({
      maze,
      override: (method, path) => (method === 'POST' && path === '/maze/map' ? { status: 500, body: 'no' } : undefined),
    })
    try {
      const r = agent({ MAZE_URL: noMap.url, AGENT_STRATEGY: 'random-dfs' })
      expect(await r.exited).toBe(0)
      expect(r.stdout().trimEnd().split('\n')).toHaveLength(1)
      const result = resultLine(r)
      expect(result).toMatchObject({ solved: true })
      expect(result).not.toHaveProperty('error')
      expect(result.steps).toBeGreaterThan(0)
      expect(r.stderr()).toContain('no map: AGENT_ERR_BAD_RESPONSE')
    } finally {
      await noMap.close()
    }
  })

  test('bad configuration: exit 2 (a blank AGENT_STRATEGY is not "unset")', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: ' ' })
    expect(await r.exited).toBe(2)
    expect(resultLine(r)).toMatchObject({
      strategy: null,
      width: null,
      height: null,
      solved: false,
      steps: 0,
      requests: 0,
      error: 'AGENT_ERR_CONFIG',
    })
  })

  test('a strategy that does not load: exit 2, the specifier as the strategy', async () => {
    const r = agent({ MAZE_URL: server.url, AGENT_STRATEGY: '@acme/nope' })
    expect(await r.exited).toBe(2)
    expect(resultLine(r)).toMatchObject({ strategy: '@acme/nope', width: null, error: 'AGENT_ERR_STRATEGY_LOAD' })
  })

  test('no model: exit 3, AGENT_ERR_MODEL_UNREACHABLE, the size unknown', async () => {
    const port = await freePort()
    const r = agent({ MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STRATEGY: 'random-dfs', AGENT_STARTUP_TIMEOUT_MS: '500' })
    expect(await r.exited).toBe(3)
    expect(resultLine(r)).toMatchObject({ strategy: 'random-dfs', width: null, height: null, error: 'AGENT_ERR_MODEL_UNREACHABLE' })
  })

  test('a model that contradicts itself: exit 3 (the model’s fault, not the strategy’s), AGENT_ERR_BAD_RESPONSE', async () => {
    // Every second visit of a cell answers all four sides open.
    const liar = await startFixtureServer({
      maze,
      cell: (_x, _y, cell, visit) => (visit === 1 ? cell : { ...cell, up: 0, right: 0, down: 0, left: 0 }),
    })
    try {
      const r = agent({ MAZE_URL: liar.url, AGENT_STRATEGY: 'random-dfs' })
      expect(await r.exited).toBe(3)
      expect(resultLine(r)).toMatchObject({
        width: 9,
        height: 6,
        error: 'AGENT_ERR_BAD_RESPONSE',
        message: expect.stringContaining('contradicts itself'),
      })
    } finally {
      await liar.close()
    }
  })

  test('--help: no result line, exit 0', async () => {
    const r = agent({}, ['--help'])
    expect(await r.exited).toBe(0)
    expect(r.stdout()).not.toContain('{"')
    expect(r.stdout()).toContain('AGENT_DECISION_TIMEOUT_MS')
  })
})

describe('npm start uses the agent’s exit codes', () => {
  test('a strategy bug is exit 4 (as the agent), not 3', async () => {
    const r = startNode(
      simEntry,
      ['--width', '6', '--height', '4', '--seed', '1', '--port', '0', '-q', '--strategy', strategyFixture('through-wall.mjs')],
      BASE_ENV,
    )
    running.push(r)
    expect(await r.exited).toBe(4)
    expect(r.stderr()).toContain('AGENT_ERR_ILLEGAL_MOVE')
  })
})
