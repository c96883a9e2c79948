// Clients that ask for a large answer and stop reading it, against a real model process on a
// 3000 x 3000 maze (a 36 MB map). What such a client pins in the model must stay small, the model
// must keep answering others, and the stalled connections must be cut at IDLE_TIMEOUT_MS. Past the
// budget of POST /maze/map answers in flight, a client is answered 429 rather than held.
// The model's memory and answer times are printed; the bound asserted is explained below.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort, modelEntry, modelInstrument, startNodeWithPreload, waitForHttp, type Running } from '../support/processes.ts'
import { eventually, rawClient, rssMiB, timedGet, type RawClient } from '../support/raw-http.ts'

const SIDE = 3000
/** `<pre>` + (2h+1) lines of 2w+2 bytes + `</pre>`: 36,018,012 bytes. */
const MAP_PAGE_BYTES = 5 + (2 * SIDE + 1) * (2 * SIDE + 2) + 6
const IDLE_TIMEOUT_MS = 2500
const CLIENTS = 30
/**
 * The most the model's RSS may grow while 30 clients hold a GET /maze/map they do not read (and
 * while the POST /maze/map clients below do).
 * Measured by this test on a 2-core machine: rendering a fresh 36 MB copy per request grew it by
 * 987 MiB (183 -> 1169 MiB); streaming the map as it is read grows it by 35 MiB (a few 64 KiB
 * pieces per client, plus what a burst of activity leaves to the collector). 150 MiB is four
 * renderings' worth: far above the second and far below the first.
 */
const GROWTH_BOUND_MIB = 150
/**
 * POST /maze/map clients, more than the model's 64 MiB budget of answers in flight lets in at once
 * here (50: each holds 1.1 MB of visited cells and a few 64 KiB pieces of its map; the others are
 * answered 429). Each walks the diagonal, one move per row, so its visited cells touch every page of
 * their set. Measured by this test with these 80 clients, within the same GROWTH_BOUND_MIB: a set of
 * one byte per cell (9 MB here) and no budget grew RSS by 693 MiB (188 -> 882 MiB); one bit per cell
 * alone by 90 MiB (all 80 held, and more clients would take more); the bitset and the budget by 51 MiB.
 */
const POST_CLIENTS = 80
const POST_BODY = JSON.stringify(Array.from({ length: SIDE }, (_, y) => [y, y]))
const POST_WALK = `POST /maze/map HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${POST_BODY.length}\r\n\r\n${POST_BODY}`
/**
 * POST /maze/map bodies that stop half-way: each client declares a large walk, sends STALLED_BYTES of
 * it and stalls. While a body is read, the model keeps its raw bytes for the JSON.parse fallback
 * (its precise error messages); those are taken from the same 64 MiB budget, so what stalled bodies
 * pin is bounded whatever their number. Measured by this test alone: keeping up to 16 MiB per body
 * with no budget grew RSS by 243 MiB (120 -> 364 MiB); within the budget by 79 MiB.
 */
const STALLED_BODIES = 40
const STALLED_BYTES = 6 * 1024 * 1024
const STALLED_PAIRS = '[0,0],'.repeat(STALLED_BYTES / 6)
const STALLED_HEAD = `POST /maze/map HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${4 * STALLED_BYTES}\r\n\r\n[${STALLED_PAIRS}`
const WAIT_MS = 30_000

let model: Running
let port: number
let url: string
const report: string[] = []

/** The model's highest RSS over `ms`, sampled every 50 ms. */
async function peakRss(ms: number): Promise<number> {
  let peak = 0
  for (let i = 0; i < Math.ceil(ms / 50); i++) {
    peak = Math.max(peak, rssMiB(model.child.pid!))
    await new Promise((r) => setTimeout(r, 50))
  }
  return peak
}

/**
 * `count` clients that send `head`, read the first chunk of the answer (so the model has taken up
 * every request: a model that renders the whole map first has done so by then), then stop reading.
 */
async function stalledReaders(count: number, head: string): Promise<RawClient[]> {
  const clients = Array.from({ length: count }, () => rawClient(port, head, { read: 'first' }))
  const started = await eventually(() => clients.every((c) => c.socket.bytesRead > 0), WAIT_MS)
  expect(started, 'every client got the start of its answer').toBe(true)
  return clients
}

beforeAll(async () => {
  port = await freePort()
  url = `http://127.0.0.1:${port}`
  model = startNodeWithPreload(modelInstrument, modelEntry, [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    MAZE_WIDTH: String(SIDE),
    MAZE_HEIGHT: String(SIDE),
    MAZE_SEED: '11',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  })
  await waitForHttp(`${url}/health/ready`, { timeoutMs: 60_000 })
})

afterAll(async () => {
  await model?.stop()
  console.log(`non-reading clients on a ${SIDE}x${SIDE} maze (IDLE_TIMEOUT_MS=${IDLE_TIMEOUT_MS}):\n  ${report.join('\n  ')}`)
})

