import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { isMainThread } from 'node:worker_threads'
import type { Attributes } from '@opentelemetry/api'
import { CountingSpanExporter, summaryLine } from './counting-exporter.ts'
import { createOnceLogger } from './diag.ts'
import {
  batchAttributes,
  otlpEndpoint,
  otlpTracesProtocol,
  ResourceKeys,
  SERVICE_NAMESPACE,
  sdkDisabled,
  summaryWanted,
  tracesExportedByOtlpOnly,
  type Env,
} from './resource.ts'
import { registerShutdown, telemetryStarted } from './shutdown.ts'

export interface StartTelemetryOptions {
  /** `service.name` (`maze-model`, `maze-agent`); `OTEL_SERVICE_NAME` overrides it. */
  readonly serviceName: string
  /** More resource attributes, e.g. the agent's strategy; `OTEL_RESOURCE_ATTRIBUTES` overrides them. */
  readonly attributes?: Attributes
}

/** What startTelemetry did. */
export type StartOutcome = 'started' | 'already-started' | 'disabled' | 'worker-thread'

/**
 * The instrumentations of auto-instrumentations-node we turn on when `OTEL_NODE_ENABLED_INSTRUMENTATIONS`
 * is unset: the agent's undici client and the model's HTTP server. The package's own default is
 * nearly all 40 of them (fs, dns and net spans for every request included), noise for these programs.
 */
export const DEFAULT_INSTRUMENTATIONS = 'http,undici'

/** Paths that are polled by health checks: no spans for them. */
const isHealthCheck = (url: string | undefined): boolean => url?.startsWith('/health/') === true

/**
 * Starts the OpenTelemetry NodeSDK once per process, configured by the standard `OTEL_*` variables
 * (OTLP over http/protobuf to `http://localhost:4318` by default, traces and metrics): resource
 * `service.name`, `service.namespace=maze-sim`, the AWS Batch job id, array index and attempt when
 * the job's environment has them, plus `attributes`; instrumentations undici (client spans, W3C
 * `traceparent` on every request), http (server spans continuing the caller's trace) and
 * `@fastify/otel` (route and handler spans). Nothing happens with `OTEL_SDK_DISABLED=true` (the SDK
 * is not even loaded) or in a worker thread (the preload runs there too; one SDK per process).
 * Register before the program loads Fastify: a preload (`node --import`) does.
 */
export async function startTelemetry(options: StartTelemetryOptions): Promise<StartOutcome> {
  if (!isMainThread) return 'worker-thread'
  const env = process.env
  if (sdkDisabled(env)) return 'disabled'
  if (telemetryStarted()) return 'already-started'

  // Loaded here, not at the top: with the SDK disabled none of it is loaded.
  const { diag, DiagLogLevel } = await import('@opentelemetry/api')
  // Without OTEL_LOG_LEVEL the SDK logs nothing at all, so that a missing collector would go
  // unnoticed; with it, the NodeSDK installs its own console logger at that level.
  const endpoint = otlpEndpoint(env)
  if ((env.OTEL_LOG_LEVEL ?? '').trim() === '') {
    diag.setLogger(createOnceLogger({ prefix: `${options.serviceName} telemetry`, endpoint }), {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    })
  }
  if ((env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ?? '').trim() === '') {
    // auto-instrumentations-node reads this variable itself (there is no option for its default).
    env.OTEL_NODE_ENABLED_INSTRUMENTATIONS = DEFAULT_INSTRUMENTATIONS
  }
  const [
    { NodeSDK },
    { getNodeAutoInstrumentations },
    { FastifyOtelInstrumentation },
    { defaultResource, envDetector, hostDetector, processDetector, resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/auto-instrumentations-node'),
    import('@fastify/otel'),
    import('@opentelemetry/resources'),
  ])

  // The SDK's own choice of trace exporter (OTLP over the configured protocol), wrapped to count
  // what it delivered; any other OTEL_TRACES_EXPORTER is left to the SDK, uncounted.
  const traceExporter = tracesExportedByOtlpOnly(env) ? new CountingSpanExporter(await otlpTraceExporter(env)) : undefined
  const sdk = new NodeSDK({
    ...(traceExporter === undefined ? {} : { traceExporter }),
    // The host detector reads host.id from the machine id; slim container images have none (or an
    // empty one) and the SDK then warns about an invalid host.id on every start, so it runs only
    // where there is a machine id to read.
    resourceDetectors: [envDetector, processDetector, ...(hasMachineId() ? [hostDetector] : [])],
    // The SDK's detectors (host, process, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) are merged
    // over this, so the standard variables win.
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': options.serviceName,
        [ResourceKeys.serviceNamespace]: SERVICE_NAMESPACE,
        ...batchAttributes(env),
        ...options.attributes,
      }),
    ),
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (request: IncomingMessage) => isHealthCheck(request.url),
        },
      }),
      // Fastify's instrumentation left auto-instrumentations-node: @fastify/otel hooks every Fastify
      // instance as it is created (registerOnInitialization), so the app needs no plugin of its own.
      new FastifyOtelInstrumentation({ registerOnInitialization: true, ignorePaths: ({ url }) => isHealthCheck(url) }),
    ],
  })
  sdk.start()
  const service = options.serviceName
  registerShutdown(
    () => sdk.shutdown(),
    summaryWanted(env)
      ? (outcome) =>
          traceExporter === undefined
            ? `${service} telemetry: spans not counted (OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}) (${outcome})`
            : summaryLine(service, traceExporter.counts(), outcome)
      : undefined,
  )
  return 'started'
}

/** The OTLP trace exporter the SDK would make from the environment (endpoint, headers, timeout: its own). */
async function otlpTraceExporter(env: Env) {
  const protocol = otlpTracesProtocol(env)
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter()
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  if (protocol !== 'http/protobuf') {
    const { diag } = await import('@opentelemetry/api')
    diag.warn(`Unsupported OTLP traces protocol: ${protocol}. Using http/protobuf.`)
  }
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
}

/** True where the host detector can read a machine id (Linux: /etc/machine-id or D-Bus's copy). */
function hasMachineId(): boolean {
  if (process.platform !== 'linux') return true
  return ['/etc/machine-id', '/var/lib/dbus/machine-id'].some((path) => {
    try {
      return readFileSync(path, 'utf8').trim() !== ''
    } catch {
      return false
    }
  })
}
