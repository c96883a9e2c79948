// The episodes over HTTP against small fake models: discovery (a model without /episodes gets the
// classic routes), a model that contradicts its own answers, and the DELETE of a failed run.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Episode, generateMaze, parseMoves, type EpisodeObservation } from '@maze-sim/maze'
import { afterEach, describe, expect, test } from 'vitest'
import { AgentErrorCode } from '../src/errors.ts'
import { createHttpTransport } from '../src/http-transport.ts'
import { runAgent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import { startFixtureServer } from './fixtures/maze-server.ts'

const maze = generateMaze({ width: 16, height: 8, seed: 11 })
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

/**
 * A model with only the episodes routes, refereed by the domain's Episode; `change` may rewrite a
 * moves answer (its `n` counts from 1). Records the requests it got.
 */
async function episodesModel(
  change: (answer: { applied: number; bumped: boolean; observations: EpisodeObservation[] }, n: number) => unknown = (a) => a,
) {
  const requests: string[] = []
  let episode: Episode | undefined
  let moves = 0
  const server: Server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    const route = `${req.method} ${req.url}`
    requests.push(route)
    const send = (status: number, value?: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(value === undefined ? undefined : JSON.stringify(value))
    }
    if (route === 'GET /maze/meta') return send(200, { width: maze.width, height: maze.height, seed: maze.seed, optimalSteps: 1 })
    if (route === 'GET /episodes?limit=1') return send(200, { episodes: [], live: 0, maxLive: 1 })
    if (route === 'POST /episodes') {
      episode = new Episode({ maze })
      return send(201, {
        id: 'e1',
        seed: maze.seed,
        width: maze.width,
        height: maze.height,
        maxSteps: episode.maxSteps,
        optimalSteps: episode.optimalSteps,
        observation: episode.observation(),
      })
    }
    if (route === 'POST /episodes/e1/moves') return send(200, change(episode!.move(parseMoves(JSON.parse(body).moves)), ++moves))
    if (route === 'DELETE /episodes/e1') return send(204)
    return send(404, { error: 'MAZE_ERR_NOT_FOUND', message: 'no' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

describe('episodes over HTTP', () => {
  test('a model without /episodes (the original contract): probed once, then the classic routes', async () => {
    const server = await startFixtureServer({ maze })
    closers.push(() => server.close())
    const transport = createHttpTransport({ url: server.url })
    closers.push(() => transport.close())
    const first = await runAgent({ transport, strategy: randomDfs, seed: 1 })
    const second = await runAgent({ transport, strategy: randomDfs, seed: 1 })
    expect(first.result).toMatchObject({ solved: true, seed: null })
    expect(second.result.steps).toBe(first.result.steps)
    // Two /maze/meta (404) and one /episodes probe (404): the probe's answer is kept.
    expect(server.hits.other).toBe(3)
    expect(server.hits.pos).toBe(first.result.steps + second.result.steps + 2)
  })

  test('a model with episodes: create, batched moves, record; GET /maze/pos never asked', async () => {
    const model = await episodesModel()
    const transport = createHttpTransport({ url: model.url })
    closers.push(() => transport.close())
    // This model has no GET /episodes/:id: the run asks for it at the end and fails, then deletes the episode.
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('GET /episodes/e1 answered 404'),
    })
    expect(model.requests.some((r) => r.startsWith('GET /maze/pos'))).toBe(false)
    expect(model.requests.filter((r) => r === 'POST /episodes/e1/moves').length).toBeGreaterThan(1)
    expect(model.requests.at(-1)).toBe('DELETE /episodes/e1')
  })

  test('a model that contradicts a prediction: AGENT_ERR_BAD_RESPONSE (exit 3 class), and the episode is deleted', async () => {
    // From the 5th answer on, every observation claims the agent holds the key.
    const model = await episodesModel((answer, n) =>
      n < 5 ? answer : { ...answer, observations: answer.observations.map((o) => ({ ...o, hasKey: true })) },
    )
    const transport = createHttpTransport({ url: model.url })
    closers.push(() => transport.close())
    await expect(runAgent({ transport, strategy: randomDfs, seed: 1 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('contradicts itself'),
    })
    expect(model.requests.at(-1)).toBe('DELETE /episodes/e1')
  })
})
