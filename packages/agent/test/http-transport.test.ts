import { createServer } from 'node:http'
import { generateMaze, solve } from '@maze-sim/maze'
import { describe, expect, test, vi } from 'vitest'
import { AgentErrorCode } from '../src/errors.ts'
import { createHttpTransport, retryAfterMs, undiciParts } from '../src/http-transport.ts'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { runAgent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import { freePort, startFixtureServer } from './fixtures/maze-server.ts'
import { scopedHttp } from './fixtures/scoped.ts'

const maze = generateMaze({ width: 14, height: 9, seed: 77 })

// Every server and transport a test opens is closed after it.
const { serve, connect, defer } = scopedHttp()
/** Polls `check` every 10 ms until it holds; fails naming `what` after `timeoutMs` (a bound, not an assertion). */
const until = async (check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('HTTP transport against the original contract', () => {
  test('solves a maze served as text/html JSON after a 503 + Retry-After; seed and optimalSteps are null', async () => {
    // In order: the requests the server saw and the timers set meanwhile (of 100 ms or more, with
    // their delays), so what the client waited for between the 503 and its retry shows.
    const events: string[] = []
    const schedule = globalThis.setTimeout
    const timers = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms === 'number' && ms >= 100) events.push(`timer ${ms} ms`)
      return Reflect.apply(schedule, globalThis, [callback, ms, ...args]) as ReturnType<typeof setTimeout>
    }) as typeof setTimeout)
    defer(async () => timers.mockRestore())
    const server = await serve({
      maze,
      unavailableFor: 1,
      retryAfter: '1',
      raw: () => {
        events.push('request')
        return false
      },
    })
    const transport = connect({ url: server.url, startupTimeoutMs: 10_000 })
    const { result, map } = await runAgent({ transport, strategy: randomDfs, seed: 3 })
    timers.mockRestore()
    // Retry-After: 1 was honoured: between the 503 and the retry, a wait of 1000 ms; not the
    // transport's own backoff, 100 ms.
    const retry = events.indexOf('request', events.indexOf('request') + 1)
    const between = events.slice(events.indexOf('request') + 1, retry)
    expect(between, events.join(', ')).toContain('timer 1000 ms')
    expect(between, events.join(', ')).not.toContain('timer 100 ms')
    expect(result).toMatchObject({ solved: true, width: 14, height: 9, seed: null, optimalSteps: null })
    expect(server.hits['503']).toBe(1)
    expect(server.hits.other).toBe(2) // the /maze/meta and /episodes probes, answered 404
    expect(result.requests).toBe(server.hits.size! + server.hits.start! + server.hits.pos! + server.hits.map! + server.hits.other!)
    expect(transport.attempts).toBe(result.requests + 1) // plus the 503
    expect(server.connections()).toBe(1) // one keep-alive connection for the whole run
    expect(map!.split('\n')).toHaveLength(2 * 9 + 2)
  })

  test('fills seed and optimalSteps from GET /maze/meta when the server has it', async () => {
    const server = await serve({ maze, meta: true })
    const transport = connect({ url: server.url })
    const { result } = await runAgent({ transport, strategy: randomDfs })
    expect(result).toMatchObject({ solved: true, seed: 77, optimalSteps: solve(maze).optimalSteps })
  })

  test('keeps a path prefix of the URL', async () => {
    const server = await serve({ maze, override: (_m, path) => (path.startsWith('/maze/x') ? { status: 500, body: '' } : undefined) })
    const inner = createServer((req, res) => {
      // A proxy that strips /prefix.
      const path = (req.url ?? '').replace(/^\/prefix/, '')
      fetch(server.url + path).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' })
        res.end(await r.text())
      })
    })
    await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', resolve))
    defer(() => new Promise((resolve) => inner.close(resolve)))
    const { port } = inner.address() as { port: number }
    const transport = connect({ url: `http://127.0.0.1:${port}/prefix/` })
    expect(await transport.size()).toEqual({ width: 14, height: 9 })
  })

  test('answers exactly what the in-process transport answers', async () => {
    for (const meta of [false, true]) {
      const server = await serve({ maze, meta })
      const http = connect({ url: server.url })
      const local = createInProcessTransport(maze, { meta })
      expect(await http.size()).toEqual(await local.size())
      expect(await http.start()).toEqual(await local.start())
      expect(await http.meta()).toEqual(await local.meta())
      for (let y = 0; y < maze.height; y++) {
        for (let x = 0; x < maze.width; x++) expect(await http.sense(x, y)).toEqual(await local.sense(x, y))
      }
      const moves: Array<[number, number]> = [
        [0, 0],
        [1, 0],
        [5, 5],
        [13, 8],
      ]
      expect(await http.submitMap(moves)).toBe(await local.submitMap(moves))
      expect(http.requests).toBe(local.requests)
    }
  })
})

