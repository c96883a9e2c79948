import { createHmac } from 'node:crypto'
import { generateMaze, solve } from '@maze-sim/maze'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { Value } from 'typebox/value'
import { afterEach, describe, expect, test } from 'vitest'
import { buildApp, type BuildAppOptions, type ModelApp } from '../src/app.ts'
import { DEFAULT_EPISODE_LIMITS, type EpisodeLimits, episodeLimitsProblems, validateEpisodeLimits } from '../src/episodes/limits.ts'
import { generationSeed } from '../src/episodes/sealed.ts'
import { EpisodeCreated, EpisodeList, EpisodeRecord, MovesAnswer } from '../src/routes/episodes-schemas.ts'
import { ErrorBody } from '../src/schemas.ts'
import { countingGenerator, shortestWalk, solution } from './episodes-support.ts'

const SECRET = 'a-test-secret-of-32-characters!!'
const TOKEN = 'viewer-token-for-the-tests'

/** A model built for one test, closed after it; its result lines are collected, its clock is ours. */
interface Harness extends ModelApp {
  lines: string[]
  results: () => Record<string, unknown>[]
  clock: { now: number }
  calls: () => number
  inject: (options: InjectOptions) => Promise<LightMyRequestResponse>
}

const open: ModelApp[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.app.close()))
})

async function harness(options: BuildAppOptions & { limits?: Partial<EpisodeLimits> } = {}): Promise<Harness> {
  const lines: string[] = []
  const clock = { now: 1_700_000_000_000 }
  const { generate, calls } = countingGenerator()
  const model = await buildApp({
    ...options,
    episodes: {
      limits: options.limits,
      writeResult: (line) => lines.push(line),
      now: () => clock.now,
      sweepTimer: false,
      generate,
      ...options.episodes,
    },
  })
  open.push(model)
  return {
    ...model,
    lines,
    results: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    clock,
    calls,
    inject: (o) => model.app.inject(o),
  }
}

function expectError(response: LightMyRequestResponse, status: number, code: string): { error: string; message: string } {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status })
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const body = response.json() as { error: string; message: string }
  expect(Value.Check(ErrorBody, body)).toBe(true)
  expect(body.error).toBe(code)
  expect(body.message.length).toBeGreaterThan(0)
  return body
}

const create = (h: Harness, payload?: unknown) =>
  h.inject({ method: 'POST', url: '/episodes', ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) })
const moves = (h: Harness, id: string, list: unknown) =>
  h.inject({ method: 'POST', url: `/episodes/${id}/moves`, payload: { moves: list } })

async function created(
  h: Harness,
  payload: unknown = { seed: 7, width: 12, height: 9 },
): Promise<{ id: string; observation: Record<string, number> } & Record<string, unknown>> {
  const response = await create(h, payload)
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

describe('POST /episodes', () => {
  test('201 with the contract fields, the observation on the start, and a Location', async () => {
    const h = await harness()
    const response = await create(h, { seed: 42, width: 10, height: 6, agent: 'team-a/astar@1' })
    expect(response.statusCode).toBe(201)
    const body = response.json()
    expect(Value.Check(EpisodeCreated, body)).toBe(true)
    const maze = generateMaze({ seed: 42, width: 10, height: 6 })
    expect(body).toMatchObject({ seed: 42, width: 10, height: 6, maxSteps: 20 * 60 + 1000, optimalSteps: solve(maze).optimalSteps })
    expect(body.observation).toMatchObject({
      x: maze.start.x,
      y: maze.start.y,
      here: 'S',
      steps: 0,
      hasKey: false,
      done: false,
      solved: false,
    })
    expect(response.headers.location).toBe(`/episodes/${body.id}`)
  })

  test('every field is optional: the configured size, a random seed, the default step limit', async () => {
    const h = await harness({ episodes: { defaultSize: { width: 15, height: 5 } } })
    for (const payload of [undefined, {}, { seed: null }]) {
      const body = (await create(h, payload)).json()
      expect(body).toMatchObject({ width: 15, height: 5, maxSteps: 20 * 75 + 1000 })
      expect(Number.isInteger(body.seed)).toBe(true)
    }
  })

  test('same seed and size: the same maze as the classic routes serve for that MAZE_SEED', async () => {
    const h = await harness()
    const maze = generateMaze({ seed: 2024, width: 14, height: 8 })
    h.setMaze(maze, solve(maze).optimalSteps)
    const body = await created(h, { seed: 2024, width: 14, height: 8 })
    const start = (await h.inject({ url: '/maze/start' })).json()
    expect({ x: body.observation.x, y: body.observation.y }).toEqual(start)
    // Every cell on the walk senses exactly what /maze/pos says of that cell.
    const answer = (await moves(h, body.id, solution(maze))).json()
    for (const obs of answer.observations) {
      const pos = (await h.inject({ url: `/maze/pos/${obs.y}/${obs.x}` })).json()
      expect({ here: obs.here, up: obs.up, right: obs.right, down: obs.down, left: obs.left }).toEqual(pos)
    }
  })

  test('ten strategies on the same seed: the maze is generated once, concurrent requests share it', async () => {
    const h = await harness()
    const answers = await Promise.all(Array.from({ length: 10 }, () => create(h, { seed: 99, width: 20, height: 20 })))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201))
    await created(h, { seed: 99, width: 20, height: 20 })
    expect(h.calls()).toBe(1)
    expect(h.episodes.cache.stats()).toMatchObject({ mazes: 1, generated: 1 })
    await created(h, { seed: 99, width: 20, height: 21 })
    expect(h.calls()).toBe(2)
  })

  test('the cache is bounded by count and cells, least recently used dropped first', async () => {
    const h = await harness({ limits: { maxCachedMazes: 3, maxCachedCells: 1000 } })
    for (let seed = 0; seed < 10; seed++) await created(h, { seed, width: 10, height: 10 })
    expect(h.episodes.cache.stats()).toMatchObject({ mazes: 3, cells: 300 })
    await created(h, { seed: 9, width: 10, height: 10 })
    expect(h.calls()).toBe(10)
    await created(h, { seed: 0, width: 10, height: 10 })
    expect(h.calls()).toBe(11)
    await created(h, { seed: 1, width: 40, height: 40 }) // larger than the cache: served, not kept
    expect(h.episodes.cache.stats().cells).toBeLessThanOrEqual(1000)
  })
})

