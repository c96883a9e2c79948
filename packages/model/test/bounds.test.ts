// What a misbehaving client can make the model hold, against a listening app (raw sockets: these
// are requests no HTTP client sends, and timeouts app.inject does not have).
import http from 'node:http'
import { once } from 'node:events'
import { connect } from 'node:net'
import { generateMaze, renderMap } from '@maze-sim/maze'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startModel, type RunningModel } from '../src/start.ts'

const REQUEST_TIMEOUT_MS = 300
const IDLE_TIMEOUT_MS = 400
/** The model acts within ~REQUEST_TIMEOUT_MS; a wait for it is bounded by this. */
const WAIT_MS = 10_000

/** Writes `head` on a new loopback connection; reads until the server closes it or WAIT_MS runs out. */
async function exchange(
  port: number,
  head: string,
): Promise<{ status: number; json: { error?: string } | undefined; text: string; closed: boolean; ms: number }> {
  const socket = connect(port, '127.0.0.1')
  const started = performance.now()
  let text = ''
  socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk))
  socket.on('error', () => {})
  socket.write(head)
  let timer: NodeJS.Timeout | undefined
  const closed = await Promise.race([
    once(socket, 'close').then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), WAIT_MS))),
  ])
  clearTimeout(timer)
  socket.destroy()
  const body = text.slice(text.indexOf('\r\n\r\n') + 4)
  let json: { error?: string } | undefined
  try {
    json = JSON.parse(body) as { error?: string }
  } catch {
    json = undefined
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), json, text, closed, ms: performance.now() - started }
}

describe('a listening model with small timeouts', () => {
  let model: RunningModel
  let port: number
  beforeAll(async () => {
    model = await startModel({
      port: 0,
      width: 13,
      height: 7,
      seed: 42,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    })
    await model.ready
    port = Number(new URL(model.url).port)
  })
  afterAll(() => model.close())

  test('a body that stalls after the headers is answered 408 MAZE_ERR_REQUEST_TIMEOUT and closed', async () => {
    const answer = await exchange(
      port,
      'POST /maze/map HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[[0,',
    )
    console.log(`stalled body: closed after ${answer.ms.toFixed(0)} ms`)
    expect(answer).toMatchObject({ status: 408, json: { error: 'MAZE_ERR_REQUEST_TIMEOUT' }, closed: true })
  })

  test('headers that never end are answered 408 and closed', async () => {
    const answer = await exchange(port, 'GET /maze/size HTTP/1.1\r\nHost: a\r\n')
    expect(answer).toMatchObject({ status: 408, json: { error: 'MAZE_ERR_REQUEST_TIMEOUT' }, closed: true })
  })

  test('a connection that sends nothing is closed', async () => {
    expect((await exchange(port, '')).closed).toBe(true)
  })

  test('GET /maze/size without Host (HTTP/1.1) is a JSON 400; HTTP/1.0 may omit it', async () => {
    const answer = await exchange(port, 'GET /maze/size HTTP/1.1\r\n\r\n')
    expect(answer).toMatchObject({ status: 400, json: { error: 'MAZE_ERR_BAD_REQUEST' } })
    expect(answer.text).toMatch(/\r\ncontent-type: application\/json/i)
    const old = await exchange(port, 'GET /maze/size HTTP/1.0\r\n\r\n')
    expect(old).toMatchObject({ status: 200, json: { width: 13, height: 7 } })
  })

  test('CONNECT is a JSON 405 with Allow', async () => {
    const answer = await exchange(port, 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n')
    expect(answer).toMatchObject({ status: 405, json: { error: 'MAZE_ERR_METHOD_NOT_ALLOWED' }, closed: true })
    expect(answer.text).toMatch(/\r\nallow: GET, HEAD, POST, DELETE\r\n/i)
  })

  test.each(['/maze/si#ze', '/maze/pos/1#/2', '/maze/size#'])('GET %s (a raw #) is a JSON 400', async (target) => {
    const answer = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`)
    expect(answer).toMatchObject({ status: 400, json: { error: 'MAZE_ERR_BAD_REQUEST' } })
  })

  test('a body over the limit is 413 and its connection is closed, not kept reading the rest', async () => {
    const answer = await exchange(
      port,
      `POST /maze/map HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n[[0,0]`,
    )
    expect(answer).toMatchObject({ status: 413, json: { error: 'MAZE_ERR_BODY_TOO_LARGE' }, closed: true })
    expect(answer.text).toMatch(/\r\nconnection: close\r\n/i)
  })

  test('a live view viewer that reads stays connected past the idle timeout: heartbeats', async () => {
    const request = http.get(`${model.url}/view/events`)
    const [response] = (await once(request, 'response')) as [http.IncomingMessage]
    let body = ''
    response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
    try {
      await new Promise((r) => setTimeout(r, 3 * IDLE_TIMEOUT_MS))
      expect(response.destroyed).toBe(false)
      expect(model.view.stats().viewers).toBe(1)
      expect(body).toMatch(/^:/m) // an SSE comment: the heartbeat
    } finally {
      response.destroy()
    }
  })

  test('GET /maze/size still answers', async () => {
    expect((await fetch(`${model.url}/maze/size`)).status).toBe(200)
  })
})

test('POST /maze/map of a map larger than a piece is streamed with its Content-Length', async () => {
  const model = await startModel({ port: 0, width: 300, height: 200, seed: 5 })
  try {
    await model.ready
    const moves: [number, number][] = [
      [0, 0],
      [299, 199],
    ]
    const response = await model.app.inject({ method: 'POST', url: '/maze/map', payload: moves })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(response.headers['content-length']).toBe(String(response.rawPayload.length))
    expect(response.body).toBe(renderMap(generateMaze({ width: 300, height: 200, seed: 5 }), moves))
  } finally {
    await model.close()
  }
})