describe('HTTP transport start-up wait', () => {
  test('waits for a model that starts listening only after its first attempts were refused, then solves', async () => {
    const port = await freePort()
    const transport = connect({ url: `http://127.0.0.1:${port}`, startupTimeoutMs: 15_000 })
    const running = runAgent({ transport, strategy: randomDfs })
    running.catch(() => {}) // awaited below; a failed wait must not leave it unhandled
    // Nothing listens yet: the model comes up once the transport has been refused twice.
    await until(() => transport.attempts >= 2, 'two refused attempts')
    await serve({ maze, port })
    const { result } = await running
    expect(result.solved).toBe(true)
    expect(transport.attempts).toBeGreaterThan(result.requests) // connection refused, retried
  })

  test('with no model at all, retries until the start-up wait runs out, then fails with AGENT_ERR_MODEL_UNREACHABLE', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const transport = connect({ url, startupTimeoutMs: 1000 })
    const error = await runAgent({ transport, strategy: randomDfs }).catch((err: unknown) => err)
    // It ended because the start-up wait ran out (the code and the message say so), after retrying.
    expect(error).toMatchObject({ code: AgentErrorCode.ModelUnreachable })
    expect((error as Error).message).toContain(url)
    expect((error as Error).message).toMatch(/within the start-up wait of 1 s \(waited \d+\.\d s; last error: .*ECONNREFUSED/)
    expect((error as Error).cause).toBeDefined()
    expect(transport.attempts).toBeGreaterThan(1)
    expect(transport.requests).toBe(1) // one call (GET /maze/size), retried on the wire
  })

  test('a model that answers 503 for longer than the start-up wait fails with AGENT_ERR_MODEL_UNREACHABLE', async () => {
    const server = await serve({ maze, unavailableForMs: 60_000, retryAfter: '1' })
    const transport = connect({ url: server.url, startupTimeoutMs: 1500 })
    await expect(transport.size()).rejects.toMatchObject({
      code: AgentErrorCode.ModelUnreachable,
      message: expect.stringMatching(/within the start-up wait of 1\.5 s .*it answered 503/),
    })
    // Every attempt was answered 503 and retried: the wait ended at the deadline, not at the first 503.
    expect(server.hits['503']).toBeGreaterThan(1)
    expect(server.hits['503']).toBe(transport.attempts)
  })

  test('a model that accepts connections but never answers is retried within the start-up wait, then fails with the headers timeout', async () => {
    const server = await serve({ maze, override: () => 'hang' })
    const transport = connect({ url: server.url, startupTimeoutMs: 3000, requestTimeoutMs: 300 })
    await expect(transport.size()).rejects.toMatchObject({
      code: AgentErrorCode.ModelUnreachable,
      message: expect.stringMatching(/within the start-up wait of 3 s .*last error: UND_ERR_HEADERS_TIMEOUT/),
    })
    // The request reached the model and was cut off by the request timeout (the error says so),
    // then tried again while the start-up wait lasted (3 s hold several 300 ms attempts, even with
    // undici's coarse timers, which may fire a short timeout up to about a second late).
    expect(server.connections()).toBeGreaterThanOrEqual(1)
    expect(transport.attempts).toBeGreaterThan(1)
  })

  test('a model that goes away mid-run fails quickly with AGENT_ERR_MODEL_UNREACHABLE', async () => {
    const server = await startFixtureServer({ maze })
    const transport = connect({ url: server.url, startupTimeoutMs: 30_000 })
    await transport.size()
    await server.close()
    const before = transport.attempts
    await expect(transport.sense(0, 0)).rejects.toMatchObject({
      code: AgentErrorCode.ModelUnreachable,
      message: expect.stringContaining('stopped answering GET /maze/pos/0/0'),
    })
    // Quickly means: its few retries (3 by default), not the 30 s start-up wait of a model never seen.
    expect(transport.attempts - before).toBe(1 + 3)
  })

  test('an aborted signal stops a start-up wait early with AGENT_ERR_ABORTED', async () => {
    const port = await freePort()
    const controller = new AbortController()
    // A start-up wait far longer than the test's timeout: only the abort can end it in time.
    const transport = connect({ url: `http://127.0.0.1:${port}`, startupTimeoutMs: 600_000, signal: controller.signal })
    const size = transport.size()
    size.catch(() => {}) // awaited below
    await until(() => transport.attempts >= 2, 'the transport to be waiting for the model (refused, retrying)')
    controller.abort()
    await expect(size).rejects.toMatchObject({ code: AgentErrorCode.Aborted })
  })
})

