import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { type Attributes, context, type Histogram, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { httpDurationHistogram } from './http-duration.ts'
import { isStepPath } from './step-routes.ts'

// The agent's HTTP client telemetry, from undici's diagnostics channels (the agent's undici, and
// Node's fetch, publish them): `http.client.request.duration` of every request, and a client span
// per request, under the active span (the run), with `traceparent` added to the request so that the
// model's server span continues the trace. A per-step request gets a span only when
// MAZE_TELEMETRY_STEP_SPANS asks for some (the sampler then picks that share): otherwise it gets
// neither span nor `traceparent`, only its count. The same spans and metric as
// @opentelemetry/instrumentation-undici's, without its module machinery (require- and
// import-in-the-middle, for a client that needs no patching) on the agent's start-up path, and
// without its work (URL parsing, a span, a header) on the requests that get no span.

/** Instrumentation scope of the client spans and the histogram. */
export const CLIENT_SCOPE = '@maze-sim/telemetry'

/** `http.client.request.duration`, as the semantic conventions name it (seconds). */
export const CLIENT_DURATION_METRIC = 'http.client.request.duration'

/** What is read of undici's request (`undici:request:*` messages). */
interface RequestLike {
  readonly method: string
  readonly origin: string | URL
  readonly path: string
  addHeader?(name: string, value: string): unknown
}
interface Pending {
  readonly start: number
  readonly span: Span | undefined
  status?: number
}

export interface ClientTelemetryOptions {
  /** MAZE_TELEMETRY_STEP_SPANS: 0, no span for the per-step requests at all. */
  readonly stepRatio: number
}

const METHODS = new Set(['CONNECT', 'OPTIONS', 'HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'QUERY'])

/** Where a request goes, as attributes (per origin, computed once). */
function originAttributes(origin: string): Attributes {
  const url = new URL(origin)
  const scheme = url.protocol.replace(':', '')
  return { 'server.address': url.hostname, 'server.port': Number(url.port || (scheme === 'https' ? 443 : 80)), 'url.scheme': scheme }
}

/** Starts recording every undici request (metric, and spans as above); returns the function that stops it. */
export function instrumentClientRequests(options: ClientTelemetryOptions): () => void {
  // Taken now, not at import: the SDK registers its providers first (sdk.ts).
  const histogram: Histogram = httpDurationHistogram(CLIENT_SCOPE, CLIENT_DURATION_METRIC, 'Duration of HTTP client requests.')
  const tracer = trace.getTracer(CLIENT_SCOPE)
  const pending = new WeakMap<object, Pending>()
  const origins = new Map<string, Attributes>()
  const originOf = (request: RequestLike): Attributes => {
    const origin = String(request.origin)
    let attributes = origins.get(origin)
    if (attributes === undefined) {
      attributes = originAttributes(origin)
      origins.set(origin, attributes)
    }
    return attributes
  }
  const methodOf = (request: RequestLike): string => {
    const method = request.method.toUpperCase()
    return METHODS.has(method) ? method : '_OTHER'
  }
  // One metric attributes object per (method, origin, status, error): no allocation per request.
  const attributeSets = new Map<string, Attributes>()
  const metricAttributes = (request: RequestLike, status: number | undefined, errorType: string | undefined): Attributes => {
    const key = `${request.method} ${String(request.origin)} ${status ?? ''} ${errorType ?? ''}`
    let attributes = attributeSets.get(key)
    if (attributes === undefined) {
      attributes = {
        'http.request.method': methodOf(request),
        ...originOf(request),
        'network.protocol.version': '1.1',
        ...(status !== undefined ? { 'http.response.status_code': status } : {}),
        ...(errorType !== undefined
          ? { 'error.type': errorType }
          : status !== undefined && status >= 400
            ? { 'error.type': String(status) }
            : {}),
      }
      attributeSets.set(key, attributes)
    }
    return attributes
  }
  const spanFor = (request: RequestLike): Span | undefined => {
    const query = request.path.indexOf('?')
    const path = query < 0 ? request.path : request.path.slice(0, query)
    if (options.stepRatio === 0 && isStepPath(path)) return undefined
    const method = methodOf(request)
    const active = context.active()
    const span = tracer.startSpan(
      method === '_OTHER' ? 'HTTP' : method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          ...(method !== request.method ? { 'http.request.method_original': request.method } : {}),
          'url.full': `${String(request.origin)}${request.path}`,
          'url.path': path,
          ...(query < 0 ? {} : { 'url.query': request.path.slice(query) }),
          ...originOf(request),
        },
      },
      active,
    )
    // The trace goes on at the model (W3C traceparent), even from a span the sampler dropped.
    const headers: Record<string, string> = {}
    propagation.inject(trace.setSpan(active, span), headers)
    for (const [name, value] of Object.entries(headers)) request.addHeader?.(name, value)
    return span
  }
  const finish = (request: RequestLike, error?: Error & { code?: string }): void => {
    const started = pending.get(request)
    if (started === undefined) return
    pending.delete(request)
    // An aborted request is not an error of the request (as the undici instrumentation records it).
    const errorType = error === undefined || error.name === 'AbortError' ? undefined : error.code || error.name || 'Error'
    histogram.record((performance.now() - started.start) / 1000, metricAttributes(request, started.status, errorType))
    const { span } = started
    if (span === undefined) return
    if (errorType !== undefined) {
      span.setAttribute('error.type', errorType)
      span.recordException(error!)
      span.setStatus({ code: SpanStatusCode.ERROR, message: error!.message })
    }
    span.end()
  }
  const onCreate = (message: unknown): void => {
    const { request } = message as { request: RequestLike }
    if (request.method === 'CONNECT') return
    pending.set(request, { start: performance.now(), span: spanFor(request) })
  }
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: RequestLike; response: { statusCode: number } }
    const started = pending.get(request)
    if (started === undefined) return
    const status = response.statusCode
    started.status = status
    started.span?.setAttribute('http.response.status_code', status)
    if (status >= 400) {
      started.span?.setAttribute('error.type', String(status))
      started.span?.setStatus({ code: SpanStatusCode.ERROR })
    }
  }
  const channels: [string, (message: unknown) => void][] = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', (message) => finish((message as { request: RequestLike }).request)],
    [
      'undici:request:error',
      (message) => finish((message as { request: RequestLike; error: Error }).request, (message as { error: Error }).error),
    ],
  ]
  for (const [name, listener] of channels) subscribe(name, listener)
  return () => {
    for (const [name, listener] of channels) unsubscribe(name, listener)
  }
}
