// The SDK, assembled from its parts rather than with @opentelemetry/sdk-node's NodeSDK: the NodeSDK
// module loads every exporter it could ever make (OTLP over three protocols for three signals,
// Prometheus, Zipkin, B3, the logs SDK), about 0.45 s of CPU before the program's first line, and
// auto-instrumentations-node another 0.4 s for its 40 instrumentations. Here only what the
// environment configures is loaded, the OTLP exporters at their first export (lazy-exporters.ts).
// The standard variables are read as the NodeSDK reads them (README, "Configuration").
import type { IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import type { Attributes, TextMapPropagator } from '@opentelemetry/api'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics'
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace'
import { CountingSpanExporter, type SpanCounts } from './counting-exporter.ts'
import { instrumentFastify } from './fastify.ts'
import { LazyMetricExporter, LazySpanExporter } from './lazy-exporters.ts'
import { signalEndpoint } from './probe.ts'
import { ResourceKeys, SERVICE_NAMESPACE, batchAttributes, type Env } from './resource.ts'
import { isStepPath, isStepRoute, stepSpanRatio } from './step-routes.ts'
import { instrumentClientRequests } from './undici-client.ts'

/**
 * The instrumentations this package can turn on: an undici client (undici-client.ts: the request
 * metrics and a client span per request); a Fastify server (fastify.ts: the request metrics and a
 * server span per request); @fastify/otel's spans of every hook and handler besides
 * (`fastify-hooks`, with `fastify`); node:http (@opentelemetry/instrumentation-http).
 */
export type InstrumentationName = 'undici' | 'fastify' | 'fastify-hooks' | 'http'
const KNOWN: readonly InstrumentationName[] = ['undici', 'fastify', 'fastify-hooks', 'http']

export interface SdkOptions {
  readonly serviceName: string
  readonly attributes: Attributes
  /** The program's instrumentations; `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...` change the set. */
  readonly instrumentations: readonly InstrumentationName[]
  /** Whether a machine id can be read (the host detector warns on every start without one). */
  readonly hostDetector: boolean
}

export interface RunningSdk {
  shutdown(): Promise<void>
  /** The OTLP endpoints in use (probed at exit). */
  readonly endpoints: readonly string[]
  /** What the OTLP trace exporter delivered; undefined when traces go elsewhere (not counted). */
  counts(): SpanCounts | undefined
}

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim())
const list = (value: string | undefined): string[] =>
  (present(value) ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')

/** The instrumentations to turn on: the program's, or the ones `OTEL_NODE_ENABLED_INSTRUMENTATIONS` names, minus the disabled ones. */
export function chooseInstrumentations(defaults: readonly InstrumentationName[], env: Env, problems: string[]): InstrumentationName[] {
  const named = (variable: string): InstrumentationName[] => {
    const names = list(env[variable])
    for (const name of names)
      if (!KNOWN.includes(name as InstrumentationName))
        problems.push(`${variable}: no instrumentation "${name}" here (${KNOWN.join(', ')})`)
    return names.filter((name): name is InstrumentationName => KNOWN.includes(name as InstrumentationName))
  }
  const enabled =
    present(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS) === undefined ? [...defaults] : named('OTEL_NODE_ENABLED_INSTRUMENTATIONS')
  const disabled = named('OTEL_NODE_DISABLED_INSTRUMENTATIONS')
  return enabled.filter((name) => !disabled.includes(name))
}

/** `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`: the exporters to make (`otlp` by default, `none`: none). */
export function exportersOf(variable: string, env: Env, supported: readonly string[], problems: string[]): string[] {
  const names = [...new Set(list(env[variable]))]
  if (names.length === 0) return ['otlp']
  if (names.includes('none')) return names.length === 1 ? [] : ['otlp']
  for (const name of names)
    if (!supported.includes(name)) problems.push(`${variable}: unsupported exporter "${name}" (${supported.join(', ')}, none)`)
  const chosen = names.filter((name) => supported.includes(name))
  return chosen.length === 0 ? ['otlp'] : chosen
}

/** A non-negative number from the environment, or undefined (with a problem when it is not one). */
function numberOf(env: Env, variable: string, problems: string[]): number | undefined {
  const raw = present(env[variable])
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) {
    problems.push(`${variable}=${raw} is not a non-negative number: default used`)
    return undefined
  }
  return value
}

