// `npm start` (packages/sim) prints the live view's address; --linger keeps it up until Ctrl-C.
import { expect, test } from 'vitest'
import { simEntry, startNode } from '../support/processes.ts'
import { until } from '../support/view.ts'

test('npm start prints "view: <url>/"; with --linger the view stays up after the run until SIGINT', async () => {
  // Killed when the test ends, whatever happens: a failed wait must not leave the lingering model up.
  await using sim = startNode(simEntry, ['--seed', '4', '--port', '0', '--width', '30', '--height', '10', '--linger', '--step-delay', '1'])
  await until(() => sim.stderr().includes('stays up'), 'the run to end and the model to linger', 60_000)
  const url = /view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(sim.stderr())?.[1]
  expect(url, sim.stderr()).toBeDefined()
  const result = JSON.parse(sim.stdout().trimEnd().split('\n').at(-1)!) as { steps: number; solved: boolean }
  expect(result.solved).toBe(true)

  const page = await fetch(`${url}/`)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('Hello, Maze!')
  const stats = (await (await fetch(`${url}/view/stats`)).json()) as { steps: number; done: boolean }
  expect(stats).toMatchObject({ steps: result.steps, done: true })

  expect(await sim.stop('SIGINT')).toBe(0)
})