describe('POST /episodes: 202 while a maze is generated, limits and refusals', () => {
  test('202 + Retry-After + Location while a large maze is generated, then running', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { generate } = countingGenerator()
    const h = await harness({
      limits: { waitArea: 100 },
      episodes: {
        generate: async (o) => {
          await gate
          return generate(o)
        },
      },
    })
    const response = await create(h, { seed: 3, width: 20, height: 20 })
    expect(response.statusCode).toBe(202)
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    const { id, status } = response.json()
    expect(status).toBe('generating')
    expect(response.headers.location).toBe(`/episodes/${id}`)
    const record = (await h.inject({ url: `/episodes/${id}` })).json()
    expect(record).toMatchObject({ status: 'generating', x: null, y: null, steps: 0, optimalSteps: null })
    expect(Value.Check(EpisodeRecord, record)).toBe(true)
    const early = await moves(h, id, ['up'])
    expectError(early, 409, 'MAZE_ERR_EPISODE_GENERATING')
    expect(early.headers['retry-after']).toBe('1')
    expect((await h.inject({ url: `/episodes/${id}/replay` })).body).toBe('')
    release()
    // Bounded: the generation is one resolved promise away.
    for (let i = 0; i < 100 && h.episodes.find(id)?.status === 'generating'; i++) await new Promise((r) => setImmediate(r))
    expect((await h.inject({ url: `/episodes/${id}` })).json()).toMatchObject({ status: 'running', steps: 0 })
  })

  test('429 + Retry-After past the live limit; a DELETE makes room', async () => {
    const h = await harness({ limits: { maxLive: 3 } })
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await created(h)).id)
    const full = await create(h, { seed: 1, width: 12, height: 9 })
    expectError(full, 429, 'MAZE_ERR_TOO_MANY_EPISODES')
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await h.inject({ method: 'DELETE', url: `/episodes/${ids[0]}` })).statusCode).toBe(204)
    await created(h)
  })

  test('429 past the live cells', async () => {
    const h = await harness({ limits: { maxLiveCells: 500, maxArea: 400 } })
    await created(h, { width: 20, height: 20 })
    expectError(await create(h, { width: 20, height: 20 }), 429, 'MAZE_ERR_TOO_MANY_EPISODES')
    await created(h, { width: 10, height: 10 })
  })

  test.each([
    [{ seed: -1 }, 'MAZE_ERR_BAD_SEED'],
    [{ seed: 2 ** 32 }, 'MAZE_ERR_BAD_SEED'],
    [{ seed: 1.5 }, 'MAZE_ERR_BAD_SEED'],
    [{ seed: '1' }, 'MAZE_ERR_BAD_SEED'],
    [{ width: 0 }, 'MAZE_ERR_BAD_SIZE'],
    [{ width: 1, height: 1 }, 'MAZE_ERR_BAD_SIZE'],
    [{ width: 100_001, height: 1 }, 'MAZE_ERR_BAD_SIZE'],
    [{ width: 2000, height: 1000 }, 'MAZE_ERR_BAD_SIZE'],
    [{ width: '80' }, 'MAZE_ERR_BAD_SIZE'],
    [{ width: 1e300 }, 'MAZE_ERR_BAD_SIZE'],
    [{ maxSteps: 0 }, 'MAZE_ERR_BAD_MAX_STEPS'],
    [{ maxSteps: DEFAULT_EPISODE_LIMITS.maxSteps + 1 }, 'MAZE_ERR_BAD_MAX_STEPS'],
    [{ maxSteps: 'lots' }, 'MAZE_ERR_BAD_MAX_STEPS'],
    [{ agent: '' }, 'MAZE_ERR_BAD_AGENT'],
    [{ agent: 'x'.repeat(65) }, 'MAZE_ERR_BAD_AGENT'],
    [{ agent: 'a b' }, 'MAZE_ERR_BAD_AGENT'],
    [{ agent: '<script>' }, 'MAZE_ERR_BAD_AGENT'],
    [{ agent: 7 }, 'MAZE_ERR_BAD_AGENT'],
    [{ sead: 1 }, 'MAZE_ERR_BAD_BODY'],
    [{ __proto__: { seed: 1 }, constructor: 1 }, 'MAZE_ERR_BAD_BODY'],
    [[1, 2], 'MAZE_ERR_BAD_BODY'],
    [7, 'MAZE_ERR_BAD_BODY'],
    ['"text"', 'MAZE_ERR_BAD_BODY'],
  ] as const)('400 on %j', async (payload, code) => {
    const h = await harness()
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
    const response = await h.inject({ method: 'POST', url: '/episodes', payload: body, headers: { 'content-type': 'application/json' } })
    expectError(response, 400, code)
    expect(h.episodes.stats().live).toBe(0)
  })

  test('400 on malformed JSON, 415 on another type, 413 past the body limit', async () => {
    const h = await harness({ limits: { maxBodyBytes: 2048 } })
    const json = { 'content-type': 'application/json' }
    expectError(await h.inject({ method: 'POST', url: '/episodes', payload: '{"seed":', headers: json }), 400, 'MAZE_ERR_BAD_JSON')
    expectError(
      await h.inject({
        method: 'POST',
        url: '/episodes',
        payload: 'seed=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE',
    )
    const big = JSON.stringify({ agent: 'x'.repeat(5000) })
    const response = await h.inject({ method: 'POST', url: '/episodes', payload: big, headers: json })
    expectError(response, 413, 'MAZE_ERR_BODY_TOO_LARGE')
  })
})

