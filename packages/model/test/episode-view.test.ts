// The live view of the episodes: the list stream, following one episode, its maze, the sealed
// checks, and the rules for slow viewers. Streams are read over real sockets (app.inject waits for
// the end of an answer, and these never end).
import http from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { DIRECTION_NAMES, DX, DY, generateMaze, type DirectionName, type Maze } from '@maze-sim/maze'
import { afterEach, describe, expect, test } from 'vitest'
import { buildApp, type BuildAppOptions, type ModelApp } from '../src/app.ts'
import type { ViewerSink } from '../src/view/live-view.ts'
import { parseEventStream, ViewReplica, type MazeEvent } from '../src/view/view-protocol.ts'
import { countingGenerator, solution } from './episodes-support.ts'

const TOKEN = 'viewer-token-0123456789'
const SECRET = 'a-secret-of-at-least-16-chars'

interface Served extends ModelApp {
  url: string
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>
}

const open: ModelApp[] = []
afterEach(async () => {
  for (const model of open.splice(0)) await model.app.close()
})

async function serve(options: BuildAppOptions = {}): Promise<Served> {
  const { generate } = countingGenerator()
  const model = await buildApp({
    ...options,
    view: { flushIntervalMs: 10, listIntervalMs: 10, ...options.view },
    episodes: { generate, sweepTimer: false, writeResult: () => {} },
  })
  open.push(model)
  await model.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = model.app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    ...model,
    url,
    async post(path, body) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: response.status, json: (await response.json()) as Record<string, unknown> }
    },
  }
}

/** Opens an event stream; its events are applied to a ViewReplica as they come. */
async function stream(url: string, headers: Record<string, string> = {}) {
  const request = http.get(url, { headers })
  const [response] = (await once(request, 'response')) as [http.IncomingMessage]
  const replica = new ViewReplica()
  let body = ''
  response.setEncoding('utf8').on('data', (chunk: string) => {
    body += chunk
    if (response.statusCode === 200) replica.write(chunk)
  })
  return { response, replica, body: () => body, close: () => response.destroy() }
}

// Bounded polling of what a stream has delivered (the view sends every 10 ms here).
const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error(`waited in vain for ${what}`)
}

/** The cells of a walk from the start, the start included. */
function cellsOf(maze: Maze, walk: readonly DirectionName[]): number[] {
  let { x, y } = maze.start
  const cells = [maze.index(x, y)]
  for (const name of walk) {
    const d = DIRECTION_NAMES.indexOf(name)
    x += DX[d]!
    y += DY[d]!
    cells.push(maze.index(x, y))
  }
  return cells
}