/** Starts the SDK: providers registered, instrumentations on. Problems with the configuration go to `diag.warn`. */
export async function startSdk(options: SdkOptions, env: Env): Promise<RunningSdk> {
  const problems: string[] = []
  const instrumentations = chooseInstrumentations(options.instrumentations, env, problems)
  const traceExporters = exportersOf('OTEL_TRACES_EXPORTER', env, ['otlp', 'console'], problems)
  const metricExporters = exportersOf('OTEL_METRICS_EXPORTER', env, ['otlp', 'console'], problems)
  const stepRatio = stepSpanRatio(env, problems)
  const optional = <T>(wanted: boolean, load: () => Promise<T>): Promise<T | undefined> => (wanted ? load() : Promise.resolve(undefined))
  // Everything the configuration needs, loaded at once (the instrumentations and the SDK in parallel).
  const [api, core, contextManager, sdkTrace, sdkMetrics, resources, { StepSampler }, http, fastifyOtel] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/resources'),
    import('./step-sampler.ts'),
    optional(instrumentations.includes('http'), () => import('@opentelemetry/instrumentation-http')),
    optional(instrumentations.includes('fastify-hooks'), () => import('@fastify/otel')),
  ])
  const { diag, context, propagation, trace, metrics } = api
  const level = present(env.OTEL_LOG_LEVEL)
  if (level !== undefined) diag.setLogger(new api.DiagConsoleLogger(), { logLevel: core.diagLogLevelFromString(level) })

  // The SDK's detectors (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, process, host) are merged over
  // ours, so the standard variables win.
  const { envDetector, processDetector, hostDetector } = resources
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({
        'service.name': options.serviceName,
        [ResourceKeys.serviceNamespace]: SERVICE_NAMESPACE,
        ...batchAttributes(env),
        ...options.attributes,
      }),
    )
    .merge(resources.detectResources({ detectors: [envDetector, processDetector, ...(options.hostDetector ? [hostDetector] : [])] }))

  const manager = new contextManager.AsyncLocalStorageContextManager()
  manager.enable()
  context.setGlobalContextManager(manager)
  const propagator = propagatorOf(env, core, problems)
  if (propagator !== undefined) propagation.setGlobalPropagator(propagator)

  // Metrics first: the instrumentations take their meters when they are made.
  const endpoints: string[] = []
  const readers = metricExporters.map((name) => {
    if (name === 'console')
      return new sdkMetrics.PeriodicExportingMetricReader({
        exporter: new sdkMetrics.ConsoleMetricExporter(),
        ...readerTimes(env, problems),
      })
    endpoints.push(signalEndpoint(env, 'METRICS'))
    const exporter = new LazyMetricExporter<ResourceMetrics>(() => otlpMetricExporter(env), temporalityOf(env, sdkMetrics, problems))
    return new sdkMetrics.PeriodicExportingMetricReader({
      exporter: exporter as unknown as PushMetricExporter,
      ...readerTimes(env, problems),
    })
  })
  const meterProvider = readers.length === 0 ? undefined : new sdkMetrics.MeterProvider({ resource, readers })
  if (meterProvider !== undefined) metrics.setGlobalMeterProvider(meterProvider)

  // Traces: the OTLP exporter counted (MAZE_TELEMETRY_SUMMARY) when it is the only one.
  let counting: CountingSpanExporter<ReadableSpan> | undefined
  const processors: SpanProcessor[] = traceExporters.map((name) => {
    if (name === 'console') return new sdkTrace.SimpleSpanProcessor({ exporter: new sdkTrace.ConsoleSpanExporter() })
    endpoints.push(signalEndpoint(env, 'TRACES'))
    const lazy = new LazySpanExporter<ReadableSpan>(() => otlpTraceExporter(env))
    if (traceExporters.length === 1) counting = new CountingSpanExporter(lazy)
    const exporter = counting ?? lazy
    return new sdkTrace.BatchSpanProcessor({ exporter: exporter as SpanExporter, ...batchOptions(env, problems) })
  })
  const tracerProvider =
    processors.length === 0
      ? undefined
      : new sdkTrace.TracerProvider({
          resource,
          sampler: new StepSampler(samplerOf(env, sdkTrace, problems), stepRatio),
          spanLimits: spanLimitsOf(env, problems),
          spanProcessors: processors,
        })
  if (tracerProvider !== undefined) trace.setGlobalTracerProvider(tracerProvider)

  // Instrumentations last: they take the tracer and meter providers registered above when made.
  const { made, stops } = turnOnInstrumentations(instrumentations, stepRatio, http, fastifyOtel)
  for (const problem of problems) diag.warn(problem)
  return {
    endpoints,
    counts: () => counting?.counts(),
    async shutdown() {
      for (const stop of stops) stop()
      for (const instrumentation of made) instrumentation.disable()
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()])
    },
  }
}