describe('POST /episodes/:id/moves', () => {
  test('walking the optimal path solves it; the referee writes one result line; then 409', async () => {
    const h = await harness()
    const body = await created(h, { seed: 11, width: 12, height: 9, agent: 'planner' })
    const maze = generateMaze({ seed: 11, width: 12, height: 9 })
    const walk = solution(maze)
    const first = (await moves(h, body.id, walk.slice(0, 5))).json()
    expect(Value.Check(MovesAnswer, first)).toBe(true)
    expect(first).toMatchObject({ applied: 5, bumped: false })
    expect(first.observations.map((o: { steps: number }) => o.steps)).toEqual([1, 2, 3, 4, 5])
    h.clock.now += 1234
    const rest = (await moves(h, body.id, [...walk.slice(5), 'up', 'up'])).json()
    expect(rest).toMatchObject({ applied: walk.length - 5, bumped: false })
    expect(rest.observations.at(-1)).toMatchObject({ x: maze.exit.x, y: maze.exit.y, here: 'E', hasKey: true, done: true, solved: true })
    const record = (await h.inject({ url: `/episodes/${body.id}` })).json()
    expect(record).toMatchObject({ status: 'solved', steps: walk.length, optimalSteps: walk.length, bumps: 0, agent: 'planner' })
    expect(record.keyStep).toBe(shortestWalk(maze, maze.start, maze.key).length)
    expect(typeof record.endedAt).toBe('string')
    expect(h.results()).toEqual([{ ...record, elapsedMs: 1234 }])
    expectError(await moves(h, body.id, ['up']), 409, 'MAZE_ERR_EPISODE_ENDED')
    // The replay: one line per applied move, the last on the exit.
    const replay = await h.inject({ url: `/episodes/${body.id}/replay` })
    expect(replay.headers['content-type']).toMatch(/^application\/x-ndjson/)
    const lines = replay.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(record.steps)
    expect(lines[0]).toMatchObject({ step: 1, direction: walk[0] })
    expect(lines.at(-1)).toEqual({ step: walk.length, direction: walk.at(-1), x: maze.exit.x, y: maze.exit.y })
  })

  test('a move into a wall is a bump: not made, counted, the batch stops there', async () => {
    const h = await harness()
    const body = await created(h)
    const maze = generateMaze({ seed: 7, width: 12, height: 9 })
    const o = body.observation as Record<string, number>
    const wall = (['up', 'right', 'down', 'left'] as const).find((d) => o[d] === 1)!
    const answer = (await moves(h, body.id, [wall, solution(maze)[0]])).json()
    expect(answer).toEqual({ applied: 0, bumped: true, observations: [] })
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toMatchObject({ bumps: 1, steps: 0, status: 'running' })
  })

  test('the episode ends unsolved at maxSteps', async () => {
    const h = await harness()
    const body = await created(h, { seed: 5, width: 12, height: 9, maxSteps: 3 })
    const maze = generateMaze({ seed: 5, width: 12, height: 9 })
    const answer = (await moves(h, body.id, solution(maze))).json()
    expect(answer.applied).toBe(3)
    expect(answer.observations.at(-1)).toMatchObject({ done: true, solved: false, steps: 3 })
    expect(h.results()).toMatchObject([{ id: body.id, status: 'unsolved', steps: 3 }])
  })

  test.each([
    [{ moves: [] }, 400, 'MAZE_ERR_BAD_MOVES'],
    [{ moves: ['north'] }, 400, 'MAZE_ERR_BAD_MOVES'],
    [{ moves: ['up', 1] }, 400, 'MAZE_ERR_BAD_MOVES'],
    [{ moves: 'up' }, 400, 'MAZE_ERR_BAD_MOVES'],
    [{ moves: null }, 400, 'MAZE_ERR_BAD_MOVES'],
    [{}, 400, 'MAZE_ERR_BAD_MOVES'],
    [{ moves: ['up'], extra: 1 }, 400, 'MAZE_ERR_BAD_BODY'],
    [['up'], 400, 'MAZE_ERR_BAD_BODY'],
    [{ moves: Array(11).fill('up') }, 400, 'MAZE_ERR_TOO_MANY_MOVES'],
  ] as const)('%j: %i %s, nothing moved', async (payload, status, code) => {
    const h = await harness({ limits: { maxMovesPerRequest: 10 } })
    const body = await created(h)
    expectError(
      await h.inject({ method: 'POST', url: `/episodes/${body.id}/moves`, payload: payload as InjectOptions['payload'] }),
      status,
      code,
    )
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toMatchObject({ steps: 0, bumps: 0 })
  })

  test('without a body: 400; another type: 415', async () => {
    const h = await harness()
    const body = await created(h)
    expectError(await h.inject({ method: 'POST', url: `/episodes/${body.id}/moves` }), 400, 'MAZE_ERR_BAD_BODY')
    expectError(
      await h.inject({ method: 'POST', url: `/episodes/${body.id}/moves`, payload: 'up', headers: { 'content-type': 'text/plain' } }),
      415,
      'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE',
    )
  })
})

