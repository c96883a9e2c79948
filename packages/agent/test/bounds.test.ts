// Every bound a misbehaving model can hit: a body that trickles, a body without end, answers that
// contradict themselves. No wall-clock assertions: each test waits for the failure and checks it.
import { generateMaze, type CellView } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { AgentErrorCode } from '../src/errors.ts'
import { maxMapBytes } from '../src/http-transport.ts'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { runAgent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import type { MazeTransport } from '../src/transport.ts'
import { endless, trickle } from './fixtures/maze-server.ts'
import { scopedHttp } from './fixtures/scoped.ts'

const maze = generateMaze({ width: 14, height: 9, seed: 77 })

// Every server and transport a test opens is closed after it.
const { serve, connect } = scopedHttp()

describe('HTTP transport: a total deadline per request', () => {
  test('a body trickling one byte at a time (each within the idle timeout) fails at the total deadline', async () => {
    // Bytes every 50 ms, under the 300 ms idle timeout: only a total deadline stops it.
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (path !== '/maze/size') return false
        trickle(res, 50)
        return true
      },
    })
    const transport = connect({ url: server.url, requestTimeoutMs: 300, startupTimeoutMs: 1000 })
    await expect(transport.size()).rejects.toMatchObject({
      code: AgentErrorCode.ModelUnreachable,
      message: expect.stringContaining('did not arrive in full within 300 ms'),
    })
  })

  test('one deadline from sending to the last byte: headers late, then a body trickling past the setting, fail at the setting', async () => {
    // With a 1000 ms setting: the headers at 600 ms, then 16 bytes 50 ms apart, the last at ~1400 ms.
    // A deadline counted from the headers (600 + 1000 ms) would let the answer complete; the total
    // deadline ends it at 1000 ms: the server sees the socket closed before it wrote its last byte.
    const ms = 1000
    let closedEarly!: (early: boolean) => void
    const outcome = new Promise<boolean>((resolve) => {
      closedEarly = resolve
    })
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (path !== '/maze/size') return false
        const body = '{"width":14,"height":9}'.padEnd(16, ' ')
        let sent = 0
        let timer: NodeJS.Timeout | undefined
        res.on('close', () => {
          clearInterval(timer)
          closedEarly(sent < body.length)
        })
        setTimeout(() => {
          if (res.destroyed) return
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
          res.flushHeaders()
          timer = setInterval(() => {
            if (res.destroyed) return clearInterval(timer)
            res.write(body[sent++]!)
            if (sent === body.length) {
              clearInterval(timer)
              res.end()
            }
          }, 50)
        }, ms * 0.6)
        return true
      },
    })
    const transport = connect({ url: server.url, requestTimeoutMs: ms, startupTimeoutMs: 5000 })
    await expect(transport.size()).rejects.toMatchObject({
      code: AgentErrorCode.ModelUnreachable,
      message: expect.stringContaining(`within ${ms} ms in total`),
    })
    expect(await outcome).toBe(true)
  })

  test('mid-run, a trickling answer fails the run (exit 3 class), not retried forever', async () => {
    let trickling = false
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (!path.startsWith('/maze/pos/')) return false
        if (!trickling) {
          trickling = true
          return false
        }
        trickle(res, 50)
        return true
      },
    })
    const transport = connect({ url: server.url, requestTimeoutMs: 300 })
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).rejects.toMatchObject({ code: AgentErrorCode.ModelUnreachable })
  })
})

describe('HTTP transport: a size limit per response', () => {
  test('an endless body on a small route fails with AGENT_ERR_BAD_RESPONSE at the limit', async () => {
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (path !== '/maze/size') return false
        endless(res)
        return true
      },
    })
    const transport = connect({ url: server.url })
    await expect(transport.size()).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('over the limit'),
    })
  })

  test('an endless map answer fails with AGENT_ERR_BAD_RESPONSE at the limit the maze size gives', async () => {
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (path !== '/maze/map') return false
        endless(res)
        return true
      },
    })
    const transport = connect({ url: server.url })
    await transport.size()
    await expect(transport.submitMap([[0, 0]])).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining(`limit of ${maxMapBytes(maze)} bytes`),
    })
  })

  test('a content-length over the limit fails before the body is read', async () => {
    const server = await serve({
      maze,
      raw: (_method, path, res) => {
        if (path !== '/maze/start') return false
        res.writeHead(200, { 'content-length': String(1024 ** 3) })
        res.write('{')
        return true
      },
    })
    const transport = connect({ url: server.url })
    await expect(transport.start()).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('1073741824 bytes'),
    })
  })

  test('the map of a large maze is within its limit', () => {
    // (2w+1) characters and a newline per line, 2h+1 lines, plus <pre></pre>.
    expect((2 * 1000 + 2) * (2 * 1000 + 1) + 11).toBeLessThan(maxMapBytes({ width: 1000, height: 1000 }))
  })
})

/** The in-process transport with its cell answers changed. */
function contradicting(change: (x: number, y: number, cell: CellView, visit: number) => CellView): MazeTransport {
  const inner = createInProcessTransport(maze)
  const visits = new Map<string, number>()
  return {
    size: () => inner.size(),
    start: () => inner.start(),
    meta: () => inner.meta(),
    submitMap: (moves) => inner.submitMap(moves),
    close: () => inner.close(),
    get requests() {
      return inner.requests
    },
    sense: async (x, y) => {
      const visit = (visits.get(`${x},${y}`) ?? 0) + 1
      visits.set(`${x},${y}`, visit)
      return change(x, y, await inner.sense(x, y), visit)
    },
  }
}

describe('runner: a model that contradicts itself is the model’s fault', () => {
  test('walls that change between visits of a cell: AGENT_ERR_BAD_RESPONSE', async () => {
    // On the second visit of any cell, every side is answered open.
    const transport = contradicting((_x, _y, cell, visit) => (visit === 1 ? cell : { ...cell, up: 0, right: 0, down: 0, left: 0 }))
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('on an earlier visit'),
    })
  })

  test('a side open on one cell and walled on its neighbour: AGENT_ERR_BAD_RESPONSE, not an illegal move', async () => {
    // The start's answers are true; every other cell claims a wall on the side the agent came through.
    const { start } = maze
    let previous = { x: start.x, y: start.y }
    const transport = contradicting((x, y, cell) => {
      const from = previous
      previous = { x, y }
      if (x === start.x && y === start.y) return cell
      const side = x > from.x ? 'left' : x < from.x ? 'right' : y > from.y ? 'up' : 'down'
      return { ...cell, [side]: 1 }
    })
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('seen from'),
    })
  })

  test('a consistent model passes the checks (the whole matrix does too)', async () => {
    const transport = contradicting((_x, _y, cell) => cell)
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).resolves.toMatchObject({ outcome: 'solved' })
  })
})

describe('runner: POST /maze/map failing after the walk', () => {
  test('a solved run stays solved with its steps; the map is null and mapError says why', async () => {
    const server = await serve({
      maze,
      override: (method, path) => (method === 'POST' && path === '/maze/map' ? { status: 500, body: 'oops' } : undefined),
    })
    const transport = connect({ url: server.url })
    const run = await runAgent({ transport, strategy: randomDfs, seed: 1 })
    expect(run.outcome).toBe('solved')
    expect(run.result).toMatchObject({ solved: true })
    expect(run.result.steps).toBeGreaterThan(0)
    expect(run.map).toBeNull()
    expect(run.mapError).toMatchObject({ code: AgentErrorCode.BadResponse, message: expect.stringContaining('500') })
  })
})
