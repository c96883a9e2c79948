// A team ships its strategy as an image FROM the agent image (packages/example-strategy/Dockerfile):
// built here, run against the model image, it solves with the team's strategy.
import { join } from 'node:path'
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'
import {
  describeWithDocker,
  images,
  labelled,
  parseAgentStdout,
  QUIET_TELEMETRY,
  runToExit,
  startNetwork,
  testContainer,
} from './support.ts'

const TEAM_IMAGE = 'maze-sim/example-strategy:test'

describeWithDocker('a team-strategy image (packages/example-strategy/Dockerfile)', () => {
  let network: StartedNetwork
  let model: StartedTestContainer
  let team: GenericContainer
  beforeAll(async () => {
    team = labelled(
      await GenericContainer.fromDockerfile(join(repoRoot, 'packages/example-strategy'))
        .withBuildkit()
        .withBuildArgs({ AGENT_IMAGE: images().agent })
        .build(TEAM_IMAGE, { deleteOnExit: false }),
    )
    network = await startNetwork()
    model = await testContainer(images().model)
      .withNetwork(network)
      .withNetworkAliases('model')
      .withEnvironment({ ...QUIET_TELEMETRY, MAZE_WIDTH: '40', MAZE_HEIGHT: '15', MAZE_SEED: '5' })
      .withWaitStrategy(Wait.forLogMessage(/"maze ready"/))
      .start()
  })
  afterAll(async () => {
    await model?.stop()
    await network?.stop()
    const client = await getContainerRuntimeClient()
    await client.container.dockerode
      .getImage(TEAM_IMAGE)
      .remove()
      .catch(() => {})
  })

  test('sets AGENT_STRATEGY to the team package, still runs as node', async () => {
    const client = await getContainerRuntimeClient()
    const { Config } = await client.container.dockerode.getImage(TEAM_IMAGE).inspect()
    expect(Config.Env).toContain('AGENT_STRATEGY=/opt/strategies/example-strategy/src/index.ts')
    expect(Config.User).toBe('node')
  })

  test('solves a maze with wall-follower', async () => {
    const agent = await runToExit(team.withNetwork(network).withEnvironment({ ...QUIET_TELEMETRY, MAZE_URL: 'http://model:5555' }))
    expect(agent.exitCode, agent.stderr).toBe(0)
    const { map, result } = parseAgentStdout(agent.stdout)
    expect(result).toMatchObject({ strategy: 'wall-follower', width: 40, height: 15, seed: 5, solved: true })
    expect(map).toHaveLength(31)
  })
})
