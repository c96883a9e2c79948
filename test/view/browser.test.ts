// The live view in a real browser: Debian's headless Chromium (playwright-core) against a running
// model and agent. The page loads, the trail grows while the agent walks, the end shows the key, the
// exit and the result; screenshots go to test/artifacts/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createHttpTransport, randomDfs, runAgent, slowedTransport, type MazeTransport } from '@maze-sim/agent'
import { startModel, type RunningModel } from '@maze-sim/model'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findChromium, launchChromium } from '../support/chromium.ts'
import { repoRoot } from '../support/processes.ts'
import { until } from '../support/view.ts'

const chromiumPath = findChromium()
const artifacts = join(repoRoot, 'test/artifacts')
/** UPDATE_DOCS_SCREENSHOT=1 also refreshes the README's screenshot. */
const docsScreenshot = process.env.UPDATE_DOCS_SCREENSHOT === '1' ? join(repoRoot, 'docs/live-view.png') : undefined

const value = async (page: Page, id: string): Promise<string> => (await page.locator(`#${id}`).getAttribute('data-value')) ?? ''
const number = async (page: Page, id: string): Promise<number> => Number(await value(page, id))
const text = async (page: Page, id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? ''

/**
 * A transport the test can hold still between two steps: after `hold()`, the next `sense` waits
 * until `release()`; `held` resolves once the agent is waiting there.
 */
function gated(inner: MazeTransport) {
  let holding: { reached: () => void; resume: Promise<void>; release: () => void } | undefined
  let held: Promise<void> = Promise.resolve()
  const transport: MazeTransport = {
    size: () => inner.size(),
    start: () => inner.start(),
    meta: () => inner.meta(),
    submitMap: (moves) => inner.submitMap(moves),
    close: () => inner.close(),
    get requests() {
      return inner.requests
    },
    async sense(x, y) {
      if (holding !== undefined) {
        holding.reached()
        await holding.resume
      }
      return inner.sense(x, y)
    },
  }
  return {
    transport,
    get held() {
      return held
    },
    hold() {
      const reached = Promise.withResolvers<void>()
      const resume = Promise.withResolvers<void>()
      held = reached.promise
      holding = { reached: reached.resolve, resume: resume.promise, release: resume.resolve }
    },
    release() {
      const current = holding
      holding = undefined
      current?.release()
    },
  }
}

describe.skipIf(chromiumPath === undefined)('the live view in headless Chromium', () => {
  let model: RunningModel
  let browser: Browser
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    model = await startModel({ port: 0, width: 40, height: 20, seed: 7 })
    await model.ready
    browser = await launchChromium(chromiumPath!)
  })
  afterAll(async () => {
    await browser?.close()
    await model?.close()
  })

  test('GET / draws the maze, the trail grows while the agent runs, the end shows key, exit and result', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`))
    await page.goto(`${model.url}/`)
    expect(await page.title()).toBe('maze-sim · live view')
    expect(await page.locator('header').textContent()).toContain('Hello, Maze!')
    await until(async () => (await text(page, 'status')) === 'waiting for the agent', 'the page to get the maze')
    expect(await text(page, 'maze')).toBe('40 × 20, seed 7')
    expect(await page.locator('#board').isVisible()).toBe(true)

    const transport = createHttpTransport({ url: model.url })
    const gate = gated(slowedTransport(transport, 2))
    try {
      const running = runAgent({ transport: gate.transport, strategy: randomDfs })

      // Mid-run: the step counter and the sensed cells grow between two readings. The agent is
      // held still for the first reading (so the run is surely not over), then let go: the page
      // must show it moving on, however long that takes on a loaded machine.
      await until(async () => (await number(page, 'steps')) >= 100, 'the first 100 steps on the page')
      gate.hold()
      await Promise.race([gate.held, running.then(() => Promise.reject(new Error('the run ended before the agent could be held mid-run')))])
      // Every step the agent took before it stopped has been answered by the model; the page gets
      // them with the next batch.
      const stepsBeforePause = model.view.stats().steps
      await until(async () => (await number(page, 'steps')) === stepsBeforePause, 'the page to show every step before the pause')
      const first = { steps: await number(page, 'steps'), visited: await number(page, 'visited') }
      expect(await text(page, 'status')).toMatch(/^exploring/)
      expect(await page.locator('#result').getAttribute('data-state')).toBe('running')
      await page.screenshot({ path: join(artifacts, 'view-running.png') })
      gate.release()
      await until(
        async () => (await number(page, 'steps')) > first.steps && (await number(page, 'visited')) > first.visited,
        'the steps and the sensed cells to grow on the page',
      )
      const second = { steps: await number(page, 'steps'), visited: await number(page, 'visited') }

      // A second viewer joins late: it gets the trail so far at once.
      const late = await browser.newPage({ viewport: { width: 1280, height: 720 } })
      await late.goto(`${model.url}/`)
      await until(async () => (await number(late, 'steps')) >= second.steps, 'the late joiner to catch up')

      // Once the key is picked up, a shot for the README (when asked for).
      await until(async () => (await value(page, 'key')) !== '', 'the key to be picked up', 60_000)
      if (docsScreenshot !== undefined) await page.screenshot({ path: docsScreenshot })

      const { result } = await running
      expect(result.solved).toBe(true)
      await until(async () => (await page.locator('#result').getAttribute('data-state')) === 'solved', 'the result on the page')
      expect(await number(page, 'steps')).toBe(result.steps)
      expect(await number(page, 'key')).toBe(result.keyStep)
      expect(await number(page, 'exit')).toBe(result.steps)
      expect(await text(page, 'status')).toBe('done')
      expect(await text(page, 'result')).toContain(
        `Solved: the agent reached the exit holding the key in ${result.steps.toLocaleString('en')} steps`,
      )
      await page.screenshot({ path: join(artifacts, 'view.png') })

      await until(async () => (await late.locator('#result').getAttribute('data-state')) === 'solved', 'the result on the late page')
      expect(await number(late, 'steps')).toBe(result.steps)
      expect(await number(late, 'visited')).toBe(await number(page, 'visited'))
      expect(problems).toEqual([])
    } finally {
      gate.release()
      await transport.close()
    }
  })
})
