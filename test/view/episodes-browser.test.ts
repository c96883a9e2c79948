// The episodes in the live view, in a real browser: a model process hosts episodes played by a
// bare HTTP client (POST /episodes, /moves); Debian's headless Chromium lists them, follows one
// step by step as the referee counts, and replays an ended one to its final step. Screenshots go
// to test/artifacts/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DIRECTION_NAMES, DX, DY, distancesFrom, generateMaze, type DirectionName, type Maze, type Point } from '@maze-sim/maze'
import { startModel, type RunningModel } from '@maze-sim/model'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findChromium, launchChromium } from '../support/chromium.ts'
import { repoRoot } from '../support/processes.ts'
import { until } from '../support/view.ts'

const chromiumPath = findChromium()
const artifacts = join(repoRoot, 'test/artifacts')

const value = async (page: Page, id: string): Promise<string> => (await page.locator(`#${id}`).getAttribute('data-value')) ?? ''
const number = async (page: Page, id: string): Promise<number> => Number(await value(page, id))
const text = async (page: Page, id: string): Promise<string> => (await page.locator(`#${id}`).textContent()) ?? ''
const resultState = async (page: Page): Promise<string> => (await page.locator('#result').getAttribute('data-state')) ?? ''

/** The shortest walk between two cells, as direction words. */
function shortestWalk(maze: Maze, from: Point, to: Point): DirectionName[] {
  const dist = distancesFrom(maze, to)
  const walk: DirectionName[] = []
  let { x, y } = from
  for (let guard = maze.area; (x !== to.x || y !== to.y) && guard > 0; guard--) {
    const here = dist[maze.index(x, y)]!
    const d = ([0, 1, 2, 3] as const).find(
      (d) => maze.side(x, y, d) === 0 && maze.isInside(x + DX[d]!, y + DY[d]!) && dist[maze.index(x + DX[d]!, y + DY[d]!)] === here - 1,
    )!
    walk.push(DIRECTION_NAMES[d])
    x += DX[d]!
    y += DY[d]!
  }
  return walk
}

/** A bare HTTP client of the episodes contract. */
function client(base: string) {
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }
  return {
    create: (body: Record<string, unknown>): Promise<{ id: string; observation: { x: number; y: number } }> => post('/episodes', body),
    moves: (id: string, moves: DirectionName[]): Promise<{ applied: number; bumped: boolean; observations: { done: boolean }[] }> =>
      post(`/episodes/${id}/moves`, { moves }),
    record: async (id: string): Promise<{ steps: number; keyStep: number | null; bumps: number; status: string }> =>
      (await fetch(`${base}/episodes/${id}`)).json() as never,
  }
}

