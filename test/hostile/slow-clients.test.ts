// Hostile clients against a real model process, started as `pnpm model` starts it, with small
// timeouts: bodies that trickle, stall or never end, connections that never send a request,
// requests no HTTP client sends. The model must answer (or close) within its bounds and keep
// serving everyone else. Memory and answer times are printed, not asserted (the machine varies).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort, modelEntry, modelInstrument, startNodeWithPreload, waitForHttp, type Running } from '../support/processes.ts'
import { type RawClient, rawClient, rssMiB, timedGet, type RawExchange } from '../support/raw-http.ts'

const REQUEST_TIMEOUT_MS = 1000
const IDLE_TIMEOUT_MS = 1500
/** Every wait for the model to act is bounded by this (it acts within ~REQUEST_TIMEOUT_MS). */
const WAIT_MS = 15_000

let model: Running
let port: number
let url: string
const report: string[] = []

/** Resolves once the client's connection is made (or already over). */
const connected = (client: RawClient): Promise<void> =>
  client.socket.connecting
    ? new Promise((resolve) => {
        client.socket.once('connect', resolve)
        client.socket.once('close', resolve)
      })
    : Promise.resolve()

/**
 * Runs `clients` while sampling the model's RSS, and times one /maze/size in the middle: once every
 * connection the clients opened (through `open`) is made.
 */
async function underLoad<T>(name: string, clients: (open: (client: RawClient) => RawClient) => Promise<T>): Promise<T> {
  const before = rssMiB(model.child.pid!)
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(model.child.pid!))), 50)
  try {
    const opened: RawClient[] = []
    const running = clients((client) => {
      opened.push(client)
      return client
    })
    await Promise.all(opened.map(connected))
    const size = await timedGet(`${url}/maze/size`)
    const result = await running
    report.push(
      `${name.padEnd(44)} rss ${before.toFixed(0).padStart(4)} -> peak ${peak.toFixed(0).padStart(4)} MiB; /maze/size ${size.status} in ${size.ms.toFixed(1)} ms`,
    )
    expect(size.status).toBe(200)
    return result
  } finally {
    clearInterval(sampler)
  }
}

const POST_HEAD = (length: number | 'chunked') =>
  `POST /maze/map HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  (length === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) +
  '\r\n'

function expectTimeout(exchange: RawExchange): void {
  expect(exchange.status, exchange.text).toBe(408)
  expect(exchange.json?.error).toBe('MAZE_ERR_REQUEST_TIMEOUT')
  expect(exchange.closedByServer).toBe(true)
}

beforeAll(async () => {
  port = await freePort()
  url = `http://127.0.0.1:${port}`
  model = startNodeWithPreload(modelInstrument, modelEntry, [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    MAZE_WIDTH: '40',
    MAZE_HEIGHT: '30',
    MAZE_SEED: '7',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  })
  await waitForHttp(`${url}/health/ready`)
})

afterAll(async () => {
  await model?.stop()
  console.log(`hostile clients (REQUEST_TIMEOUT_MS=${REQUEST_TIMEOUT_MS}, IDLE_TIMEOUT_MS=${IDLE_TIMEOUT_MS}):\n  ${report.join('\n  ')}`)
})

describe('hostile clients against a real model', () => {
  test('bodies sent one byte every 50 ms are answered 408 at REQUEST_TIMEOUT_MS and closed', async () => {
    const exchanges = await underLoad('10 bodies at one byte per 50 ms', (open) =>
      Promise.all(
        Array.from({ length: 10 }, async () => {
          const client = open(rawClient(port, `${POST_HEAD(1000)}[`))
          // Each byte is progress, so the idle timeout never fires: only the whole-request bound can.
          for (let i = 0; i < 200 && !client.socket.destroyed && client.socket.writable; i++) {
            await new Promise((r) => setTimeout(r, 50))
            if (client.socket.writable) client.socket.write('[')
          }
          return client.result(WAIT_MS)
        }),
      ),
    )
    for (const exchange of exchanges) expectTimeout(exchange)
    report.push(`  slow bodies closed after ${Math.max(...exchanges.map((e) => e.ms)).toFixed(0)} ms at most`)
  })

  test('bodies that stall after the headers are answered 408 and closed', async () => {
    const exchanges = await underLoad('50 bodies stalled after the headers', (open) =>
      Promise.all(Array.from({ length: 50 }, () => open(rawClient(port, `${POST_HEAD(100)}[[0,`)).result(WAIT_MS))),
    )
    for (const exchange of exchanges) expectTimeout(exchange)
  })

  test('headers that never end are answered 408 and closed', async () => {
    const exchange = await rawClient(port, 'GET /maze/size HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ').result(WAIT_MS)
    expectTimeout(exchange)
  })

  test('endless chunked bodies get 413 at the limit and the connection closed', async () => {
    // 1 MiB is the limit on a 40x30 maze; a client keeps sending 64 KiB chunks until the model closes
    // (at most 64 of them: four times the limit).
    const piece = Buffer.from('[0,0],'.repeat(65536 / 6))
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    const results = await underLoad('5 endless chunked bodies', (open) =>
      Promise.all(
        Array.from({ length: 5 }, async () => {
          const client = open(rawClient(port, `${POST_HEAD('chunked')}1\r\n[\r\n`))
          for (let i = 0; i < 64 && client.socket.writable; i++) {
            if (!client.socket.write(chunk)) {
              await new Promise<void>((resolve) => {
                client.socket.once('drain', resolve)
                client.socket.once('close', resolve)
              })
            }
          }
          return client.result(WAIT_MS)
        }),
      ),
    )
    for (const exchange of results) {
      expect(exchange.status, exchange.text).toBe(413)
      expect(exchange.json?.error).toBe('MAZE_ERR_BODY_TOO_LARGE')
      // Not kept open swallowing the rest of an endless body (nor waiting for its "next request").
      expect(exchange.closedByServer).toBe(true)
    }
  })

  test('500 connections that never send a request are closed', async () => {
    const exchanges = await underLoad('500 idle connections', async (open) => {
      const clients = Array.from({ length: 500 }, () => open(rawClient(port, '')))
      return Promise.all(clients.map((client) => client.result(WAIT_MS)))
    })
    const closed = exchanges.filter((e) => e.closedByServer).length
    report.push(
      `  idle connections closed by the model: ${closed}/500, the last after ${Math.max(...exchanges.map((e) => e.ms)).toFixed(0)} ms`,
    )
    expect(closed).toBe(500)
  })

  test('requests no HTTP client sends get the usual JSON errors', async () => {
    const ask = (head: string) => rawClient(port, head).result(WAIT_MS)
    const noHost = await ask('GET /maze/size HTTP/1.1\r\n\r\n')
    expect([noHost.status, noHost.json?.error]).toEqual([400, 'MAZE_ERR_BAD_REQUEST'])
    const connectMethod = await ask('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n')
    expect([connectMethod.status, connectMethod.json?.error]).toEqual([405, 'MAZE_ERR_METHOD_NOT_ALLOWED'])
    expect(connectMethod.text).toMatch(/\r\nallow: [A-Z, ]*GET/i)
    for (const target of ['/maze/si#ze', '/maze/pos/1#/2']) {
      const hash = await ask(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
      expect([hash.status, hash.json?.error], target).toEqual([400, 'MAZE_ERR_BAD_REQUEST'])
    }
    // The model still serves.
    expect((await timedGet(`${url}/maze/size`)).status).toBe(200)
  })
})
