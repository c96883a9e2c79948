// The sweep's in-process transport against a real model server over HTTP: the same runs give the
// same results (all but the wall-clock time) and the same map of the walk. (A whole sweep with
// `--transport http`, model and agent processes, is test/sweep/http-sweep.test.ts.)
import { createHttpTransport, createInProcessTransport, loadStrategy, runAgent, strategies, type Strategy } from '@maze-sim/agent'
import { startModel } from '@maze-sim/model'
import { describe, expect, test } from 'vitest'
import { fileURLToPath } from 'node:url'

const TEAM = fileURLToPath(new URL('../../example-strategy/src/index.ts', import.meta.url))
const SEEDS = [1, 2, 3]
const [WIDTH, HEIGHT] = [30, 10]
const withoutTime = <T extends { elapsedMs: number }>(r: T): Omit<T, 'elapsedMs'> => {
  const { elapsedMs: _, ...rest } = r
  return rest
}

describe('in-process transport ≡ HTTP against a real model', () => {
  const all: Array<[string, () => Promise<Strategy>]> = [
    ...Object.entries(strategies).map(([name, s]): [string, () => Promise<Strategy>] => [name, async () => s]),
    ['wall-follower (module path)', () => loadStrategy(TEAM)],
  ]

  test.each(all)('%s: same result fields and map on seeds 1..3', async (_name, load) => {
    const strategy = await load()
    for (const seed of SEEDS) {
      const local = await runAgent({
        transport: createInProcessTransport({ width: WIDTH, height: HEIGHT, seed }, { episodes: true }),
        strategy,
      })
      const model = await startModel({ width: WIDTH, height: HEIGHT, seed, episodes: { writeResult: () => {} } })
      try {
        await model.ready
        const transport = createHttpTransport({ url: model.url })
        try {
          const remote = await runAgent({ transport, strategy })
          expect(withoutTime(remote.result)).toEqual(withoutTime(local.result))
          expect(remote.map).toBe(local.map)
          expect(remote.outcome).toBe(local.outcome)
        } finally {
          await transport.close()
        }
      } finally {
        await model.close()
      }
    }
  })
})