describe('unknown ids', () => {
  test.each(['nope', 'AAAAAAAAAAAAAAAA', '%00', '..%2f..', 'x'.repeat(1000), '%E2%98%83', 'a%20b'])(
    '%s: 404 on every route',
    async (id) => {
      const h = await harness()
      await created(h)
      for (const [method, url] of [
        ['GET', `/episodes/${id}`],
        ['GET', `/episodes/${id}/replay`],
        ['DELETE', `/episodes/${id}`],
        ['POST', `/episodes/${id}/moves`],
      ] as const) {
        const response = await h.inject({ method, url, ...(method === 'POST' ? { payload: { moves: ['up'] } } : {}) })
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(404)
        expect(['MAZE_ERR_EPISODE_NOT_FOUND', 'MAZE_ERR_NOT_FOUND']).toContain(response.json().error)
      }
    },
  )
})

describe('GET /episodes', () => {
  test('live and ended, newest first, bounded by ?limit', async () => {
    const h = await harness()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push((await created(h, { seed: i, width: 12, height: 9 })).id)
      h.clock.now += 10
    }
    await h.inject({ method: 'DELETE', url: `/episodes/${ids[1]}` })
    const all = (await h.inject({ url: '/episodes' })).json()
    expect(Value.Check(EpisodeList, all)).toBe(true)
    expect(all.episodes.map((e: { id: string }) => e.id)).toEqual([ids[4], ids[3], ids[2], ids[0]])
    expect(all).toMatchObject({ live: 4, maxLive: DEFAULT_EPISODE_LIMITS.maxLive })
    const two = (await h.inject({ url: '/episodes?limit=2' })).json()
    expect(two.episodes.map((e: { id: string }) => e.id)).toEqual([ids[4], ids[3]])
    for (const limit of ['0', '1001', 'abc', '-1', '1.5', ''])
      expectError(await h.inject({ url: `/episodes?limit=${limit}` }), 400, 'MAZE_ERR_BAD_REQUEST')
  })

  test('ended episodes are kept within maxEnded, the oldest dropped first', async () => {
    const h = await harness({ limits: { maxEnded: 3 } })
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const id = (await created(h, { seed: i, width: 12, height: 9, maxSteps: 1 })).id
      ids.push(id)
      const walk = solution(generateMaze({ seed: i, width: 12, height: 9 }))
      await moves(h, id, walk.slice(0, 1))
    }
    expect(h.episodes.stats()).toMatchObject({ live: 0, ended: 3 })
    expect((await h.inject({ url: `/episodes/${ids[0]}` })).statusCode).toBe(404)
    expect((await h.inject({ url: `/episodes/${ids[5]}` })).json()).toMatchObject({ status: 'unsolved' })
    expect(h.results()).toHaveLength(6)
  })
})