describe('HTTP transport validation', () => {
  const broken = async (path: string, status: number, body: string) => {
    const server = await serve({ maze, override: (_m, p) => (p === path ? { status, body } : undefined) })
    return connect({ url: server.url })
  }

  test.each([
    ['/maze/size', '{"width": 0, "height": 5}'],
    ['/maze/size', '{"width": 3.5, "height": 5}'],
    ['/maze/size', '<p>not json</p>'],
    ['/maze/size', '[]'],
  ])('GET %s answering %s fails with AGENT_ERR_BAD_RESPONSE', async (path, body) => {
    const transport = await broken(path, 200, body)
    await expect(transport.size()).rejects.toMatchObject({ code: AgentErrorCode.BadResponse })
  })

  test('GET /maze/start outside the grid fails with AGENT_ERR_BAD_RESPONSE', async () => {
    const transport = await broken('/maze/start', 200, '{"x": 14, "y": 0}')
    await transport.size()
    await expect(transport.start()).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringMatching(/x must be an integer 0\.\.13/),
    })
  })

  test.each([
    '{"here": "X", "up": 1, "down": 0, "left": 1, "right": 0}',
    '{"here": " ", "up": "1", "down": 0, "left": 1, "right": 0}',
    '{"here": " ", "up": 2, "down": 0, "left": 1, "right": 0}',
    '{"here": " ", "up": true, "down": 0, "left": 1, "right": 0}',
    '{"here": " ", "down": 0, "left": 1, "right": 0}',
  ])('GET /maze/pos answering %s fails with AGENT_ERR_BAD_RESPONSE', async (body) => {
    const transport = await broken('/maze/pos/0/0', 200, body)
    await expect(transport.sense(0, 0)).rejects.toMatchObject({ code: AgentErrorCode.BadResponse })
  })

  test('a 404 on a contract route fails with AGENT_ERR_BAD_RESPONSE naming the route and status', async () => {
    const transport = await broken('/maze/size', 404, 'nope')
    await expect(transport.size()).rejects.toThrow('GET /maze/size answered 404: nope')
  })

  test('GET /maze/meta answering non-JSON or an error means no meta', async () => {
    for (const [status, body] of [
      [200, '<p>Hello</p>'],
      [400, '{"error": "MAZE_ERR_NOT_FOUND"}'],
      [200, '{"seed": "x", "optimalSteps": -1}'],
    ] as const) {
      const transport = await broken('/maze/meta', status, body)
      expect(await transport.meta()).toEqual({ seed: null, optimalSteps: null })
    }
  })

  test('a closed transport refuses calls', async () => {
    const server = await serve({ maze })
    const transport = createHttpTransport({ url: server.url })
    await transport.close()
    await transport.close()
    await expect(transport.size()).rejects.toMatchObject({ code: AgentErrorCode.ModelUnreachable })
  })

  test('retryAfterMs reads seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after': '10' })).toBe(10_000)
    expect(retryAfterMs({ 'retry-after': '0' })).toBe(0)
    expect(retryAfterMs({})).toBeNull()
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeNull()
    const inTwo = new Date(Date.now() + 2000).toUTCString()
    expect(retryAfterMs({ 'retry-after': inTwo })).toBeGreaterThan(500)
  })
})

test('the parts of undici the transport loads are the ones undici exports', async () => {
  const { Client, interceptors, Dispatcher } = await import('undici')
  const parts = undiciParts()
  expect(parts.Client).toBe(Client)
  expect(parts.retry).toBe(interceptors.retry)
  // What undici's index puts on every dispatcher.
  expect(parts.request).toBe(Dispatcher.prototype.request)
})
