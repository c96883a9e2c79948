// The Episodes contract (API.md) from clients written only from it: a bare fetch client here and a
// Python one using only its standard library (fixtures/episodes/client.py), against a real model
// process started as `pnpm model` starts it. The model's stdout carries its pino log lines and the
// referee's result lines: every line must parse as JSON on its own (they never interleave).
import { join } from 'node:path'
import { DIRECTION_NAMES, DX, DY, distancesFrom, generateMaze, type Maze, type Point } from '@maze-sim/maze'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findPython, freePort, modelEntry, repoRoot, start, startNode, waitForHttp, type Running } from '../support/processes.ts'

let model: Running
let base: string

beforeAll(async () => {
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  model = startNode(modelEntry, [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    MAZE_SEED: '2024',
    MAZE_WIDTH: '30',
    MAZE_HEIGHT: '12',
    LOG_LEVEL: 'info',
    LOG_REQUESTS: 'true',
  })
  await waitForHttp(`${base}/health/ready`)
})
afterAll(async () => {
  await model?.stop('SIGKILL')
})

/** The shortest walk between two cells (the test may cheat: it knows the generator and the seed). */
function walk(maze: Maze, from: Point, to: Point): string[] {
  const dist = distancesFrom(maze, to)
  const out: string[] = []
  let { x, y } = from
  for (let guard = maze.area; (x !== to.x || y !== to.y) && guard > 0; guard--) {
    const d = ([0, 1, 2, 3] as const).find(
      (d) =>
        maze.side(x, y, d) === 0 &&
        maze.isInside(x + DX[d]!, y + DY[d]!) &&
        dist[maze.index(x + DX[d]!, y + DY[d]!)] === dist[maze.index(x, y)]! - 1,
    )!
    out.push(DIRECTION_NAMES[d])
    x += DX[d]!
    y += DY[d]!
  }
  return out
}

// biome-ignore lint/suspicious/noExplicitAny: a bare client reads JSON answers of every route and checks them field by field
async function json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
}

/** The model's stdout lines that are referee results (the record plus elapsedMs), after checking every line is JSON. */
function resultLines(): Record<string, unknown>[] {
  const lines = model
    .stdout()
    .split('\n')
    .filter((l) => l !== '')
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => 'elapsedMs' in l)
}

describe('a bare HTTP client, from the contract only', () => {
  test('creates an episode, walks it to the exit, and reads a record whose steps equal the replay lines', async () => {
    const created = await json('POST', '/episodes', { seed: 2024, agent: 'fetch-client' })
    expect(created.status).toBe(201)
    const { id, seed, width, height, maxSteps, optimalSteps, observation } = created.body
    expect({ seed, width, height }).toEqual({ seed: 2024, width: 30, height: 12 })
    expect(maxSteps).toBeGreaterThan(0)
    expect(observation).toMatchObject({ here: 'S', steps: 0, hasKey: false, done: false, solved: false })
    // The same maze as the classic routes serve for MAZE_SEED=2024.
    expect((await json('GET', '/maze/start')).body).toEqual({ x: observation.x, y: observation.y })

    const maze = generateMaze({ seed, width, height })
    // A few bumps first: into a wall the agent senses.
    const wall = (['up', 'right', 'down', 'left'] as const).find((d) => observation[d] === 1)!
    expect((await json('POST', `/episodes/${id}/moves`, { moves: [wall] })).body).toEqual({ applied: 0, bumped: true, observations: [] })
    // Then the way to the key, one move per request, and the rest in one.
    const toKey = walk(maze, maze.start, maze.key)
    for (const move of toKey) {
      const answer = await json('POST', `/episodes/${id}/moves`, { moves: [move] })
      expect(answer.status).toBe(200)
      expect(answer.body.applied).toBe(1)
    }
    const toExit = walk(maze, maze.key, maze.exit)
    const last = await json('POST', `/episodes/${id}/moves`, { moves: toExit })
    expect(last.body.observations.at(-1)).toMatchObject({ here: 'E', done: true, solved: true, hasKey: true })

    const record = (await json('GET', `/episodes/${id}`)).body
    expect(record).toMatchObject({
      id,
      seed: 2024,
      width,
      height,
      agent: 'fetch-client',
      status: 'solved',
      bumps: 1,
      keyStep: toKey.length,
      optimalSteps,
    })
    expect(record.steps).toBe(toKey.length + toExit.length)
    expect(Date.parse(record.endedAt)).toBeGreaterThanOrEqual(Date.parse(record.startedAt))

    const replay = await fetch(`${base}/episodes/${id}/replay`)
    expect(replay.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    const lines = (await replay.text()).split('\n').filter((l) => l !== '')
    expect(lines).toHaveLength(record.steps)
    expect(JSON.parse(lines.at(-1)!)).toEqual({ step: record.steps, direction: toExit.at(-1), x: maze.exit.x, y: maze.exit.y })

    expect((await json('POST', `/episodes/${id}/moves`, { moves: ['up'] })).status).toBe(409)
    // The referee's line on stdout: the record plus elapsedMs, among the log lines.
    const results = resultLines().filter((r) => r.id === id)
    expect(results).toEqual([{ ...record, elapsedMs: expect.any(Number) }])
  })

  test('a long replay is streamed whole: one line per step', async () => {
    const created = (await json('POST', '/episodes', { seed: 5, width: 60, height: 60 })).body
    const maze = generateMaze({ seed: 5, width: 60, height: 60 })
    // Back and forth along the first corridor: many steps, no end.
    const first = walk(maze, maze.start, maze.key)[0]!
    const back = { up: 'down', down: 'up', left: 'right', right: 'left' }[first]!
    const moves = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? first : back))
    for (let i = 0; i < 3; i++) expect((await json('POST', `/episodes/${created.id}/moves`, { moves })).body.applied).toBe(10_000)
    const text = await (await fetch(`${base}/episodes/${created.id}/replay`)).text()
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(30_000)
    expect((await fetch(`${base}/episodes/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    // The line goes out through the logger's buffered stream: it reaches the pipe soon after the answer.
    for (let i = 0; i < 100 && !resultLines().some((r) => r.id === created.id); i++) await new Promise((r) => setTimeout(r, 50))
    expect(resultLines().filter((r) => r.id === created.id)).toMatchObject([{ status: 'abandoned', steps: 30_000 }])
  })
})

const python = findPython([])
describe.skipIf(python === undefined)('a Python client (standard library only)', () => {
  test('explores by what it senses, solves, and its record matches its replay', async () => {
    const client = start(python!, [join(repoRoot, 'test/fixtures/episodes/client.py'), base, '77', '12', '9'])
    expect(await client.exited, client.stderr()).toBe(0)
    const out = JSON.parse(client.stdout().trim().split('\n').at(-1)!)
    expect(out.record).toMatchObject({ seed: 77, width: 12, height: 9, agent: 'python-urllib', status: 'solved', bumps: 0 })
    expect(out.replayLines).toBe(out.record.steps)
    const maze = generateMaze({ seed: 77, width: 12, height: 9 })
    expect(out.lastLine).toMatchObject({ step: out.record.steps, x: maze.exit.x, y: maze.exit.y })
    expect(resultLines().filter((r) => r.id === out.record.id)).toMatchObject([{ status: 'solved' }])
  })
})
