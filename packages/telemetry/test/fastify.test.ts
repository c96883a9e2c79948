// The model's request telemetry (src/fastify.ts) on a Fastify app with routes named as the model's,
// the SDK's in-memory exporters registered in this test process: every request is counted in
// http.server.request.duration; a step request gets a span only when sampled.
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
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { addRequestTelemetry, instrumentFastify, SERVER_DURATION_METRIC } from '../src/fastify.ts'
import { StepSampler } from '../src/step-sampler.ts'

const spans = new InMemorySpanExporter()
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
let stepRatio = 0
const tracerProvider = new TracerProvider({
  sampler: new StepSampler(new ParentBasedSampler({ root: new AlwaysOnSampler() }), 1, () => (stepRatio > 0 ? 0 : 1)),
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
})
const meterProvider = new MeterProvider({ readers: [reader] })

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
})
afterAll(async () => {
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()])
})

const apps: FastifyInstance[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
  spans.reset()
  await reader.forceFlush()
  metricExporter.reset()
})

/** An app with a step route, an ordinary one and a health check, as the model names them. */
function app(
  options: { stepRatio: number },
  withTelemetry: (app: FastifyInstance) => void = (a) => addRequestTelemetry(a, options),
): FastifyInstance {
  stepRatio = options.stepRatio
  const a = Fastify()
  withTelemetry(a)
  a.post('/episodes/:id/moves', async () => ({ applied: 1 }))
  a.get('/maze/size', async () => ({ width: 2, height: 1 }))
  a.get('/health/ready', async () => ({ status: 'ready' }))
  apps.push(a)
  return a
}

/** The data points of http.server.request.duration since the last reset: route → count. */
async function durations(): Promise<Record<string, number>> {
  await reader.forceFlush()
  const counts: Record<string, number> = {}
  for (const resourceMetrics of metricExporter.getMetrics()) {
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== SERVER_DURATION_METRIC || metric.dataPointType !== DataPointType.HISTOGRAM) continue
        for (const point of metric.dataPoints) {
          const key = `${point.attributes['http.request.method']} ${point.attributes['http.route'] ?? '(none)'} ${point.attributes['http.response.status_code']}`
          counts[key] = (counts[key] ?? 0) + (point.value as { count: number }).count
        }
      }
    }
  }
  return counts
}

const PARENT_SPAN = 'b7ad6b7169203331'
const traceparent = (flags: '00' | '01') => `00-0af7651916cd43dd8448eb211c80319c-${PARENT_SPAN}-${flags}`

describe('request telemetry of a Fastify app', () => {
  test('N step requests: N in http.server.request.duration, and no span; every other request a server span', async () => {
    const a = app({ stepRatio: 0 })
    for (let k = 0; k < 25; k++) {
      expect((await a.inject({ method: 'POST', url: `/episodes/e${k % 3}/moves`, payload: {} })).statusCode).toBe(200)
    }
    await a.inject({ method: 'GET', url: '/maze/size?units=cells', headers: { 'user-agent': 'test' } })
    await a.inject({ method: 'GET', url: '/nowhere' })
    expect(await durations()).toEqual({ 'POST /episodes/:id/moves 200': 25, 'GET /maze/size 200': 1, 'GET (none) 404': 1 })
    const [size, notFound, ...more] = spans.getFinishedSpans()
    expect(more).toEqual([])
    expect(size).toMatchObject({
      name: 'GET /maze/size',
      kind: 1, // SERVER
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/maze/size',
        'url.path': '/maze/size',
        'url.query': 'units=cells',
        'http.response.status_code': 200,
        'user_agent.original': 'test',
      },
    })
    expect(size!.parentSpanContext).toBeUndefined()
    expect(notFound).toMatchObject({ name: 'GET', attributes: { 'url.path': '/nowhere', 'http.response.status_code': 404 } })
  })

  test("a request with traceparent: its server span is the caller's span's child", async () => {
    const a = app({ stepRatio: 0 })
    await a.inject({ method: 'GET', url: '/maze/size', headers: { traceparent: traceparent('01') } })
    const [span] = spans.getFinishedSpans()
    expect(span?.parentSpanContext).toMatchObject({ spanId: PARENT_SPAN, isRemote: true })
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c')
  })

  test('with @fastify/otel making the server spans (fastify-hooks), none of ours but the steps', async () => {
    const a = app({ stepRatio: 1 }, (instance) => addRequestTelemetry(instance, { stepRatio: 1, serverSpans: false }))
    await a.inject({ method: 'GET', url: '/maze/size' })
    await a.inject({ method: 'POST', url: '/episodes/z/moves', payload: {} })
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['POST /episodes/:id/moves'])
    expect(await durations()).toEqual({ 'GET /maze/size 200': 1, 'POST /episodes/:id/moves 200': 1 })
  })

  test('health checks are neither counted nor spanned', async () => {
    const a = app({ stepRatio: 1 })
    await a.inject({ method: 'GET', url: '/health/ready' })
    expect(await durations()).toEqual({})
    expect(spans.getFinishedSpans()).toEqual([])
  })

  test("a step the agent sampled (traceparent, flag 01) gets its server span under the agent's; one it dropped gets none", async () => {
    const a = app({ stepRatio: 0 })
    await a.inject({ method: 'POST', url: '/episodes/x/moves', payload: {}, headers: { traceparent: traceparent('00') } })
    expect(spans.getFinishedSpans()).toEqual([])
    await a.inject({ method: 'POST', url: '/episodes/x/moves?debug=1', payload: {}, headers: { traceparent: traceparent('01') } })
    const [span, ...more] = spans.getFinishedSpans()
    expect(more).toEqual([])
    expect(span).toMatchObject({
      name: 'POST /episodes/:id/moves',
      kind: 1, // SERVER
      parentSpanContext: { spanId: PARENT_SPAN, isRemote: true },
      attributes: { 'http.route': '/episodes/:id/moves', 'url.path': '/episodes/x/moves', 'http.response.status_code': 200 },
    })
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    // Counted either way.
    expect(await durations()).toEqual({ 'POST /episodes/:id/moves 200': 2 })
  })

  test('MAZE_TELEMETRY_STEP_SPANS: a step without traceparent gets a root span when the ratio picks it', async () => {
    const a = app({ stepRatio: 1 })
    await a.inject({ method: 'POST', url: '/episodes/y/moves', payload: {} })
    const [span] = spans.getFinishedSpans()
    expect(span?.name).toBe('POST /episodes/:id/moves')
    expect(span?.parentSpanContext).toBeUndefined()
  })

  test('every Fastify instance made after instrumentFastify gets it (the fastify.initialization channel)', async () => {
    let stop: () => void = () => {}
    const a = app({ stepRatio: 0 }, () => {})
    await a.inject({ method: 'GET', url: '/maze/size' })
    expect(await durations()).toEqual({})
    stop = instrumentFastify({ stepRatio: 0 })
    try {
      const b = app({ stepRatio: 0 }, () => {})
      await b.inject({ method: 'GET', url: '/maze/size' })
      expect(await durations()).toEqual({ 'GET /maze/size 200': 1 })
    } finally {
      stop()
    }
  })
})