/**
 * Makes the chosen instrumentations, which turn themselves on, with the tracer and meter providers
 * registered when they are made. What to undo at shutdown comes back: the instrumentations to disable
 * and the listeners to stop.
 */
function turnOnInstrumentations(
  instrumentations: readonly InstrumentationName[],
  stepRatio: number,
  http: typeof import('@opentelemetry/instrumentation-http') | undefined,
  fastifyOtel: { FastifyOtelInstrumentation: typeof import('@fastify/otel').FastifyOtelInstrumentation } | undefined,
): { made: Instrumentation[]; stops: (() => void)[] } {
  // The undici client's (undici-client.ts), Fastify's (fastify.ts) and
  // @fastify/otel listen on diagnostics channels (a request, a Fastify instance made from now on),
  // so they need not be on before undici or Fastify are loaded, only before they are used.
  const made: Instrumentation[] = []
  const stops: (() => void)[] = []
  if (instrumentations.includes('undici')) stops.push(instrumentClientRequests({ stepRatio }))
  if (http !== undefined) {
    made.push(new http.HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => isHealthPath(request.url) }))
    // node:http is patched when it is required after the instrumentation is on: require it now, in
    // case the program (or a module the preload raced with) loaded it already.
    createRequire(import.meta.url)('node:http')
  }
  // Ours first: @fastify/otel wraps every hook added after its own into a span.
  const fastify = instrumentations.includes('fastify') || fastifyOtel !== undefined
  if (fastify) stops.push(instrumentFastify({ stepRatio, serverSpans: fastifyOtel === undefined }))
  if (fastifyOtel !== undefined) {
    made.push(
      new fastifyOtel.FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // Health checks and the step routes (fastify.ts makes the sampled steps' spans) stay as they are:
        // a step request costs one hook (fastify.ts's), as without it.
        ignorePaths: ({ url }) => isHealthPath(url) || isStepRoute(url) || isStepPath(url.split('?', 1)[0]),
        // Without the http instrumentation its request span is the server span: named after the
        // route, and `url.path` without the query (the conventions' and the client span's).
        requestHook: (span, request) => {
          const route = request.routeOptions.url
          span.updateName(route === undefined ? request.method : `${request.method} ${route}`)
          const query = request.url.indexOf('?')
          if (query >= 0) span.setAttributes({ 'url.path': request.url.slice(0, query), 'url.query': request.url.slice(query + 1) })
        },
      }),
    )
  }
  return { made, stops }
}

const isHealthPath = (url: string | undefined): boolean => url?.startsWith('/health/') === true

type Core = typeof import('@opentelemetry/core')
type SdkTrace = typeof import('@opentelemetry/sdk-trace')
type SdkMetrics = typeof import('@opentelemetry/sdk-metrics')

/** `OTEL_PROPAGATORS`: `tracecontext,baggage` by default; `none`: none. undefined: leave the API's (none). */
function propagatorOf(env: Env, core: Core, problems: string[]): TextMapPropagator | undefined {
  const names = present(env.OTEL_PROPAGATORS) === undefined ? ['tracecontext', 'baggage'] : [...new Set(list(env.OTEL_PROPAGATORS))]
  if (names.includes('none')) return undefined
  const propagators: TextMapPropagator[] = []
  for (const name of names) {
    if (name === 'tracecontext') propagators.push(new core.W3CTraceContextPropagator())
    else if (name === 'baggage') propagators.push(new core.W3CBaggagePropagator())
    else problems.push(`OTEL_PROPAGATORS: unsupported propagator "${name}" (tracecontext, baggage, none)`)
  }
  return propagators.length === 1 ? propagators[0] : new core.CompositePropagator({ propagators })
}

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, as the NodeSDK reads them; parent-based always-on by default. */
export function samplerOf(env: Env, sdkTrace: SdkTrace, problems: string[]): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdkTrace
  const ratio = (): number => {
    const raw = present(env.OTEL_TRACES_SAMPLER_ARG)
    const value = raw === undefined ? Number.NaN : Number(raw)
    if (Number.isFinite(value) && value >= 0 && value <= 1) return value
    problems.push(`OTEL_TRACES_SAMPLER_ARG=${raw ?? ''} is not a ratio in [0, 1]: 1 used`)
    return 1
  }
  const name = present(env.OTEL_TRACES_SAMPLER)
  switch (name) {
    case undefined:
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio())
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) })
    default:
      problems.push(`OTEL_TRACES_SAMPLER: unknown sampler "${name}": parentbased_always_on used`)
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
  }
}

