// Several viewers of the live view at once, and one that joins late: all end up with the same run,
// equal to what the agent (a real process) reports and to the map it got back.
import { startModel, type RunningModel } from '@maze-sim/model'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { agentEntry, startNode } from '../support/processes.ts'
import { connectViewer, until, viewStats, type SseViewer } from '../support/view.ts'

const WIDTH = 80
const HEIGHT = 40
let model: RunningModel

beforeAll(async () => {
  model = await startModel({ port: 0, width: WIDTH, height: HEIGHT, seed: 11 })
  await model.ready
})
afterAll(() => model.close())

test('three viewers from the start and a late joiner see the whole run of an agent process', async () => {
  const early: SseViewer[] = []
  for (let k = 0; k < 3; k++) early.push(await connectViewer(model.url))
  await until(() => early.every((v) => v.replica.maze !== undefined), 'the maze on every viewer')

  // `await using`: the agent processes are killed when the test ends, also after a failed wait.
  // The classic routes: this is the classic run's view (an agent on `auto` would play an episode,
  // which the page follows from the episodes' list: test/view/episodes-browser.test.ts).
  await using agent = startNode(agentEntry, ['--quiet'], { MAZE_URL: model.url, AGENT_STRATEGY: 'random-dfs', AGENT_PROTOCOL: 'classic' })
  await until(() => early[0]!.replica.steps >= 500, 'the agent to walk 500 steps')

  // The late joiner gets the trail so far in its first snapshot, then the live batches.
  const sensedBefore = early[0]!.replica.sensedCells
  const late = await connectViewer(model.url)
  await until(() => (late.replica.seen.state ?? 0) >= 1, 'the late joiner’s snapshot')
  expect(late.replica.steps).toBeGreaterThanOrEqual(500)
  expect(late.replica.sensedCells).toBeGreaterThanOrEqual(sensedBefore)

  expect(await agent.exited, agent.stderr()).toBe(0)
  const lines = agent.stdout().trimEnd().split('\n')
  const result = JSON.parse(lines.at(-1)!) as { steps: number; keyStep: number; solved: boolean }
  expect(result.solved).toBe(true)
  const viewers = [...early, late]
  await until(() => viewers.every((v) => v.replica.done), 'every viewer to see the end of the run')

  // What the agent printed: '*' on every visited cell without a label; S, K and E were visited too.
  const map = lines.slice(0, -1)
  const walked = new Set<number>()
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) if ('*SKE'.includes(map[2 * y + 1]![2 * x + 1]!)) walked.add(y * WIDTH + x)
  }
  for (const viewer of viewers) {
    const { replica } = viewer
    expect(replica).toMatchObject({ run: 1, steps: result.steps, keyStep: result.keyStep, exitStep: result.steps, done: true })
    const sensed = new Set<number>()
    for (const [i, count] of replica.counts!.entries()) if (count > 0) sensed.add(i)
    expect(sensed).toEqual(walked)
    expect(replica.visited).toBe(walked.size)
    expect(replica.counts).toEqual(early[0]!.replica.counts)
  }
  expect(await viewStats(model.url)).toMatchObject({ viewers: 4, dropped: 0, steps: result.steps, done: true })

  // The next agent starts run 2 on every viewer, from an empty trail.
  await using again = startNode(agentEntry, ['--quiet'], { MAZE_URL: model.url, AGENT_STRATEGY: 'astar', AGENT_PROTOCOL: 'classic' })
  expect(await again.exited, again.stderr()).toBe(0)
  const second = JSON.parse(again.stdout().trimEnd().split('\n').at(-1)!) as { steps: number }
  await until(() => viewers.every((v) => v.replica.run === 2 && v.replica.done), 'run 2 on every viewer')
  for (const { replica } of viewers) expect(replica.steps).toBe(second.steps)
  for (const viewer of viewers) viewer.close()
})