describe('idle episodes and memory', () => {
  test('thousands created and forgotten: the live count never exceeds the limit, idle ones are reaped and written', async () => {
    const maxLive = 50
    const h = await harness({ limits: { maxLive, idleMs: 60_000, maxEnded: 20 } })
    let refused = 0
    for (let round = 0; round < 40; round++) {
      // 100 creations per round, half the idle time apart: each round fills the model past its limit.
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => create(h, { seed: (round * 100 + i) % 7, width: 12, height: 9 })),
      )
      for (const a of answers) {
        expect([201, 429]).toContain(a.statusCode)
        if (a.statusCode === 429) refused++
      }
      expect(h.episodes.stats().live).toBeLessThanOrEqual(maxLive)
      h.clock.now += 30_000
      h.episodes.sweep()
      expect(h.episodes.stats().ended).toBeLessThanOrEqual(20)
    }
    expect(refused).toBeGreaterThan(0)
    h.clock.now += 60_000
    h.episodes.sweep()
    expect(h.episodes.stats()).toMatchObject({ live: 0, liveCells: 0 })
    const results = h.results()
    expect(results.length).toBe(4000 - refused)
    expect(results.every((r) => r.status === 'abandoned' && typeof r.elapsedMs === 'number')).toBe(true)
    expect(h.episodes.cache.stats().mazes).toBeLessThanOrEqual(7)
  })

  test('moves keep an episode alive; without them it is abandoned after idleMs', async () => {
    const h = await harness({ limits: { idleMs: 1000 } })
    const busy = await created(h, { seed: 1, width: 12, height: 9 })
    const idle = await created(h, { seed: 2, width: 12, height: 9 })
    const walk = solution(generateMaze({ seed: 1, width: 12, height: 9 }))
    for (let i = 0; i < 5; i++) {
      h.clock.now += 600
      await moves(h, busy.id, walk.slice(i, i + 1))
      h.episodes.sweep()
    }
    expect((await h.inject({ url: `/episodes/${busy.id}` })).json().status).toBe('running')
    const record = (await h.inject({ url: `/episodes/${idle.id}` })).json()
    expect(record).toMatchObject({ status: 'abandoned' })
    expect(h.results()).toMatchObject([{ id: idle.id, status: 'abandoned', elapsedMs: 1200 }])
    expectError(await moves(h, idle.id, ['up']), 409, 'MAZE_ERR_EPISODE_ENDED')
  })

  test('closing the app abandons every live episode and writes their results', async () => {
    const h = await harness()
    await created(h)
    await created(h)
    await h.app.close()
    expect(h.results().map((r) => r.status)).toEqual(['abandoned', 'abandoned'])
  })
})

describe('DELETE /episodes/:id', () => {
  test('204: abandoned (its result written) and freed', async () => {
    const h = await harness()
    const body = await created(h)
    const response = await h.inject({ method: 'DELETE', url: `/episodes/${body.id}` })
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    expect(h.results()).toMatchObject([{ id: body.id, status: 'abandoned' }])
    expect(h.episodes.stats()).toMatchObject({ live: 0, ended: 0 })
    expectError(await h.inject({ url: `/episodes/${body.id}` }), 404, 'MAZE_ERR_EPISODE_NOT_FOUND')
  })
})

