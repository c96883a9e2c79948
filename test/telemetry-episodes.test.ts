// Many runs in one agent process (--seeds): each run, one episode, is one trace of its own across
// both programs, as a single run is (test/telemetry.test.ts). Real processes with the images'
// preload, exporting to a real OTLP/HTTP receiver (test/support/otlp.ts).
import { afterEach, describe, expect, test } from 'vitest'
import { CLEAN_OTEL, SpanKind, startOtlpReceiver, type ReceivedSpan } from './support/otlp.ts'
import {
  agentEntry,
  agentInstrument,
  freePort,
  modelEntry,
  modelInstrument,
  startNodeWithPreload,
  waitForHttp,
} from './support/processes.ts'

const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

const service = (s: ReceivedSpan): unknown => s.resource['service.name']
const path = (s: ReceivedSpan): string => String(s.attributes['url.path'] ?? s.attributes['http.route'] ?? '')

describe('agent --seeds: one trace per episode', () => {
  test('three seeds: three agent.run spans, three traces, every request span in its own run’s trace', async () => {
    const otlp = await startOtlpReceiver()
    cleanup.push(() => otlp.close())
    const otel = { ...CLEAN_OTEL, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_METRIC_EXPORT_INTERVAL: '600000' }
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const model = startNodeWithPreload(modelInstrument, modelEntry, [], {
      ...otel,
      PORT: String(port),
      HOST: '127.0.0.1',
      MAZE_WIDTH: '20',
      MAZE_HEIGHT: '8',
    })
    cleanup.push(() => model.stop('SIGKILL'))
    await waitForHttp(`${url}/health/ready`)

    const agent = startNodeWithPreload(agentInstrument, agentEntry, ['--quiet', '--seeds', '1-3', '--strategy', 'astar'], {
      ...otel,
      MAZE_URL: url,
    })
    cleanup.push(() => agent.stop('SIGKILL'))
    expect(await agent.exited, agent.stderr()).toBe(0)
    const results = agent
      .stdout()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seed: number; solved: boolean })
    expect(results.map((r) => [r.seed, r.solved])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ])
    expect(await model.stop('SIGTERM'), model.stderr()).toBe(0)
    expect(otlp.errors).toEqual([])

    const runs = otlp.spans.filter((s) => service(s) === 'maze-agent' && s.name === 'agent.run')
    expect(runs.map((r) => r.attributes['maze.seed']).sort()).toEqual([1, 2, 3])
    const traceOf = new Map(runs.map((r) => [r.traceId, r]))
    expect(traceOf.size).toBe(3)
    for (const run of runs) expect(run.parentSpanId).toBe('')

    // Every request an episode made is a child of its run; the model's server spans continue them.
    const clients = otlp.spans.filter((s) => service(s) === 'maze-agent' && s.kind === SpanKind.Client)
    const perRun = new Map<string, ReceivedSpan[]>()
    for (const client of clients.filter((c) => path(c).startsWith('/episodes'))) {
      const run = traceOf.get(client.traceId)
      expect(run, `${path(client)} outside every run's trace`).toBeDefined()
      expect(client.parentSpanId).toBe(run!.spanId)
      perRun.set(client.traceId, [...(perRun.get(client.traceId) ?? []), client])
    }
    // Each run created its own episode, in its own trace.
    for (const run of runs) {
      const created = (perRun.get(run.traceId) ?? []).filter(
        (c) => c.attributes['http.request.method'] === 'POST' && path(c) === '/episodes',
      )
      expect(created, `seed ${String(run.attributes['maze.seed'])}`).toHaveLength(1)
    }
    const clientIds = new Set(clients.map((c) => c.spanId))
    const servers = otlp.spans.filter((s) => service(s) === 'maze-model' && s.kind === SpanKind.Server && path(s).startsWith('/episodes'))
    expect(servers.length).toBeGreaterThanOrEqual(3)
    for (const server of servers) {
      expect(traceOf.has(server.traceId), path(server)).toBe(true)
      expect(clientIds.has(server.parentSpanId)).toBe(true)
    }
  })
})
