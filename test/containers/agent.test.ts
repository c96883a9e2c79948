// The agent image against the model image on a user-defined network (the model reachable as
// `model`): it solves; started long before the model, it waits and solves; with no model at all it
// gives up within its bound, exit 3, with a clear message.
import { createInterface } from 'node:readline'
import { getContainerRuntimeClient, Wait, type GenericContainer, type StartedNetwork, type StartedTestContainer } from 'testcontainers'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import {
  describeWithDocker,
  images,
  parseAgentStdout,
  QUIET_TELEMETRY,
  runToExit,
  startNetwork,
  startOneShot,
  testContainer,
} from './support.ts'

const WIDTH = 60
const HEIGHT = 25

const modelContainer = (network: StartedNetwork, seed: number): GenericContainer =>
  testContainer(images().model)
    .withNetwork(network)
    .withNetworkAliases('model')
    .withEnvironment({ ...QUIET_TELEMETRY, MAZE_WIDTH: String(WIDTH), MAZE_HEIGHT: String(HEIGHT), MAZE_SEED: String(seed) })

const agentContainer = (network: StartedNetwork, env: Record<string, string> = {}): GenericContainer =>
  testContainer(images().agent)
    .withNetwork(network)
    .withEnvironment({ ...QUIET_TELEMETRY, MAZE_URL: 'http://model:5555', ...env })

/** Resolves with the first line of the container's output matching `pattern` (the test's timeout bounds the wait). */
async function outputLine(container: StartedTestContainer, pattern: RegExp): Promise<string> {
  const stream = await container.logs()
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) if (pattern.test(line)) return line
    throw new Error(`the container's output ended with no line matching ${pattern}`)
  } finally {
    stream.destroy()
  }
}

describeWithDocker('the agent image', () => {
  let network: StartedNetwork
  const cleanup: Array<() => Promise<unknown>> = []
  beforeAll(async () => {
    network = await startNetwork()
  })
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })
  afterAll(async () => {
    await network?.stop()
  })

  test.each(['astar', 'random-dfs'])('%s solves a maze served by the model container; map, then the JSON line', async (strategy) => {
    const model: StartedTestContainer = await modelContainer(network, 42)
      .withWaitStrategy(Wait.forLogMessage(/"maze ready"/))
      .start()
    cleanup.push(() => model.stop())
    const agent = await runToExit(agentContainer(network, { AGENT_STRATEGY: strategy }))
    expect(agent.exitCode, agent.stderr).toBe(0)
    const { map, result } = parseAgentStdout(agent.stdout)
    expect(result).toMatchObject({ strategy, width: WIDTH, height: HEIGHT, seed: 42, solved: true })
    expect(map).toHaveLength(2 * HEIGHT + 1)
    for (const line of map) expect(line).toHaveLength(2 * WIDTH + 1)
    for (const label of ['S', 'K', 'E', '*']) expect(map.join('\n')).toContain(label)
  })

  test('started before the model, it waits for it, then solves', async () => {
    const agent = await startOneShot(agentContainer(network))
    // It has begun its run against a model that is not there (its first request comes right after
    // this line); the model then takes a while to start, the agent retrying all along.
    await outputLine(agent.container, /maze-agent: strategy \S+, model http:\/\/model:5555/)
    // Still running with no model there: it is waiting, not gone.
    const client = await getContainerRuntimeClient()
    expect((await client.container.getById(agent.container.getId()).inspect()).State.Running).toBe(true)
    const model = await modelContainer(network, 7).start()
    cleanup.push(() => model.stop())
    const outcome = await agent.exited
    expect(outcome.exitCode, outcome.stderr).toBe(0)
    expect(parseAgentStdout(outcome.stdout).result).toMatchObject({ seed: 7, solved: true })
  })

  test('with no model at all it exits 3 with a clear message within its bound', async () => {
    const agent = await runToExit(agentContainer(network, { AGENT_STARTUP_TIMEOUT_MS: '3000' }))
    expect(agent.exitCode).toBe(3)
    // It gave up because of its bound (the test's timeout catches one that never gives up).
    expect(agent.stderr).toContain('AGENT_ERR_MODEL_UNREACHABLE')
    expect(agent.stderr).toContain('within the start-up wait of 3 s')
    expect(agent.stderr).toContain('http://model:5555')
  })
})