describe('sealed mode', () => {
  const sealed = { secret: SECRET, viewerToken: TOKEN }

  test('without a secret the seed is used as it is: today mazes stay exactly as they are', () => {
    for (const seed of [0, 1, 2024, 2 ** 32 - 1]) expect(generationSeed(seed, undefined)).toBe(seed)
    expect(generationSeed(1, SECRET)).toBe(generationSeed(1, SECRET))
    expect(generationSeed(1, SECRET)).not.toBe(generationSeed(1, `${SECRET}x`))
  })

  test('seed and optimalSteps are withheld until the end, in every answer', async () => {
    const h = await harness({ sealed })
    const body = await created(h, { seed: 8, width: 12, height: 9 })
    expect(body).toMatchObject({ seed: null, optimalSteps: null })
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toMatchObject({ seed: null, optimalSteps: null })
    // Without the token the list is a scoreboard (ids are all it takes to move one); viewers see everything.
    const board = await h.inject({ url: '/episodes' })
    expect(board.statusCode).toBe(200)
    expect(board.json().episodes[0]).toMatchObject({ id: null, seed: null, optimalSteps: null, x: null, y: null, status: 'running' })
    const listed = await h.inject({ url: '/episodes', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(listed.json().episodes[0]).toMatchObject({ id: body.id, seed: 8 })
    // A viewer sees them.
    const viewed = await h.inject({ url: `/episodes/${body.id}`, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(viewed.json()).toMatchObject({ seed: 8 })
    // Once ended, everyone does; the result line always has them.
    const real = generateMaze({ seed: generationSeed(8, SECRET), width: 12, height: 9 })
    const walk = solution(real)
    expect((await moves(h, body.id, walk)).json().observations.at(-1)).toMatchObject({ solved: true })
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toMatchObject({ seed: 8, optimalSteps: walk.length, status: 'solved' })
    expect(h.results()).toMatchObject([{ seed: 8, optimalSteps: walk.length }])
  })

  test('an agent that knows our generator and everything it may request cannot place the key or the exit', async () => {
    const h = await harness({ sealed })
    for (let seed = 0; seed < 25; seed++) {
      const body = await created(h, { seed, width: 16, height: 10 })
      // What the agent can do: regenerate from the seed it chose and the size it was given.
      const guess = generateMaze({ seed, width: 16, height: 10 })
      const real = generateMaze({ seed: generationSeed(seed, SECRET), width: 16, height: 10 })
      expect(body.observation).toMatchObject({ x: real.start.x, y: real.start.y })
      expect(guess.key).not.toEqual(real.key)
      expect(guess.walls).not.toEqual(real.walls)
      // The guessed walk does not solve the episode (it bumps, or ends elsewhere).
      const answer = (await moves(h, body.id, solution(guess))).json()
      expect(answer.observations.at(-1)?.solved ?? false).toBe(false)
      await h.inject({ method: 'DELETE', url: `/episodes/${body.id}` })
    }
  })

  test('whole-maze views need the viewer token: 401 without, 403 wrong, 200 with; /maze/pos stays open', async () => {
    const h = await harness({ sealed })
    const maze = generateMaze({ seed: 1, width: 10, height: 10 })
    h.setMaze(maze, solve(maze).optimalSteps)
    const body = await created(h)
    for (const [method, url] of [
      ['GET', '/maze/map'],
      ['HEAD', '/maze/map'],
      ['POST', '/maze/map'],
      ['GET', '/maze/meta'],
      ['GET', '/view/events'],
      ['GET', `/episodes/${body.id}/replay`],
    ] as const) {
      const payload = method === 'POST' ? { payload: [[0, 0]] } : {}
      const none = await h.inject({ method, url, ...payload })
      expect(none.statusCode, `${method} ${url}`).toBe(401)
      if (method !== 'HEAD') expectError(none, 401, 'MAZE_ERR_UNAUTHORIZED')
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/)
      const wrong = await h.inject({ method, url, headers: { authorization: 'Bearer not-the-token-at-all' }, ...payload })
      expect(wrong.statusCode, `${method} ${url}`).toBe(403)
      if (url === '/view/events') continue // an endless stream
      const right = await h.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...payload })
      expect(right.statusCode, `${method} ${url}`).toBe(200)
      const query = await h.inject({ method, url: `${url}?token=${TOKEN}`, ...payload })
      expect(query.statusCode, `${method} ${url}?token`).toBe(200)
    }
    expect((await h.inject({ url: '/maze/pos/0/0' })).statusCode).toBe(200)
    expect((await h.inject({ url: '/maze/size' })).statusCode).toBe(200)
    // An agent still creates episodes and reads its own record without the token.
    expect((await h.inject({ method: 'POST', url: '/episodes', payload: {} })).statusCode).toBe(201)
    expect((await h.inject({ url: `/episodes/${body.id}` })).statusCode).toBe(200)
    // The page with ?token= sets the cookie its event stream will send.
    const page = await h.inject({ url: `/?token=${TOKEN}` })
    expect(page.headers['set-cookie']).toMatch(/^maze_viewer=/)
    const cookie = String(page.headers['set-cookie']).split(';')[0]!
    expect((await h.inject({ url: '/maze/meta', headers: { cookie } })).json()).toMatchObject({ seed: 1 })
    // Ended: the replay is open to all.
    const real = generateMaze({ seed: generationSeed(7, SECRET), width: 12, height: 9 })
    expect((await moves(h, body.id, solution(real))).json().observations.at(-1)).toMatchObject({ solved: true })
    const replay = await h.inject({ url: `/episodes/${body.id}/replay` })
    expect(replay.statusCode).toBe(200)
    expect(replay.body.trimEnd().split('\n')).toHaveLength(solution(real).length)
  })

  test('without a viewer token configured, the views are closed to everyone (403)', async () => {
    const h = await harness({ sealed: { secret: SECRET } })
    expectError(await h.inject({ url: '/maze/meta', headers: { authorization: 'Bearer anything-at-all-here' } }), 403, 'MAZE_ERR_FORBIDDEN')
  })

  test('a short secret or a bad token is refused at build', async () => {
    await expect(buildApp({ sealed: { secret: 'short' } })).rejects.toThrow(/secret/)
    await expect(buildApp({ sealed: { secret: SECRET, viewerToken: 'has spaces in it ok' } })).rejects.toThrow(/viewer token/)
  })
})

describe('sealed mode: the list, the description, the domains', () => {
  const sealed = { secret: SECRET, viewerToken: TOKEN }

  test('GET /episodes: 200 without the token, a scoreboard with id, seed, optimalSteps, x and y null; full with it; 403 wrong', async () => {
    const h = await harness({ sealed })
    const running = await created(h, { seed: 7, width: 12, height: 9, agent: 'team-a' })
    const ended = await created(h, { seed: 7, width: 12, height: 9, agent: 'team-b' })
    const real = generateMaze({ seed: generationSeed(7, SECRET), width: 12, height: 9 })
    expect((await moves(h, ended.id, solution(real))).json().observations.at(-1)).toMatchObject({ solved: true })
    const board = await h.inject({ url: '/episodes' })
    expect(board.statusCode).toBe(200)
    const body = board.json()
    expect(Value.Check(EpisodeList, body)).toBe(true)
    expect(body).toMatchObject({ live: 1 })
    expect(body.episodes).toHaveLength(2)
    for (const entry of body.episodes) expect(entry).toMatchObject({ id: null, seed: null, optimalSteps: null, x: null, y: null })
    expect(body.episodes.map((e: { agent: string; status: string }) => [e.agent, e.status]).sort()).toEqual([
      ['team-a', 'running'],
      ['team-b', 'solved'],
    ])
    // Nothing of either id anywhere in the answer.
    expect(board.body).not.toContain(running.id)
    expect(board.body).not.toContain(ended.id)
    const full = await h.inject({ url: '/episodes', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(
      full
        .json()
        .episodes.map((e: { id: string }) => e.id)
        .sort(),
    ).toEqual([running.id, ended.id].sort())
    expect(full.json().episodes.find((e: { id: string }) => e.id === ended.id)).toMatchObject({ seed: 7, x: real.exit.x, y: real.exit.y })
    expectError(await h.inject({ url: '/episodes?token=not-the-token-at-all' }), 403, 'MAZE_ERR_FORBIDDEN')
  })

  test('GET /openapi.json: list entries may be null; sealed 401/403, Retry-After and Location are described', async () => {
    const h = await harness({ sealed })
    const paths = (await h.inject({ url: '/openapi.json' })).json().paths
    const list = paths['/episodes'].get.responses['200'].content['application/json'].schema
    const entry = list.properties.episodes.items
    for (const field of ['id', 'seed', 'optimalSteps', 'x', 'y']) {
      expect(JSON.stringify(entry.properties[field]), field).toMatch(/"nullable":true|"type":"null"/)
    }
    expect(Object.keys(paths['/episodes'].get.responses)).toContain('403')
    const create = paths['/episodes'].post
    expect(create.description).toMatch(/never plays the classic maze/)
    expect(Object.keys(create.responses['201'].headers)).toEqual(['Location'])
    expect(Object.keys(create.responses['202'].headers).sort()).toEqual(['Location', 'Retry-After'])
    expect(Object.keys(create.responses['429'].headers)).toEqual(['Retry-After'])
    expect(Object.keys(paths['/episodes/{id}/moves'].post.responses['409'].headers)).toEqual(['Retry-After'])
    for (const [path, method] of [
      ['/maze/meta', 'get'],
      ['/maze/map', 'get'],
      ['/maze/map', 'post'],
      ['/episodes/{id}/replay', 'get'],
    ] as const) {
      expect(Object.keys(paths[path][method].responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']))
    }
    expect(Object.keys(paths['/maze/meta'].get.responses['503'].headers)).toEqual(['Retry-After'])
  })

  test('the classic maze and the episodes come from separate domains of the secret; the episode derivation is unchanged', () => {
    const hmac = (input: string) => createHmac('sha256', SECRET).update(input).digest().readUInt32BE(0)
    for (const seed of [0, 7, 2024, 2 ** 32 - 1]) {
      expect(generationSeed(seed, SECRET)).toBe(hmac(`maze-sim/sealed/v1:${seed}`))
      expect(generationSeed(seed, SECRET, 'episode')).toBe(hmac(`maze-sim/sealed/v1:${seed}`))
      expect(generationSeed(seed, SECRET, 'classic')).toBe(hmac(`maze-sim/sealed/v1:classic:${seed}`))
      expect(generationSeed(seed, SECRET, 'classic')).not.toBe(generationSeed(seed, SECRET))
      // Outside sealed mode both are the seed itself.
      expect(generationSeed(seed, undefined, 'classic')).toBe(seed)
    }
  })
})

describe('limits', () => {
  test('the defaults are valid; a bad value is named with its range', () => {
    expect(validateEpisodeLimits()).toEqual(DEFAULT_EPISODE_LIMITS)
    expect(() => validateEpisodeLimits({ maxLive: 0 })).toThrow(/maxLive must be an integer from 1/)
    expect(episodeLimitsProblems({ idleMs: 1.5, maxBodyBytes: -1 })).toHaveLength(2)
    expect(episodeLimitsProblems({ maxArea: 2_000_000, maxLiveCells: 1_000_000 })).toEqual([expect.stringMatching(/maxArea/)])
  })

  test('GET /openapi.json describes every episodes route', async () => {
    const h = await harness()
    const paths = (await h.inject({ url: '/openapi.json' })).json().paths
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/episodes', '/episodes/{id}', '/episodes/{id}/moves', '/episodes/{id}/replay']),
    )
    expect(Object.keys(paths['/episodes/{id}'])).toEqual(expect.arrayContaining(['get', 'delete']))
  })
})

describe('sealed mode in startModel', () => {
  test('the classic maze mixes the secret in its own domain, still reports MAZE_SEED to viewers, and is never an episode', async () => {
    const { startModel } = await import('../src/start.ts')
    const model = await startModel({
      width: 20,
      height: 10,
      seed: 2024,
      logger: false,
      sealed: { secret: SECRET, viewerToken: TOKEN },
      episodes: { writeResult: () => {} },
    })
    try {
      await model.ready
      const real = generateMaze({ seed: generationSeed(2024, SECRET, 'classic'), width: 20, height: 10 })
      expect(await (await fetch(`${model.url}/maze/start`)).json()).toEqual(real.start)
      expect((await fetch(`${model.url}/maze/meta`)).status).toBe(401)
      const meta = await (await fetch(`${model.url}/maze/meta`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()
      expect(meta).toMatchObject({ seed: 2024, optimalSteps: solve(real).optimalSteps })
      // An episode on the same seed and size plays the episodes' maze of that seed, not the classic one
      // (which /maze/pos answers cell by cell to anyone): the classic maze is not in the episodes' cache.
      const created = (await (
        await fetch(`${model.url}/episodes`, { method: 'POST', body: '{"seed":2024}', headers: { 'content-type': 'application/json' } })
      ).json()) as { id: string; observation: unknown }
      const episodeMaze = generateMaze({ seed: generationSeed(2024, SECRET), width: 20, height: 10 })
      expect(created.observation).toMatchObject(episodeMaze.start)
      expect(model.episodes.find(created.id)?.episode?.maze.walls).toEqual(episodeMaze.walls)
      expect(episodeMaze.walls).not.toEqual(real.walls)
      expect(model.episodes.cache.stats().generated).toBe(1)
    } finally {
      await model.close()
    }
  })
})

describe('the referee cannot be told the result', () => {
  test('an agent that claims a result changes nothing: only moves count, checked one by one', async () => {
    const h = await harness()
    const body = await created(h)
    const maze = generateMaze({ seed: 7, width: 12, height: 9 })
    const walk = solution(maze)
    // A few honest moves, then every way a client could try to claim more.
    expect((await moves(h, body.id, walk.slice(0, 2))).statusCode).toBe(200)
    const before = (await h.inject({ url: `/episodes/${body.id}` })).json()
    const claims = [
      h.inject({ method: 'POST', url: `/episodes/${body.id}/moves`, payload: { moves: ['up'], solved: true, steps: 1 } }),
      h.inject({ method: 'POST', url: `/episodes/${body.id}/moves`, payload: { moves: [], status: 'solved' } }),
      h.inject({ method: 'PATCH', url: `/episodes/${body.id}`, payload: { status: 'solved', steps: 1 } }),
      h.inject({ method: 'PUT', url: `/episodes/${body.id}`, payload: { ...before, status: 'solved' } }),
      h.inject({ method: 'POST', url: `/episodes/${body.id}`, payload: { status: 'solved' } }),
      h.inject({ method: 'POST', url: '/episodes', payload: { seed: 7, width: 12, height: 9, status: 'solved', steps: 1 } }),
    ]
    for (const answer of await Promise.all(claims)) {
      expect(answer.statusCode, answer.body).toBeGreaterThanOrEqual(400)
      expect(answer.statusCode, answer.body).toBeLessThan(500)
    }
    // The record is what the referee saw: two steps, still running, no result line yet.
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toEqual(before)
    expect(before).toMatchObject({ status: 'running', steps: 2, bumps: 0 })
    expect(h.results()).toEqual([])
    // A move through a wall is a bump, never a step, whatever the client believes.
    const names = ['up', 'right', 'down', 'left'] as const
    const wall = names.find((_name, d) => maze.side(before.x, before.y, d as 0 | 1 | 2 | 3) === 1)!
    const bumped = (await moves(h, body.id, [wall])).json()
    expect(bumped).toMatchObject({ applied: 0, bumped: true })
    expect((await h.inject({ url: `/episodes/${body.id}` })).json()).toMatchObject({ steps: 2, bumps: 1, status: 'running' })
  })
})

describe('an episode id over the length limit', () => {
  test('GET, POST moves, replay and DELETE answer MAZE_ERR_BAD_REQUEST echoing at most 64 characters of it', async () => {
    const h = await harness()
    const id = 'x'.repeat(5000)
    for (const [method, url] of [
      ['GET', `/episodes/${id}`],
      ['POST', `/episodes/${id}/moves`],
      ['GET', `/episodes/${id}/replay`],
      ['DELETE', `/episodes/${id}`],
    ] as const) {
      const response = await h.inject({ method, url, ...(method === 'POST' ? { payload: { moves: ['up'] } } : {}) })
      const body = expectError(response, 414, 'MAZE_ERR_BAD_REQUEST')
      expect(body.message, `${method} ${url.slice(0, 20)}`).toContain(`"/episodes/${'x'.repeat(54)}…"`)
      expect(body.message.length).toBeLessThan(200)
    }
  })
})
