import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import {
  type Attributes,
  type Histogram,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { httpDurationHistogram } from './http-duration.ts'
import { isStepRoute } from './step-routes.ts'

// The model's request telemetry, at the cost of one Fastify hook per request (onResponse, once the
// answer is sent): the request-duration histogram of every request, and a server span per request,
// continuing the caller's trace (`traceparent`), made then with the request's start as its start.
// A per-step request gets its span only when sampled: the agent sampled it, or, without
// `traceparent`, MAZE_TELEMETRY_STEP_SPANS picks it. The model makes no spans of its own while it
// answers a request, so its server spans need not be the active context meanwhile; @fastify/otel
// (the `fastify-hooks` instrumentation, sdk.ts) adds a span per hook and handler when asked for,
// and then makes the server spans of the other routes itself.

/** Instrumentation scope of the histogram and of the step spans. */
export const FASTIFY_TELEMETRY_SCOPE = '@maze-sim/telemetry'

/** `http.server.request.duration`, as the semantic conventions name it (seconds). */
export const SERVER_DURATION_METRIC = 'http.server.request.duration'

/** What the hook reads of a Fastify request and reply (structural: no Fastify types needed). */
interface RequestLike {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly routeOptions: { readonly url?: string | undefined }
  readonly raw: { readonly httpVersion: string }
}
interface ReplyLike {
  readonly statusCode: number
  readonly elapsedTime: number
}
/** The part of a Fastify instance the integration uses. */
export interface FastifyLike {
  addHook(name: 'onResponse', hook: (request: RequestLike, reply: ReplyLike, done: () => void) => void): unknown
}

export interface FastifyTelemetryOptions {
  /** The share of step requests without `traceparent` that get a span (MAZE_TELEMETRY_STEP_SPANS). */
  readonly stepRatio: number
  /** Server spans for the other routes too (default); false when @fastify/otel makes them. */
  readonly serverSpans?: boolean
}

/** Health checks are polled: neither spans nor metrics for them, as before. */
const isHealthCheck = (route: string | undefined): boolean => route?.startsWith('/health/') === true

/**
 * Adds the request telemetry to every Fastify instance created from now on (the
 * `fastify.initialization` diagnostics channel, as @fastify/otel does). Subscribe before
 * @fastify/otel: its hooks wrap every hook added after its own, ours must not become spans.
 */
export function instrumentFastify(options: FastifyTelemetryOptions): () => void {
  const onInstance = (message: unknown): void => addRequestTelemetry((message as { fastify: FastifyLike }).fastify, options)
  subscribe('fastify.initialization', onInstance)
  return () => unsubscribe('fastify.initialization', onInstance)
}

/** One instance: the onResponse hook that records every request and makes its server span (a step's when sampled). */
export function addRequestTelemetry(app: FastifyLike, options: FastifyTelemetryOptions): void {
  // Taken now, not at import: the SDK registers its providers first (start.ts).
  const histogram: Histogram = httpDurationHistogram(FASTIFY_TELEMETRY_SCOPE, SERVER_DURATION_METRIC, 'Duration of HTTP server requests.')
  const tracer = trace.getTracer(FASTIFY_TELEMETRY_SCOPE)
  // One attributes object per (method, route, status, version): no allocation per request.
  const attributeSets = new Map<string, Attributes>()
  const attributesOf = (method: string, route: string | undefined, status: number, version: string): Attributes => {
    const key = `${method} ${route ?? ''} ${status} ${version}`
    let attributes = attributeSets.get(key)
    if (attributes === undefined) {
      attributes = {
        'http.request.method': method,
        'url.scheme': 'http',
        'http.response.status_code': status,
        'network.protocol.version': version,
        ...(route !== undefined ? { 'http.route': route } : {}),
        ...(status >= 500 ? { 'error.type': String(status) } : {}),
      }
      attributeSets.set(key, attributes)
    }
    return attributes
  }
  const serverSpans = options.serverSpans !== false
  app.addHook('onResponse', function requestTelemetry(request, reply, done) {
    const route = request.routeOptions.url
    if (!isHealthCheck(route)) {
      const attributes = attributesOf(request.method, route, reply.statusCode, request.raw.httpVersion)
      histogram.record(reply.elapsedTime / 1000, attributes)
      if (isStepRoute(route) ? stepSampled(request, options.stepRatio) : serverSpans) serverSpan(tracer, request, reply, attributes)
    }
    done()
  })
}

/**
 * Whether a step request may get a span: the StepSampler decides, this only spares it the requests it
 * would surely drop (a `traceparent` whose sampled flag is off; none, with no step spans asked for).
 */
function stepSampled(request: RequestLike, ratio: number): boolean {
  const traceparent = request.headers.traceparent
  if (typeof traceparent === 'string' && traceparent.length === 55) return (Number.parseInt(traceparent.slice(53), 16) & 1) === 1
  return ratio > 0
}

/**
 * The server span of a request, made once it has been answered (its start is the request's), under
 * the caller's span when the request carries `traceparent`; the sampler decides whether it records.
 */
function serverSpan(tracer: Tracer, request: RequestLike, reply: ReplyLike, attributes: Attributes): void {
  const end = performance.timeOrigin + performance.now()
  const route = request.routeOptions.url
  const query = request.url.indexOf('?')
  const path = query < 0 ? request.url : request.url.slice(0, query)
  const userAgent = request.headers['user-agent']
  const span = tracer.startSpan(
    route === undefined ? request.method : `${request.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      startTime: end - reply.elapsedTime,
      attributes: {
        ...attributes,
        'url.path': path,
        ...(query < 0 ? {} : { 'url.query': request.url.slice(query + 1) }),
        ...(typeof userAgent === 'string' ? { 'user_agent.original': userAgent } : {}),
      },
    },
    propagation.extract(ROOT_CONTEXT, request.headers),
  )
  if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
  span.end(end)
}