function spanLimitsOf(env: Env, problems: string[]) {
  const n = (variable: string): number | undefined => numberOf(env, variable, problems)
  const limits = {
    attributeCountLimit: n('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? n('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit: n('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? n('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: n('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: n('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: n('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
    attributePerLinkCountLimit: n('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
  }
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
}

/** `OTEL_BSP_*`: the batch span processor's queue, batch, delay and export timeout. */
function batchOptions(env: Env, problems: string[]) {
  const positive = (variable: string): number | undefined => {
    const value = numberOf(env, variable, problems)
    return value === 0 ? undefined : value
  }
  const options = {
    maxQueueSize: positive('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: positive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: positive('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: positive('OTEL_BSP_EXPORT_TIMEOUT'),
  }
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
}

/** `OTEL_METRIC_EXPORT_INTERVAL` (60 s) and `OTEL_METRIC_EXPORT_TIMEOUT` (30 s, at most the interval). */
function readerTimes(env: Env, problems: string[]): { exportIntervalMillis: number; exportTimeoutMillis: number } {
  const interval = numberOf(env, 'OTEL_METRIC_EXPORT_INTERVAL', problems) || 60_000
  const timeout = numberOf(env, 'OTEL_METRIC_EXPORT_TIMEOUT', problems) || 30_000
  return { exportIntervalMillis: interval, exportTimeoutMillis: Math.min(timeout, interval) }
}

/**
 * `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, answered as the OTLP metric exporter answers it
 * (its selectors, `@opentelemetry/exporter-metrics-otlp-http`): the lazy exporter must know it
 * before the real one is made.
 */
function temporalityOf(env: Env, sdkMetrics: SdkMetrics, problems: string[]): (instrumentType: unknown) => unknown {
  const { AggregationTemporality: T, InstrumentType: I } = sdkMetrics
  const preference = (present(env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) ?? 'cumulative').toLowerCase()
  if (preference === 'delta') {
    const delta = new Set<unknown>([I.COUNTER, I.OBSERVABLE_COUNTER, I.GAUGE, I.HISTOGRAM, I.OBSERVABLE_GAUGE])
    return (type) => (delta.has(type) ? T.DELTA : T.CUMULATIVE)
  }
  if (preference === 'lowmemory') {
    const delta = new Set<unknown>([I.COUNTER, I.HISTOGRAM])
    return (type) => (delta.has(type) ? T.DELTA : T.CUMULATIVE)
  }
  if (preference !== 'cumulative') problems.push(`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=${preference}: cumulative used`)
  return () => T.CUMULATIVE
}

/** The OTLP protocol of a signal: `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, http/protobuf. */
function protocolOf(env: Env, signal: 'TRACES' | 'METRICS'): string {
  return present(env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf'
}

/** The OTLP trace exporter of the configured protocol (endpoint, headers, timeout: its own reading of the variables). */
async function otlpTraceExporter(env: Env) {
  const protocol = protocolOf(env, 'TRACES')
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter()
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  if (protocol !== 'http/protobuf')
    (await import('@opentelemetry/api')).diag.warn(`Unsupported OTLP traces protocol: ${protocol}. Using http/protobuf.`)
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
}

/** The OTLP metric exporter of the configured protocol. */
async function otlpMetricExporter(env: Env) {
  const protocol = protocolOf(env, 'METRICS')
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter()
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter()
  if (protocol !== 'http/protobuf')
    (await import('@opentelemetry/api')).diag.warn(`Unsupported OTLP metrics protocol: ${protocol}. Using http/protobuf.`)
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter()
}
