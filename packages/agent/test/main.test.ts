// The agent program as a process: `node packages/agent/src/main.ts` against the fixture server.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { generateMaze } from '@maze-sim/maze'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AGENT_RESULT_KEYS } from '../src/result.ts'
import { freePort, startFixtureServer, type FixtureServer } from './fixtures/maze-server.ts'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url))

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs main.ts with only the given environment (plus PATH), from the agent package directory. */
function agent(env: Record<string, string>, args: string[] = [], killOn?: { stderr: string; signal: NodeJS.Signals }): Promise<Exit> {
  const started = Date.now()
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: AGENT_DIR, env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c))
  let killed = false
  child.stderr.on('data', (c: Buffer) => {
    stderr += c
    // Signals are sent once the program says it got that far (not after some time: slow machines).
    if (killOn !== undefined && !killed && stderr.includes(killOn.stderr)) {
      killed = true
      child.kill(killOn.signal)
    }
  })
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })))
}

const lastLine = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>

const maze = generateMaze({ width: 21, height: 11, seed: 5 })
let server: FixtureServer
let metaServer: FixtureServer
beforeAll(async () => {
  server = await startFixtureServer({ maze, unavailableFor: 1, retryAfter: '0' })
  metaServer = await startFixtureServer({ maze, meta: true })
})
afterAll(async () => {
  await server.close()
  await metaServer.close()
})

describe('main.ts', () => {
  test('solves against an original-contract server: map on stdout, the result JSON as the last line, exit 0', async () => {
    const run = await agent({ MAZE_URL: server.url, AGENT_STRATEGY: 'random-dfs', AGENT_SEED: '9' })
    expect(run.stderr).not.toContain('AGENT_ERR')
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2 * 11 + 1 + 1)
    expect(lines[0]).toMatch(/^[+-]+$/)
    const result = lastLine(run.stdout)
    expect(Object.keys(result)).toEqual([...AGENT_RESULT_KEYS])
    expect(result).toMatchObject({ strategy: 'random-dfs', solved: true, width: 21, height: 11, seed: null, optimalSteps: null })
  })

  test('uses the meta extension when the server has it', async () => {
    const run = await agent({ MAZE_URL: metaServer.url }, ['--strategy', 'random-dfs', '--quiet'])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(lastLine(run.stdout)).toMatchObject({ seed: 5, solved: true })
    expect(lastLine(run.stdout).optimalSteps).toBeGreaterThan(0)
  })

  test('loads a team strategy package named in AGENT_STRATEGY', async () => {
    const run = await agent({ MAZE_URL: metaServer.url, AGENT_STRATEGY: '@maze-sim/example-strategy' })
    expect(run.code).toBe(0)
    expect(lastLine(run.stdout)).toMatchObject({ strategy: 'wall-follower', solved: true })
  })

  test('not solved within --max-steps: exit 1, still one result line', async () => {
    const run = await agent({ MAZE_URL: metaServer.url }, ['--strategy', 'random-dfs', '--max-steps', '1'])
    expect(run.code).toBe(1)
    expect(lastLine(run.stdout)).toMatchObject({ solved: false, steps: 1 })
  })

  test('bad environment: exit 2, one line naming the variable, no stack, and a result line', async () => {
    const run = await agent({ MAZE_URL: server.url, AGENT_MAX_STEPS: 'many' })
    expect(run.code).toBe(2)
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(lastLine(run.stdout)).toMatchObject({
      strategy: null,
      width: null,
      height: null,
      solved: false,
      steps: 0,
      error: 'AGENT_ERR_CONFIG',
    })
    expect(run.stderr).toMatch(/^maze-agent: AGENT_ERR_CONFIG: AGENT_MAX_STEPS="many" is not allowed: expected /)
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  test('unknown strategy: exit 2 with AGENT_ERR_STRATEGY_LOAD', async () => {
    const run = await agent({ MAZE_URL: server.url, AGENT_STRATEGY: '@acme/nope' })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('AGENT_ERR_STRATEGY_LOAD')
    expect(run.stderr).toContain('@acme/nope')
  })

  test('no model: exit 3 with AGENT_ERR_MODEL_UNREACHABLE within the start-up bound', async () => {
    const port = await freePort()
    const run = await agent({ MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STARTUP_TIMEOUT_MS: '1000', AGENT_STRATEGY: 'random-dfs' })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain(`AGENT_ERR_MODEL_UNREACHABLE: the maze model at http://127.0.0.1:${port}`)
    // It gave up because its start-up wait ran out (the message says which), not for another reason.
    expect(run.stderr).toContain('within the start-up wait of 1 s')
  })

  test('--help: usage with the exit codes, exit 0', async () => {
    const run = await agent({}, ['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: maze-agent')
    expect(run.stdout).toContain('Exit codes')
  })

  test('SIGTERM while waiting for the model: stops, exit 143', async () => {
    const waiting = await startFixtureServer({ maze, unavailableForMs: 60_000, retryAfter: '30' })
    try {
      const run = await agent({ MAZE_URL: waiting.url, AGENT_STRATEGY: 'random-dfs' }, [], {
        stderr: 'maze-agent: strategy random-dfs',
        signal: 'SIGTERM',
      })
      expect(run.code).toBe(143)
      expect(run.stderr).toContain('stopped by SIGTERM')
      expect(lastLine(run.stdout)).toMatchObject({ strategy: 'random-dfs', width: null, error: 'AGENT_ERR_ABORTED' })
    } finally {
      await waiting.close()
    }
  })
})