describe('the episodes in the live view', () => {
  test('GET /view/episodes/events', async () => {
    const model = await serve()
    const list = await stream(`${model.url}/view/episodes/events`)
    expect(list.response.statusCode).toBe(200)
    expect(list.response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    await until(() => list.replica.episodes !== undefined, 'the first list')
    expect(list.replica.episodes).toEqual({ episodes: [], live: 0, maxLive: 256 })

    const created = await model.post('/episodes', { seed: 3, width: 9, height: 6, agent: 'team-a/astar' })
    expect(created.status).toBe(201)
    const id = created.json.id as string
    await until(() => list.replica.episodes?.episodes[0]?.id === id, 'the new episode in the list')
    expect(list.replica.episodes?.episodes[0]).toMatchObject({
      agent: 'team-a/astar',
      width: 9,
      height: 6,
      steps: 0,
      status: 'running',
      seed: 3,
    })

    const walk = solution(generateMaze({ seed: 3, width: 9, height: 6 }))
    await model.post(`/episodes/${id}/moves`, { moves: walk.slice(0, 3) })
    await until(() => list.replica.episodes?.episodes[0]?.steps === 3, 'the steps in the list')
    await model.post(`/episodes/${id}/moves`, { moves: walk.slice(3) })
    await until(() => list.replica.episodes?.episodes[0]?.status === 'solved', 'the end in the list')
    expect(list.replica.episodes).toMatchObject({ live: 0, episodes: [{ id, steps: walk.length, status: 'solved' }] })
    list.close()
  })

  test('GET /view/episodes/:id/events: a late follower gets the walk so far, then every step and the end', async () => {
    const model = await serve()
    const created = await model.post('/episodes', { seed: 5, width: 12, height: 8, agent: 'bob' })
    const id = created.json.id as string
    const maze = generateMaze({ seed: 5, width: 12, height: 8 })
    const walk = solution(maze)
    const half = Math.floor(walk.length / 2)
    await model.post(`/episodes/${id}/moves`, { moves: walk.slice(0, half) })

    const follower = await stream(`${model.url}/view/episodes/${id}/events`)
    expect(follower.response.statusCode).toBe(200)
    const r = follower.replica
    await until(() => r.maze !== undefined && r.seen.state === 1, 'the maze and the snapshot')
    expect(r.maze).toMatchObject({ width: 12, height: 8, seed: 5, drawable: true, episode: { id, agent: 'bob' } })
    expect(r.maze!.start).toEqual([maze.start.x, maze.start.y])
    expect(r.maze!.key).toEqual([maze.key.x, maze.key.y])
    // The walls as the classic view sends them: two cells per byte, low nibble first.
    const packed = Buffer.from(r.maze!.walls!, 'base64')
    expect([...maze.walls].map((_, i) => (packed[i >> 1]! >> ((i & 1) * 4)) & 15)).toEqual([...maze.walls])
    const cells = cellsOf(maze, walk)
    expect(r).toMatchObject({ steps: half, pos: cells[half], status: 'running', done: false, bumps: 0 })
    expect(r.sensedCells).toBe(new Set(cells.slice(0, half + 1)).size)

    // A bump counts as a bump, not as a step.
    const here = cells[half]!
    const bump = DIRECTION_NAMES.find((_, d) => maze.side(here % 12, Math.floor(here / 12), d as 0) === 1)!
    expect((await model.post(`/episodes/${id}/moves`, { moves: [bump] })).json).toMatchObject({ applied: 0, bumped: true })
    await until(() => r.bumps === 1, 'the bump')
    expect(r.steps).toBe(half)
    await model.post(`/episodes/${id}/moves`, { moves: walk.slice(half) })
    await until(() => r.done, 'the end')
    const record = (await (await fetch(`${model.url}/episodes/${id}`)).json()) as Record<string, unknown>
    expect(r).toMatchObject({
      steps: record.steps,
      keyStep: record.keyStep,
      exitStep: walk.length,
      status: 'solved',
      pos: cells.at(-1),
      bumps: 1,
    })
    expect(r.sensedCells).toBe(new Set(cells).size)
    follower.close()
  })

  test('GET /view/episodes/:id/events of an ended episode: its final state; of an unknown id: 404', async () => {
    const model = await serve()
    const created = await model.post('/episodes', { seed: 2, width: 7, height: 7 })
    const id = created.json.id as string
    const walk = solution(generateMaze({ seed: 2, width: 7, height: 7 }))
    await model.post(`/episodes/${id}/moves`, { moves: walk })
    const follower = await stream(`${model.url}/view/episodes/${id}/events`)
    await until(() => follower.replica.done, 'the final state')
    expect(follower.replica).toMatchObject({ steps: walk.length, status: 'solved', exitStep: walk.length })
    follower.close()

    const unknown = await stream(`${model.url}/view/episodes/AAAAAAAAAAAAAAAA/events`)
    expect(unknown.response.statusCode).toBe(404)
    await once(unknown.response, 'end')
    expect(JSON.parse(unknown.body())).toMatchObject({ error: 'MAZE_ERR_EPISODE_NOT_FOUND' })
  })

  test('GET /view/episodes/:id/maze', async () => {
    const model = await serve()
    const created = await model.post('/episodes', { seed: 4, width: 10, height: 5, agent: 'x' })
    const id = created.json.id as string
    const response = await model.app.inject({ url: `/view/episodes/${id}/maze` })
    expect(response.statusCode).toBe(200)
    const body = response.json() as MazeEvent
    const maze = generateMaze({ seed: 4, width: 10, height: 5 })
    expect(body).toMatchObject({ width: 10, height: 5, seed: 4, exit: [maze.exit.x, maze.exit.y], episode: { id, agent: 'x' } })
    expect(body.optimalSteps).toBe(created.json.optimalSteps)
    expect((await model.app.inject({ url: '/view/episodes/AAAAAAAAAAAAAAAA/maze' })).json()).toMatchObject({
      error: 'MAZE_ERR_EPISODE_NOT_FOUND',
    })
  })
})

describe('the episodes in the live view: viewers and access', () => {
  test('the registry calls the view only while someone watches', async () => {
    const model = await serve()
    expect(model.episodes.listener).toBeUndefined()
    const list = await stream(`${model.url}/view/episodes/events`)
    await until(() => list.replica.episodes !== undefined, 'the list')
    expect(model.episodes.listener).toBe(model.episodeView)
    list.close()
    await until(() => model.episodeView.stats().viewers === 0, 'the viewer to leave')
    expect(model.episodes.listener).toBeUndefined()
    const stats = (await model.app.inject({ url: '/view/stats' })).json()
    expect(stats.episodes).toMatchObject({ viewers: 0, followed: 0, dropped: 0 })
    expect(stats.episodes.bytesSent).toBeGreaterThan(0)
  })

  test('the episode streams count against maxViewers: one too many is 503', async () => {
    const model = await serve({ view: { maxViewers: 1 } })
    const list = await stream(`${model.url}/view/episodes/events`)
    expect(list.response.statusCode).toBe(200)
    const second = await stream(`${model.url}/view/episodes/events`)
    expect(second.response.statusCode).toBe(503)
    await once(second.response, 'end')
    expect(JSON.parse(second.body())).toMatchObject({ error: 'MAZE_ERR_TOO_MANY_VIEWERS' })
    list.close()
  })

  test('sealed mode: the new views need the viewer token', async () => {
    const model = await serve({ sealed: { secret: SECRET, viewerToken: TOKEN } })
    const created = await model.post('/episodes', { seed: 1, width: 8, height: 8 })
    const id = created.json.id as string
    for (const path of ['/view/episodes/events', `/view/episodes/${id}/events`, `/view/episodes/${id}/maze`]) {
      const none = await model.app.inject({ url: path })
      expect(none.statusCode, path).toBe(401)
      expect(none.json()).toMatchObject({ error: 'MAZE_ERR_UNAUTHORIZED' })
      expect((await model.app.inject({ url: path, headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, path).toBe(
        403,
      )
      if (path.endsWith('/maze')) {
        expect((await model.app.inject({ url: `${path}?token=${TOKEN}` })).statusCode).toBe(200)
        continue
      }
      // The page's cookie lets its streams in.
      const viewer = await stream(`${model.url}${path}`, { cookie: `maze_viewer=${TOKEN}` })
      expect(viewer.response.statusCode, path).toBe(200)
      viewer.close()
    }
  })
})

interface FakeSink extends ViewerSink {
  writableLength: number
  destroyed: boolean
}

/** A viewer whose socket the test controls: `writableLength` is what it says. */
function fakeSink() {
  const chunks: string[] = []
  let onClose: (() => void) | undefined
  const sink: FakeSink = {
    writableLength: 0,
    destroyed: false,
    write(chunk: Uint8Array) {
      chunks.push(Buffer.from(chunk).toString('utf8'))
      return true
    },
    end() {
      onClose?.()
    },
    destroy() {
      sink.destroyed = true
      onClose?.()
    },
    once(_event: 'close', listener: () => void) {
      onClose = listener
      return sink
    },
  }
  const events = () => parseEventStream(chunks.join('')).events.map((e) => e.event)
  return { sink, chunks, events }
}

describe('slow episode viewers', () => {
  test('a slow follower is skipped, gets one snapshot when it drains, and is dropped when it stays slow', async () => {
    const { generate } = countingGenerator()
    const model = await buildApp({
      view: { bufferLimitBytes: 100, staleViewerMs: 0, flushIntervalMs: 60_000 },
      episodes: { generate, sweepTimer: false, writeResult: () => {} },
    })
    open.push(model)
    const { entry, ready } = model.episodes.create({ seed: 9, width: 10, height: 10, maxSteps: 1000, agent: null })
    await ready
    const walk = solution(generateMaze({ seed: 9, width: 10, height: 10 })).map((d) => DIRECTION_NAMES.indexOf(d) as 0)
    const fast = fakeSink()
    const slow = fakeSink()
    model.episodeView.addFollower(entry, fast.sink)
    model.episodeView.addFollower(entry, slow.sink)
    expect(slow.events()).toEqual(['maze', 'state'])

    slow.sink.writableLength = 1000
    model.episodes.move(entry, walk.slice(0, 2))
    model.episodeView.flush()
    expect(fast.events()).toEqual(['maze', 'state', 'moves'])
    expect(slow.events()).toEqual(['maze', 'state'])

    // Drained: everything it missed, in one snapshot.
    slow.sink.writableLength = 0
    model.episodes.move(entry, walk.slice(2, 4))
    model.episodeView.flush()
    expect(slow.events()).toEqual(['maze', 'state', 'maze', 'state'])
    expect(fast.events()).toEqual(['maze', 'state', 'moves', 'moves'])

    // Over the limit for staleViewerMs (0 here): dropped at the next batch.
    slow.sink.writableLength = 1000
    model.episodeView.flush()
    model.episodeView.flush()
    expect(slow.sink.destroyed).toBe(true)
    expect(model.episodeView.stats()).toMatchObject({ viewers: 1, followed: 1, dropped: 1 })
    fast.sink.end()
    expect(model.episodeView.stats()).toMatchObject({ viewers: 0, followed: 0 })
    expect(model.episodes.listener).toBeUndefined()
  })
})
