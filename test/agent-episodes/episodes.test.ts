// The agent plays episodes against the real model over HTTP: the referee counts the same steps as
// the agent did on the classic routes (same seeds, same walks), known paths go in batches (fewer
// requests than steps), a model that takes fewer moves per request or answers 202 is handled, an
// aborted run deletes its episode, and the classic routes are still used when asked for.
import {
  createHttpTransport,
  createInProcessTransport,
  runAgent,
  runEpisodes,
  seedRange,
  strategies,
  type HttpTransport,
} from '@maze-sim/agent'
import { startModel, type RunningModel } from '@maze-sim/model'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const WIDTH = 80
const HEIGHT = 20
const SEEDS = 200
/** Every 4th seed per lane: four transports at once keep the model busy while the test decides. */
const LANES = 4

let model: RunningModel
beforeAll(async () => {
  model = await startModel({ width: WIDTH, height: HEIGHT, seed: 1, logger: false, episodes: { writeResult: () => {} } })
  await model.ready
})
afterAll(() => model.close())

describe('over 200 seeded 80x20 mazes, through episodes over HTTP', () => {
  for (const name of ['astar', 'random-dfs'] as const) {
    // About 40 s each on an idle 2-core machine (200 classic runs in process, then 200 episodes over HTTP).
    test(`${name}: the referee's steps equal the classic walk's, step for step; requests per step`, async () => {
      const strategy = strategies[name]
      const expected = new Map<number, { steps: number; keyStep: number | null }>()
      for (let seed = 0; seed < SEEDS; seed++) {
        const { result } = await runAgent({ transport: createInProcessTransport({ width: WIDTH, height: HEIGHT, seed }), strategy })
        expected.set(seed, { steps: result.steps, keyStep: result.keyStep })
      }
      let steps = 0
      let requests = 0
      let played = 0
      await Promise.all(
        Array.from({ length: LANES }, async (_, lane) => {
          const transport = createHttpTransport({ url: model.url })
          try {
            const seeds = [...seedRange(0, SEEDS - 1)].filter((s) => s % LANES === lane)
            for await (const outcome of runEpisodes({ transport, strategy, seeds, width: WIDTH, height: HEIGHT })) {
              expect(outcome.error).toBeNull()
              expect(outcome.line).toMatchObject({ solved: true, seed: outcome.seed, ...expected.get(outcome.seed!) })
              steps += outcome.line.steps
              requests += outcome.line.requests
              played++
            }
            // The probe, once per transport, is the first run's: not an episode's request.
            requests -= 1
          } finally {
            await transport.close()
          }
        }),
      )
      expect(played).toBe(SEEDS)
      // create + every /moves + the record, per episode: the runner's requests, nothing else.
      const perStep = requests / steps
      console.log(
        `${name}: ${SEEDS} episodes, ${steps} steps, ${requests} requests (create + moves + record): ${perStep.toFixed(3)} requests per step`,
      )
      if (name === 'astar') expect(perStep).toBeLessThanOrEqual(0.65)
      expect(perStep).toBeLessThan(1)
    }, 400_000)
  }
})

describe('the model’s limits and answers', () => {
  test('a model that takes 4 moves per request: the batches are split, the walk is the same', async () => {
    const small = await startModel({
      width: WIDTH,
      height: HEIGHT,
      seed: 1,
      logger: false,
      episodes: { writeResult: () => {}, limits: { maxMovesPerRequest: 4 } },
    })
    const transport = createHttpTransport({ url: small.url })
    try {
      await small.ready
      const alone = await runAgent({
        transport: createInProcessTransport({ width: WIDTH, height: HEIGHT, seed: 33 }),
        strategy: strategies.astar,
      })
      const run = await runAgent({ transport, strategy: strategies.astar, episode: { seed: 33 } })
      expect(run.result).toMatchObject({ solved: true, seed: 33, steps: alone.result.steps, keyStep: alone.result.keyStep })
    } finally {
      await transport.close()
      await small.close()
    }
  })

  test('202 while a maze is generated: the agent waits (Retry-After), then plays it', async () => {
    const slow = await startModel({
      width: WIDTH,
      height: HEIGHT,
      seed: 1,
      logger: false,
      episodes: { writeResult: () => {}, limits: { waitArea: 0 } },
    })
    const transport = createHttpTransport({ url: slow.url })
    try {
      await slow.ready
      const alone = await runAgent({ transport: createInProcessTransport({ width: 30, height: 12, seed: 77 }), strategy: strategies.astar })
      const run = await runAgent({ transport, strategy: strategies.astar, episode: { seed: 77, width: 30, height: 12 } })
      expect(run.result).toMatchObject({ solved: true, seed: 77, steps: alone.result.steps })
      // The placeholder of the 202 was deleted (freed): only the played episode is left, solved.
      const list = (await (await fetch(`${slow.url}/episodes`)).json()) as { episodes: Array<{ status: string }>; live: number }
      expect(list.live).toBe(0)
      expect(list.episodes.map((e) => e.status)).toEqual(['solved'])
    } finally {
      await transport.close()
      await slow.close()
    }
  })

  test('an aborted run deletes its episode, even though the transport shares the aborted signal', async () => {
    const stop = new AbortController()
    const transport: HttpTransport = createHttpTransport({ url: model.url, signal: stop.signal })
    let id: string | null = null
    try {
      await expect(
        runAgent({
          transport,
          strategy: strategies['random-dfs'],
          signal: stop.signal,
          episode: { seed: 5 },
          onStart: (info) => (id = info.episodeId),
          onStep: (event) => event.steps >= 50 && stop.abort(),
        }),
      ).rejects.toMatchObject({ code: 'AGENT_ERR_ABORTED' })
    } finally {
      await transport.close()
    }
    expect(id).not.toBeNull()
    // DELETE frees it: the id is unknown now.
    expect((await fetch(`${model.url}/episodes/${id}`)).status).toBe(404)
  })

  test('protocol classic: the classic routes, as before (the model’s own maze, the agent counts)', async () => {
    const transport = createHttpTransport({ url: model.url })
    try {
      const run = await runAgent({ transport, strategy: strategies.astar, protocol: 'classic' })
      const auto = await runAgent({ transport, strategy: strategies.astar })
      expect(run.result).toMatchObject({ solved: true, seed: 1 })
      // Auto plays an episode of the same maze (the /maze/meta seed and size): the same walk, the map drawn.
      expect(auto.result).toMatchObject({ solved: true, seed: 1, steps: run.result.steps, keyStep: run.result.keyStep })
      expect(auto.map).toBe(run.map)
      expect(auto.result.requests).toBeLessThan(run.result.requests)
    } finally {
      await transport.close()
    }
  })
})