describe.skipIf(chromiumPath === undefined)('the episodes in the live view, in headless Chromium', () => {
  let model: RunningModel
  let browser: Browser
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    model = await startModel({ port: 0, width: 30, height: 15, seed: 7, logger: { level: 'warn' }, episodes: { writeResult: () => {} } })
    await model.ready
    browser = await launchChromium(chromiumPath!)
  })
  afterAll(async () => {
    await browser?.close()
    await model?.close()
  })

  test('GET / lists the episodes, follows one as the referee counts, and replays an ended one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`))
    await page.goto(`${model.url}/`)

    // No episodes: the classic view, and no list.
    await until(async () => (await text(page, 'status')) === 'waiting for the agent', 'the classic maze')
    expect(await text(page, 'maze')).toBe('30 × 15, seed 7')
    expect(await page.locator('#episodes-panel').isVisible()).toBe(false)

    // An episode played by a bare HTTP client.
    const http = client(model.url)
    const maze = generateMaze({ seed: 11, width: 24, height: 12 })
    const walk = [...shortestWalk(maze, maze.start, maze.key), ...shortestWalk(maze, maze.key, maze.exit)]
    const live = await http.create({ seed: 11, width: 24, height: 12, agent: 'team-blue/bfs' })
    const row = page.locator(`#episodes tr[data-id="${live.id}"]`)
    await until(() => row.isVisible(), 'the episode in the list')
    expect(await row.textContent()).toContain('team-blue/bfs')
    // The row appears as the episode is created (generating) and turns running when its maze is.
    await until(async () => (await row.getAttribute('data-status')) === 'running', 'the episode running in the list')

    // Nobody has picked anything and the classic run has not started: the page follows it by itself.
    await until(async () => (await value(page, 'following')) === `live:${live.id}`, 'the page to follow the new episode')
    // Follow it: the page shows its maze and, after each batch, the steps the referee counts.
    await row.click()
    await until(async () => (await value(page, 'following')) === `live:${live.id}`, 'following the episode')
    await until(async () => (await text(page, 'maze')) === '24 × 12, seed 11', "the episode's maze")
    const half = Math.floor(walk.length / 2)
    for (let at = 0; at < half; at += 4) {
      await http.moves(live.id, walk.slice(at, Math.min(half, at + 4)))
      const { steps } = await http.record(live.id)
      await until(async () => (await number(page, 'steps')) === steps, `step ${steps} on the page`)
    }
    // A move into a wall: a bump, no step.
    const here = { x: maze.start.x, y: maze.start.y }
    for (const name of walk.slice(0, half)) {
      const d = DIRECTION_NAMES.indexOf(name)
      here.x += DX[d]!
      here.y += DY[d]!
    }
    const wall = DIRECTION_NAMES.find((_, d) => maze.side(here.x, here.y, d as 0) === 1)!
    expect(await http.moves(live.id, [wall])).toMatchObject({ applied: 0, bumped: true })
    await until(async () => (await number(page, 'bumps')) === 1, 'the bump on the page')
    expect(await number(page, 'steps')).toBe(half)
    expect(await text(page, 'status')).toMatch(/^exploring/)
    expect(await page.locator('#board').isVisible()).toBe(true)
    await page.screenshot({ path: join(artifacts, 'view-episode-live.png') })

    await http.moves(live.id, walk.slice(half))
    const final = await http.record(live.id)
    expect(final).toMatchObject({ status: 'solved', steps: walk.length, bumps: 1 })
    await until(async () => (await resultState(page)) === 'solved', 'the result on the page')
    expect(await number(page, 'steps')).toBe(final.steps)
    expect(await number(page, 'key')).toBe(final.keyStep)
    expect(await number(page, 'exit')).toBe(final.steps)
    expect(await text(page, 'status')).toBe('done: solved')
    await until(async () => (await row.getAttribute('data-status')) === 'solved', 'the end in the list')

    // A second episode, played to its end with a detour (to the key, back to the start, then out).
    const detour = [...shortestWalk(maze, maze.start, maze.key), ...shortestWalk(maze, maze.key, maze.start), ...walk]
    const ended = await http.create({ seed: 11, width: 24, height: 12, agent: 'team-red/dfs' })
    // (It may end sooner, solved, should the detour cross the exit holding the key.)
    for (let at = 0; at < detour.length; at += 25) {
      const answer = await http.moves(ended.id, detour.slice(at, at + 25))
      if (answer.observations.at(-1)?.done) break
    }
    const record = await http.record(ended.id)
    expect(record.status).toBe('solved')
    const endedRow = page.locator(`#episodes tr[data-id="${ended.id}"]`)
    await until(async () => (await endedRow.getAttribute('data-status')) === 'solved', 'the ended episode in the list')
    expect(await endedRow.getAttribute('data-steps')).toBe(String(record.steps))

    // Pick it: a replay, slowly at first (the player moves a fixed number of steps per tick, so
    // it is surely not at the end after its first steps), then all at once.
    await page.locator('#speed').selectOption('10')
    await endedRow.click()
    await until(async () => (await value(page, 'following')) === `replay:${ended.id}`, 'the replay to start')
    await until(async () => (await number(page, 'steps')) >= 1, 'the first replayed step')
    expect(await text(page, 'status')).toMatch(/^replaying: step/)
    expect(await number(page, 'steps')).toBeLessThan(record.steps)
    await page.locator('#speed').selectOption('0')
    await until(async () => (await resultState(page)) === 'solved', 'the replay to reach its end')
    expect(await number(page, 'steps')).toBe(record.steps)
    expect(await number(page, 'key')).toBe(record.keyStep)
    expect(await number(page, 'exit')).toBe(record.steps)
    expect(await text(page, 'status')).toBe('done: solved')
    await page.screenshot({ path: join(artifacts, 'view-episode-replay.png') })

    // Back to the classic run.
    await page.locator('#classic').click()
    await until(async () => (await text(page, 'maze')) === '30 × 15, seed 7', 'the classic maze again')
    expect(await value(page, 'following')).toBe('classic')
    expect(problems).toEqual([])
  })
})
