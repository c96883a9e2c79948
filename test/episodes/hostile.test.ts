// Hostile clients of the /episodes routes against a real listening model (startModel, small
// limits, the real idle sweep): floods of POST /episodes, huge, endless or malformed bodies, bad ids.
// Every answer is a 4xx or 429 JSON error, never a 5xx; the live count never exceeds its limit and
// forgotten episodes are reaped. Loopback only; every wait is bounded by a count of polls.
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningModel, startModel } from '@maze-sim/model'
import { rawClient } from '../support/raw-http.ts'

const MAX_LIVE = 40
const lines: string[] = []
let model: RunningModel
let port: number

beforeAll(async () => {
  model = await startModel({
    width: 16,
    height: 10,
    seed: 3,
    logger: false,
    requestTimeoutMs: 2000,
    idleTimeoutMs: 2000,
    episodes: {
      limits: { maxLive: MAX_LIVE, idleMs: 300, maxEnded: 50, maxBodyBytes: 4096, maxMovesPerRequest: 100 },
      writeResult: (l) => lines.push(l),
    },
  })
  await model.ready
  port = Number(new URL(model.url).port)
})
afterAll(async () => {
  await model?.close()
})

// biome-ignore lint/suspicious/noExplicitAny: answers of every route, checked field by field
async function call(method: string, path: string, body?: string, type = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${model.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': type } }),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

const live = async (): Promise<number> => (await call('GET', '/episodes?limit=1')).body.live

/** Polls until `check` holds, at most `polls` times 100 ms apart; returns whether it held. */
async function eventually(check: () => Promise<boolean>, polls = 100): Promise<boolean> {
  for (let i = 0; i < polls; i++) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

describe('a flood of POST /episodes', () => {
  test('2,000 creations, 100 at a time: only 201 or 429, never more live than the limit, all reaped once forgotten', async () => {
    const statuses = new Map<number, number>()
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => call('POST', '/episodes', JSON.stringify({ seed: (round * 100 + i) % 5 }))),
      )
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
      expect(await live()).toBeLessThanOrEqual(MAX_LIVE)
    }
    expect([...statuses.keys()].sort()).toEqual([201, 429])
    expect(await eventually(async () => (await live()) === 0)).toBe(true)
    expect(model.episodes.stats()).toMatchObject({ live: 0, liveCells: 0 })
    expect(model.episodes.stats().ended).toBeLessThanOrEqual(50)
    expect(lines.length).toBe(statuses.get(201))
    expect(lines.every((l) => JSON.parse(l).status === 'abandoned')).toBe(true)
  })
})

describe('bodies', () => {
  const head = (path: string, extra: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}\r\n`

  test('a declared 100 MB body: 413 before it is read, connection closed', async () => {
    const exchange = await rawClient(port, head('/episodes', 'Content-Length: 100000000\r\n')).result(5000)
    expect(exchange.status).toBe(413)
    expect(exchange.json?.error).toBe('MAZE_ERR_BODY_TOO_LARGE')
    expect(exchange.closedByServer).toBe(true)
  })

  test('an endless chunked body: 413 at the limit, connection closed', async () => {
    const client = rawClient(port, head('/episodes', 'Transfer-Encoding: chunked\r\n'))
    const chunk = `400\r\n${'['.repeat(1024)}\r\n`
    // Writes until the server stops reading: bounded by the count.
    for (let i = 0; i < 64 && !client.socket.destroyed; i++) {
      if (!client.socket.write(chunk)) await Promise.race([once(client.socket, 'drain'), once(client.socket, 'close')])
    }
    const exchange = await client.result(5000)
    expect(exchange.status).toBe(413)
    expect(exchange.closedByServer).toBe(true)
  })

  test.each([
    ['deeply nested JSON', '['.repeat(4000), 'MAZE_ERR_BAD_JSON'],
    ['truncated JSON', '{"seed": 1', 'MAZE_ERR_BAD_JSON'],
    ['a NUL byte', '{"seed":\u0000}', 'MAZE_ERR_BAD_JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'), 'MAZE_ERR_BAD_JSON'],
    ['a number too large for a seed', '{"seed": 1e400}', 'MAZE_ERR_BAD_SEED'],
    ['a huge width', '{"width": 99999999999999999999}', 'MAZE_ERR_BAD_SIZE'],
    ['a prototype key', '{"__proto__": {"seed": 1}}', 'MAZE_ERR_BAD_BODY'],
  ])('POST /episodes with %s: 400', async (_name, body, code) => {
    const answer = await call('POST', '/episodes', body)
    expect(answer.status).toBe(400)
    expect(answer.body.error).toBe(code)
  })

  test('moves: too many, too large, not JSON, not moves', async () => {
    const { id } = (await call('POST', '/episodes', '{}')).body
    expect((await call('POST', `/episodes/${id}/moves`, JSON.stringify({ moves: Array(101).fill('up') }))).body.error).toBe(
      'MAZE_ERR_TOO_MANY_MOVES',
    )
    expect((await call('POST', `/episodes/${id}/moves`, JSON.stringify({ moves: Array(1000).fill('left') }))).status).toBe(413)
    expect((await call('POST', `/episodes/${id}/moves`, 'up, up', 'text/plain')).status).toBe(415)
    expect((await call('POST', `/episodes/${id}/moves`, '{"moves": [{"up": 1}]}')).body.error).toBe('MAZE_ERR_BAD_MOVES')
    expect((await call('GET', `/episodes/${id}`)).body).toMatchObject({ steps: 0, status: 'running' })
    expect((await call('DELETE', `/episodes/${id}`)).status).toBe(204)
  })
})

describe('ids', () => {
  test.each([
    ['/episodes/%zz', 400],
    ['/episodes/%00', 404],
    ['/episodes/..%2F..%2Fmaze%2Fmap', 404],
    // Longer than the router's 1024-character parameters: 414.
    [`/episodes/${'A'.repeat(2000)}`, 414],
    ['/episodes/AAAAAAAAAAAAAAAA/replay', 404],
    ['/episodes/AAAAAAAAAAAAAAAA/moves/extra', 404],
  ])('GET %s: %i', async (path, status) => {
    const exchange = await rawClient(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`).result(5000)
    expect({ path: path.slice(0, 60), status: exchange.status }).toEqual({ path: path.slice(0, 60), status })
    expect(exchange.json?.error).toMatch(/^MAZE_ERR_/)
  })
})

describe('after all that', () => {
  test('the model still serves the classic routes and a new episode', async () => {
    expect((await call('GET', '/maze/size')).body).toEqual({ width: 16, height: 10 })
    expect((await call('POST', '/episodes', '')).status).toBe(201)
  })
})
