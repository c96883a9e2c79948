// The two programs as separate processes over real HTTP, as they run in containers.
import { once } from 'node:events'
import { createServer } from 'node:net'
import { generateMaze, solve } from '@maze-sim/maze'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { agentEntry, freePort, modelEntry, simEntry, startNode, waitForHttp, type Running } from './support/processes.ts'
import { until } from './support/view.ts'

const SEED = 31337
let model: Running
let url: string

beforeAll(async () => {
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  model = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', MAZE_SEED: String(SEED), MAZE_WIDTH: '60', MAZE_HEIGHT: '25' })
  await waitForHttp(`${url}/health/ready`)
})
afterAll(async () => {
  expect(await model.stop('SIGTERM')).toBe(0)
})

describe('agent process against model process', () => {
  const optimal = solve(generateMaze({ width: 60, height: 25, seed: SEED })).optimalSteps

  test.each(['random-dfs', 'astar', '@maze-sim/example-strategy'])('%s solves and reports a scored result', async (strategy) => {
    // `await using`: every process a test starts is killed when the test ends, also when it fails.
    await using agent = startNode(agentEntry, ['--quiet'], { MAZE_URL: url, AGENT_STRATEGY: strategy })
    expect(await agent.exited, agent.stderr()).toBe(0)
    const lines = agent.stdout().trimEnd().split('\n')
    const result = JSON.parse(lines.at(-1)!)
    expect(Object.keys(result)).toEqual([
      'strategy',
      'width',
      'height',
      'seed',
      'solved',
      'steps',
      'keyStep',
      'requests',
      'elapsedMs',
      'optimalSteps',
    ])
    expect(result).toMatchObject({ width: 60, height: 25, seed: SEED, solved: true, optimalSteps: optimal })
    expect(result.steps).toBeGreaterThanOrEqual(optimal)
    expect(result.keyStep).toBeLessThan(result.steps)
    // The printed map: 2h+1 lines of 2w+1 characters, the walk marked.
    const map = lines.slice(0, -1)
    expect(map).toHaveLength(51)
    for (const line of map) expect(line).toHaveLength(121)
    expect(map.join('\n')).toContain('*')
  })

  test('the agent started before the model waits for it, then solves', async () => {
    const port = await freePort()
    // Until the model is there, a listener that resets every connection holds the port: the agent's
    // attempts are seen, so the model starts once the agent has provably been turned away twice.
    let turnedAway = 0
    const refusing = createServer((socket) => {
      turnedAway++
      socket.resetAndDestroy()
    })
    refusing.listen(port, '127.0.0.1')
    await once(refusing, 'listening')
    await using agent = startNode(agentEntry, ['--quiet'], { MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STRATEGY: 'astar' })
    try {
      await until(() => turnedAway >= 2, 'the agent to try twice before the model is up')
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()))
    }
    await using late = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', MAZE_SEED: '5' })
    expect(await agent.exited, agent.stderr()).toBe(0)
    expect(JSON.parse(agent.stdout().trimEnd().split('\n').at(-1)!)).toMatchObject({ seed: 5, solved: true })
    expect(await late.stop()).toBe(0)
  })

  test('with no model at all the agent exits 3 with a clear message after its start-up wait', async () => {
    const port = await freePort()
    await using agent = startNode(agentEntry, [], { MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STARTUP_TIMEOUT_MS: '2000' })
    expect(await agent.exited).toBe(3)
    // It gave up because its start-up wait ran out (the message says so), not for another reason.
    expect(agent.stderr()).toContain('AGENT_ERR_MODEL_UNREACHABLE')
    expect(agent.stderr()).toContain(`127.0.0.1:${port}`)
    expect(agent.stderr()).toContain('within the start-up wait of 2 s')
  })
})

describe('npm start (packages/sim)', () => {
  test('runs model and agent together and prints the solved map and the result', async () => {
    await using sim = startNode(simEntry, ['--seed', '9', '--port', '0', '--strategy', 'random-dfs'])
    expect(await sim.exited, sim.stderr()).toBe(0)
    const lines = sim.stdout().trimEnd().split('\n')
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ strategy: 'random-dfs', seed: 9, width: 80, height: 20, solved: true })
    const map = lines.slice(0, -1).join('\n')
    for (const label of ['S', 'K', 'E', '*']) expect(map).toContain(label)
    expect(sim.stderr()).toMatch(/maze model on http:\/\/127\.0\.0\.1:\d+/)
  })

  test('a bad option exits 2 naming it', async () => {
    await using sim = startNode(simEntry, ['--width', 'wide'])
    expect(await sim.exited).toBe(2)
    expect(sim.stderr()).toContain('--width')
  })
})
