// A viewer that connects and never reads must not grow the model's memory: what the model buffers
// for it stays under the limit (plus one write), it is disconnected, and the agent's requests keep
// being answered meanwhile (the same walk as with nobody watching). How fast they are answered with
// viewers connected is the benchmark's business (pnpm bench --viewers), not a test's.
import net from 'node:net'
import { startModel, type RunningModel } from '@maze-sim/model'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { agentEntry, startNode } from '../support/processes.ts'
import { connectViewer, until, type SseViewer } from '../support/view.ts'

const BUFFER_LIMIT = 64 * 1024
let model: RunningModel

beforeAll(async () => {
  model = await startModel({
    port: 0,
    width: 150,
    height: 150,
    seed: 3,
    // Small bounds so the test is quick. Batches every 10 ms and room for only 16 moves between
    // them: every batch becomes a whole-maze snapshot (30 KB), so the stalled viewer's kernel
    // buffers (a few MB on loopback) fill within seconds and the model's own buffer limit is reached.
    view: { bufferLimitBytes: BUFFER_LIMIT, staleViewerMs: 1000, flushIntervalMs: 10, pendingCapacity: 16 },
  })
  await model.ready
})
afterAll(() => model.close())

type Result = { steps: number; solved: boolean }
async function runAgentProcess(): Promise<Result> {
  await using agent = startNode(agentEntry, ['--quiet'], { MAZE_URL: model.url, AGENT_STRATEGY: 'random-dfs', AGENT_PROTOCOL: 'classic' })
  expect(await agent.exited, agent.stderr()).toBe(0)
  return JSON.parse(agent.stdout().trimEnd().split('\n').at(-1)!) as Result
}

test('a viewer that never reads stays bounded and is dropped; the agent’s walk is unaffected', async () => {
  // The same walk with nobody watching, for comparison.
  const alone = await runAgentProcess()

  // A raw client: sends the request, then never reads a byte (a paused socket leaves everything in
  // the kernel's buffers, which fill up; after that, the model's own buffer for it would grow).
  const stalled = net.connect(Number(new URL(model.url).port), '127.0.0.1')
  // And a viewer that reads: it must be unaffected.
  let reader: SseViewer | undefined
  let sampler: NodeJS.Timeout | undefined
  try {
    await new Promise<void>((resolve) => stalled.once('connect', resolve))
    stalled.pause()
    stalled.on('error', () => {})
    stalled.write('GET /view/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n')
    reader = await connectViewer(model.url)
    await until(() => model.view.stats().viewers === 2, 'both viewers')

    // What the model buffers for each viewer, sampled every 5 ms while agents run.
    let worst = 0
    sampler = setInterval(() => (worst = Math.max(worst, ...model.view.stats().bufferedBytes)), 5)
    const overLimit = (): boolean => model.view.stats().bufferedBytes.some((bytes) => bytes > BUFFER_LIMIT)
    // One agent run is normally enough to fill the stalled socket's kernel buffers several times
    // over; another run follows (a new run: snapshots to every viewer) until the viewer is dropped.
    // After a run, a viewer over the limit stays there (it never reads) and the model's timer drops
    // it once it has been over for staleViewerMs: wait for that event. A viewer under the limit
    // gets nothing more until the next run, so then the next run starts at once.
    const results: Result[] = []
    do {
      results.push(await runAgentProcess())
      await until(() => model.view.stats().dropped > 0 || !overLimit(), 'the viewer over the limit to be dropped')
    } while (model.view.stats().dropped === 0 && results.length < 4)
    clearInterval(sampler)
    const result = results.at(-1)!
    expect(result.solved).toBe(true)
    expect(result.steps).toBeGreaterThan(10_000)

    const stats = model.view.stats()
    // The stalled viewer was disconnected (it stayed over the limit for staleViewerMs); the reader stayed.
    expect(stats).toMatchObject({ dropped: 1, viewers: 1 })
    // Never more than the limit plus one write buffered for any viewer, whatever the kernel held.
    expect(worst).toBeGreaterThan(0)
    expect(worst).toBeLessThanOrEqual(BUFFER_LIMIT + stats.largestWriteBytes)
    expect(stats.maxBufferedBytes).toBeLessThanOrEqual(BUFFER_LIMIT + stats.largestWriteBytes)
    expect(stats.maxBufferedBytes).toBeLessThan(512 * 1024)
    await until(() => reader!.replica.done, 'the reader to see the end')
    expect(reader.replica).toMatchObject({ steps: result.steps, keyStep: expect.any(Number), exitStep: result.steps })

    // The agent's requests kept being answered: every watched run is the same walk as alone,
    // although the model also pushed snapshots to the viewers (these test settings are extreme).
    for (const watched of results) expect(watched).toMatchObject({ solved: true, steps: alone.steps })
  } finally {
    clearInterval(sampler)
    stalled.destroy()
    reader?.close()
  }
})
