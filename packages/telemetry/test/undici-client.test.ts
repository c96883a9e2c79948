// The undici client's telemetry (src/undici-client.ts), with the SDK's in-memory exporters registered
// in this test process. The requests are fetch's: Node's own undici publishes the same diagnostics
// channels as the agent's.
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { context, metrics, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { AlwaysOnSampler, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { StepSampler } from '../src/step-sampler.ts'
import { CLIENT_DURATION_METRIC, instrumentClientRequests } from '../src/undici-client.ts'

const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
const meterProvider = new MeterProvider({ readers: [reader] })
const spans = new InMemorySpanExporter()
const tracerProvider = new TracerProvider({
  sampler: new StepSampler(new ParentBasedSampler({ root: new AlwaysOnSampler() }), 1),
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
})
/** The headers of every request the server got. */
const received: IncomingHttpHeaders[] = []
const server = createServer((request, response) => {
  received.push(request.headers)
  request.resume()
  response.writeHead(request.url === '/missing' ? 404 : 200).end('{}')
})
let base = ''

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.close()
  await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()])
})
afterEach(async () => {
  received.length = 0
  spans.reset()
  await reader.forceFlush()
  metricExporter.reset()
})

/** The recorded data points since the last reset: their attributes and counts. */
async function points(): Promise<{ attributes: Record<string, unknown>; count: number }[]> {
  await reader.forceFlush()
  const metric = metricExporter
    .getMetrics()
    .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
    .find((m) => m.descriptor.name === CLIENT_DURATION_METRIC)
  if (metric === undefined || metric.dataPointType !== DataPointType.HISTOGRAM) return []
  return metric.dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count }))
}

/** `fetch`es under an active span, with the client telemetry on; returns the run span. */
async function underRun(stepRatio: number, requests: (() => Promise<unknown>)[]) {
  const stop = instrumentClientRequests({ stepRatio })
  try {
    return await trace.getTracer('test').startActiveSpan('run', async (run) => {
      for (const request of requests) await request()
      run.end()
      return run
    })
  } finally {
    stop()
  }
}
const get =
  (path: string, method = 'GET') =>
  async () =>
    (await fetch(`${base}${path}`, { method })).arrayBuffer()

describe('undici client telemetry', () => {
  test('a request: a client span under the active span, and traceparent naming it', async () => {
    const run = await underRun(0, [get('/maze/meta?x=1')])
    const [client] = spans.getFinishedSpans().filter((s) => s.name !== 'run')
    expect(client).toMatchObject({
      name: 'GET',
      kind: 2, // CLIENT
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/maze/meta',
        'url.query': '?x=1',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
      },
    })
    expect(client!.parentSpanContext?.spanId).toBe(run.spanContext().spanId)
    expect(received[0]!.traceparent).toBe(`00-${run.spanContext().traceId}-${client!.spanContext().spanId}-01`)
  })

  test('step requests with no step spans asked for: no span, no traceparent, but counted', async () => {
    await underRun(
      0,
      Array.from({ length: 12 }, () => get('/episodes/e/moves', 'POST')),
    )
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['run'])
    expect(received.map((h) => h.traceparent)).toEqual(Array(12).fill(undefined))
    const port = Number(new URL(base).port)
    expect(await points()).toEqual([
      {
        attributes: {
          'http.request.method': 'POST',
          'server.address': '127.0.0.1',
          'server.port': port,
          'url.scheme': 'http',
          'network.protocol.version': '1.1',
          'http.response.status_code': 200,
        },
        count: 12,
      },
    ])
  })

  test('with step spans asked for, the sampler picks the share: here all of them', async () => {
    await underRun(1, [get('/episodes/e/moves', 'POST'), get('/episodes/e/moves', 'POST')])
    expect(spans.getFinishedSpans().filter((s) => s.name === 'POST')).toHaveLength(2)
    expect(received.every((h) => typeof h.traceparent === 'string' && h.traceparent.endsWith('-01'))).toBe(true)
  })

  test('an error answer and no answer: their error.type, on the span and in the metric', async () => {
    const closed = createServer().listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const nobody = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    await underRun(0, [get('/missing'), async () => fetch(`http://127.0.0.1:${nobody}/refused`).catch(() => {})])
    const clients = spans.getFinishedSpans().filter((s) => s.name === 'GET')
    expect(clients.map((s) => s.attributes['error.type'])).toEqual(['404', 'ECONNREFUSED'])
    expect(clients.map((s) => s.status.code)).toEqual([2, 2])
    const errors = (await points()).map((p) => p.attributes['error.type']).sort()
    expect(errors).toEqual(['404', 'ECONNREFUSED'])
  })
})
