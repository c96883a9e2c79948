import http from 'node:http'
import { once } from 'node:events'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp } from '../src/app.ts'
import { startModel, type RunningModel } from '../src/start.ts'
import { ViewReplica } from '../src/view/view-protocol.ts'
import { ViewStats } from '../src/routes/view.ts'

/** Opens the event stream; resolves once the headers are in. */
async function connect(url: string): Promise<{ response: http.IncomingMessage; replica: ViewReplica; body: () => string }> {
  const request = http.get(`${url}/view/events`)
  const [response] = (await once(request, 'response')) as [http.IncomingMessage]
  const replica = new ViewReplica()
  let body = ''
  response.setEncoding('utf8').on('data', (chunk: string) => {
    body += chunk
    if (response.statusCode === 200) replica.write(chunk)
  })
  return { response, replica, body: () => body }
}

const until = async (check: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('the live view routes', () => {
  let model: RunningModel
  beforeAll(async () => {
    model = await startModel({ port: 0, width: 13, height: 7, seed: 42, view: { maxViewers: 2 } })
    await model.ready
  })
  afterAll(() => model.close())

  test('GET /', async () => {
    const response = await model.app.inject({ url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    // The original's greeting and link stay on the page.
    expect(response.body).toContain('<p>Hello, Maze!</p>')
    expect(response.body).toContain('href="/openapi.json"')
    expect(response.body).toContain("openSource('/view/events')")
    expect(response.body).toContain("new EventSource('/view/episodes/events')")
  })

  test('GET /view/stats', async () => {
    const response = await model.app.inject({ url: '/view/stats' })
    expect(response.statusCode).toBe(200)
    const stats = response.json()
    expect(Value.Check(ViewStats, stats)).toBe(true)
    expect(stats).toMatchObject({ viewers: 0, maxViewers: 2, run: 1, steps: 0, done: false, drawable: true })
  })

  test('GET /view/events', async () => {
    const a = await connect(model.url)
    const b = await connect(model.url)
    try {
      expect(a.response.statusCode).toBe(200)
      expect(a.response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
      expect(a.response.headers['cache-control']).toContain('no-cache')
      await until(() => a.replica.maze !== undefined && b.replica.maze !== undefined, 'the maze event')
      expect(a.replica.maze).toMatchObject({ width: 13, height: 7, seed: 42, drawable: true })

      // A third viewer is one too many.
      const c = await connect(model.url)
      expect(c.response.statusCode).toBe(503)
      expect(c.response.headers['retry-after']).toBe('5')
      await once(c.response, 'end')
      expect(JSON.parse(c.body())).toMatchObject({ error: 'MAZE_ERR_TOO_MANY_VIEWERS' })

      // The agent's requests drive the view: start, three cells, the map.
      const { x, y } = (await (await fetch(`${model.url}/maze/start`)).json()) as { x: number; y: number }
      await fetch(`${model.url}/maze/pos/${y}/${x}`).then((r) => r.arrayBuffer())
      await until(() => a.replica.pos === y * 13 + x && b.replica.pos === y * 13 + x, 'the first position')
      expect(a.replica).toMatchObject({ run: 1, steps: 0, visited: 1 })
      const stats = (await (await fetch(`${model.url}/view/stats`)).json()) as { viewers: number }
      expect(stats.viewers).toBe(2)
    } finally {
      a.response.destroy()
      b.response.destroy()
    }
    await until(() => model.view.stats().viewers === 0, 'viewers to leave')
  })

  test('HEAD /view/events', async () => {
    const response = await fetch(`${model.url}/view/events`, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(model.view.stats().viewers).toBe(0)
  })

  test('OpenAPI describes the view routes', async () => {
    const doc = (await model.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/view/events', '/view/stats']))
  })
})

test('close() ends open event streams, then closes gracefully', async () => {
  // A close that waited for the stream instead of ending it would hang until this bound (10 min),
  // far past the test's timeout: the connections are never cut here.
  const model = await startModel({ port: 0, width: 13, height: 7, seed: 1, closeTimeoutMs: 600_000 })
  await model.ready
  const viewer = await connect(model.url)
  const ended = once(viewer.response, 'end')
  await model.close()
  // The server ended the stream (its last chunk arrived), it was not cut; and it stops accepting.
  await ended
  expect(viewer.response.complete).toBe(true)
  expect(model.view.stats().viewers).toBe(0)
  await expect(fetch(`${model.url}/view/stats`)).rejects.toThrow()
})

test('GET / before the maze is ready, and the stats then', async () => {
  const { app } = await buildApp()
  try {
    expect((await app.inject({ url: '/' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/view/stats' })).json()).toMatchObject({ drawable: null, run: 0 })
  } finally {
    await app.close()
  }
})