describe(`clients that stop reading a ${SIDE}x${SIDE} map`, () => {
  test(`HEAD /maze/map and GET /maze/map of a streamed map`, async () => {
    const head = await new Promise<{ status: number; length: string | undefined; body: number }>((resolve, reject) => {
      request(`${url}/maze/map`, { method: 'HEAD' }, (response) => {
        let body = 0
        response.on('data', (chunk: Buffer) => (body += chunk.length))
        response.on('end', () => resolve({ status: response.statusCode!, length: response.headers['content-length'], body }))
      })
        .on('error', reject)
        .end()
    })
    expect(head).toEqual({ status: 200, length: String(MAP_PAGE_BYTES), body: 0 })

    const started = performance.now()
    const response = await fetch(`${url}/maze/map`)
    const page = Buffer.from(await response.arrayBuffer())
    report.push(
      `one reading client: GET /maze/map (${(page.length / 1e6).toFixed(1)} MB) in ${(performance.now() - started).toFixed(0)} ms`,
    )
    expect(response.headers.get('content-length')).toBe(String(MAP_PAGE_BYTES))
    expect(page.length).toBe(MAP_PAGE_BYTES)
    expect(page.subarray(0, 5).toString()).toBe('<pre>')
    expect(page.subarray(-7).toString()).toBe('\n</pre>')
    expect(page.toString('latin1').split('S')).toHaveLength(2)
  })

  test(`${CLIENTS} clients that stop reading GET /maze/map pin little memory and are cut within twice IDLE_TIMEOUT_MS`, async () => {
    const before = await peakRss(300)
    const clients = await stalledReaders(CLIENTS, 'GET /maze/map HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    const peak = await peakRss(1000)
    const size = await timedGet(`${url}/maze/size`)
    report.push(
      `${CLIENTS} stalled GET /maze/map: rss ${before.toFixed(0)} -> ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}, bound +${GROWTH_BOUND_MIB}); ` +
        `/maze/size ${size.status} in ${size.ms.toFixed(1)} ms`,
    )
    expect(size.status).toBe(200)
    expect(peak - before).toBeLessThan(GROWTH_BOUND_MIB)

    // Reading again, after the idle timeout: what the kernel held, then the model's close. Node
    // lets a stalled write run one more period when the kernel took part of it since the last
    // check, so a client that stops reading is cut within twice the timeout.
    await new Promise((r) => setTimeout(r, 2 * IDLE_TIMEOUT_MS + 1000))
    const exchanges = await Promise.all(clients.map((client) => client.result(WAIT_MS)))
    const cut = exchanges.filter((e) => e.closedByServer && e.received < MAP_PAGE_BYTES).length
    report.push(
      `  cut by the model before the end of the map: ${cut}/${CLIENTS} (each got ${Math.max(...exchanges.map((e) => e.received))} bytes at most)`,
    )
    expect(cut).toBe(CLIENTS)
  })

  test(`${POST_CLIENTS} clients that stop reading POST /maze/map of a walk through every row pin little memory; past the budget, 429`, async () => {
    const before = await peakRss(300)
    const clients = await stalledReaders(POST_CLIENTS, POST_WALK)
    const peak = await peakRss(1000)
    const size = await timedGet(`${url}/maze/size`)
    // What each got (its status line came in the first chunk), closing them all: the accepted ones
    // were stalled in their map, the others refused.
    const answers = await Promise.all(clients.map((client) => client.result(0)))
    const accepted = answers.filter((a) => a.status === 200).length
    const refused = answers.filter((a) => a.status === 429)
    report.push(
      `${POST_CLIENTS} stalled POST /maze/map (${SIDE} moves, one per row, ${POST_BODY.length} bytes): ` +
        `${accepted} answered, ${refused.length} refused 429; ` +
        `rss ${before.toFixed(0)} -> ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}, bound +${GROWTH_BOUND_MIB}); ` +
        `/maze/size ${size.status} in ${size.ms.toFixed(1)} ms`,
    )
    expect(peak - before).toBeLessThan(GROWTH_BOUND_MIB)
    expect(size.status).toBe(200)
    expect(accepted + refused.length).toBe(POST_CLIENTS)
    expect(accepted).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    for (const answer of refused) {
      expect(answer.json?.error).toBe('MAZE_ERR_TOO_MANY_MAPS')
      expect(answer.text).toMatch(/\r\nretry-after: 1\r\n/i)
    }

    // Once they are gone, their share of the budget is back: a client that reads gets its map.
    let response: Response | undefined
    for (let attempt = 0; attempt < 20; attempt++) {
      response = await fetch(`${url}/maze/map`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: POST_BODY })
      if (response.status !== 429) break
      await response.arrayBuffer()
      await new Promise((r) => setTimeout(r, Number(response!.headers.get('retry-after')) * 1000))
    }
    expect(response?.status).toBe(200)
    const map = (await response!.text()).split('\n')
    for (let y = 0; y < SIDE; y++) expect('*SEK').toContain(map[2 * y + 1]![2 * y + 1])
  })

  test(`${STALLED_BODIES} POST /maze/map bodies that stall after ${STALLED_BYTES / 1024 / 1024} MiB pin little memory, and are cut`, async () => {
    const before = await peakRss(300)
    const clients = Array.from({ length: STALLED_BODIES }, () => rawClient(port, STALLED_HEAD))
    // Every body handed to the kernel: the model has read all of it but a socket buffer's worth.
    const sent = await eventually(
      () => clients.every((c) => c.socket.writableLength === 0 && c.socket.bytesWritten > STALLED_BYTES),
      WAIT_MS,
    )
    expect(sent, 'every client sent its bytes').toBe(true)
    const peak = await peakRss(1000)
    const size = await timedGet(`${url}/maze/size`)
    report.push(
      `${STALLED_BODIES} POST /maze/map bodies stalled after ${STALLED_BYTES / 1024 / 1024} MiB: ` +
        `rss ${before.toFixed(0)} -> ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}, bound +${GROWTH_BOUND_MIB}); ` +
        `/maze/size ${size.status} in ${size.ms.toFixed(1)} ms`,
    )
    expect(size.status).toBe(200)
    expect(peak - before).toBeLessThan(GROWTH_BOUND_MIB)
    // The model ends each within its request bounds: an answer (408, or 429 past the budget) and a close.
    const exchanges = await Promise.all(clients.map((client) => client.result(WAIT_MS)))
    for (const exchange of exchanges) {
      expect(exchange.closedByServer).toBe(true)
      expect([408, 429]).toContain(exchange.status)
    }
  })
})
