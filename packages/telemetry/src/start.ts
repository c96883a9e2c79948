import { readFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'
import type { Attributes } from '@opentelemetry/api'
import { summaryLine } from './counting-exporter.ts'
import { createOnceLogger } from './diag.ts'
import { otlpEndpoint, sdkDisabled, summaryWanted } from './resource.ts'
import type { InstrumentationName } from './sdk.ts'
import { registerStarting, type RunningTelemetry, telemetryStarted } from './shutdown.ts'

export type { InstrumentationName } from './sdk.ts'

export interface StartTelemetryOptions {
  /** `service.name` (`maze-model`, `maze-agent`); `OTEL_SERVICE_NAME` overrides it. */
  readonly serviceName: string
  /**
   * More resource attributes, e.g. the agent's strategy; `OTEL_RESOURCE_ATTRIBUTES` overrides them.
   * A function is called while the SDK loads: the preload need not wait for what it reads.
   */
  readonly attributes?: Attributes | (() => Attributes | Promise<Attributes>)
  /**
   * The instrumentations the program needs (default: `undici` and `fastify`): `undici` for a client
   * (a span and `traceparent` per request, `http.client.request.duration`), `fastify` for a Fastify
   * server (`http.server.request.duration`, a server span per request), `fastify-hooks` for
   * @fastify/otel's spans of every hook and handler besides, `http` for node:http
   * (instrumentation-http: not needed by either program, and costly on a busy server).
   * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS` change the set.
   */
  readonly instrumentations?: readonly InstrumentationName[]
  /**
   * Load the SDK only when the program first calls `telemetryReady()` (default: at once). A preload
   * defers it so that it loads while the program's main thread waits (for its worker thread) rather
   * than alongside the program's own modules; a program that never asks loads nothing.
   */
  readonly deferred?: boolean
}

/** What startTelemetry did. */
export type StartOutcome = 'started' | 'already-started' | 'disabled' | 'worker-thread' | 'failed'

/** The instrumentations a program gets unless it names its own. */
export const DEFAULT_INSTRUMENTATIONS: readonly InstrumentationName[] = ['undici', 'fastify']

/**
 * Starts OpenTelemetry once per process, configured by the standard `OTEL_*` variables (OTLP over
 * http/protobuf to `http://localhost:4318` by default, traces and metrics): resource `service.name`,
 * `service.namespace=maze-sim`, the AWS Batch job id, array index and attempt when the job's
 * environment has them, plus `attributes`; the instrumentations the program names; per-step requests
 * counted in metrics but spanned only when sampled (MAZE_TELEMETRY_STEP_SPANS, README "Steps").
 * Nothing happens with `OTEL_SDK_DISABLED=true` (the SDK is not even loaded) or in a worker thread
 * (the preload runs there too; one SDK per process).
 *
 * It registers at once and loads in the background (`deferred`: from the first `telemetryReady()`):
 * a preload calls it without waiting, and the program awaits `telemetryReady()` before its first
 * traced work (before it makes its Fastify instance, before its first request). The returned
 * promise settles when the SDK runs.
 */
export function startTelemetry(options: StartTelemetryOptions): Promise<StartOutcome> {
  if (!isMainThread) return Promise.resolve('worker-thread')
  const env = process.env
  if (sdkDisabled(env)) return Promise.resolve('disabled')
  if (telemetryStarted()) return Promise.resolve('already-started')
  if (options.deferred === true) {
    let outcome: (running: RunningTelemetry | undefined) => void = () => {}
    const started = new Promise<RunningTelemetry | undefined>((resolve) => (outcome = resolve))
    registerStarting(() => {
      const starting = boot(options)
      void starting.then(outcome)
      return starting
    })
    return started.then((running) => (running === undefined ? 'failed' : 'started'))
  }
  const starting = boot(options)
  registerStarting(starting)
  return starting.then((running) => (running === undefined ? 'failed' : 'started'))
}

async function boot(options: StartTelemetryOptions): Promise<RunningTelemetry | undefined> {
  const env = process.env
  const service = options.serviceName
  // Without OTEL_LOG_LEVEL the SDK would log nothing at all, so that a missing collector would go
  // unnoticed; with it, sdk.ts installs the SDK's console logger at that level.
  const { diag, DiagLogLevel } = await import('@opentelemetry/api')
  if ((env.OTEL_LOG_LEVEL ?? '').trim() === '') {
    diag.setLogger(createOnceLogger({ prefix: `${service} telemetry`, endpoint: otlpEndpoint(env) }), {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    })
  }
  try {
    const given = options.attributes ?? {}
    const attributes = typeof given === 'function' ? given : () => given
    const [{ startSdk }, resolved] = await Promise.all([import('./sdk.ts'), Promise.resolve().then(attributes)])
    const sdk = await startSdk(
      {
        serviceName: service,
        attributes: resolved,
        instrumentations: options.instrumentations ?? DEFAULT_INSTRUMENTATIONS,
        hostDetector: hasMachineId(),
      },
      env,
    )
    return {
      shutdown: () => sdk.shutdown(),
      endpoints: sdk.endpoints,
      ...(summaryWanted(env)
        ? {
            summary: (outcome: string) => {
              const counts = sdk.counts()
              return counts === undefined
                ? `${service} telemetry: spans not counted (OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}) (${outcome})`
                : summaryLine(service, counts, outcome)
            },
          }
        : {}),
    }
  } catch (error) {
    // Telemetry never stops a program: it runs without.
    diag.warn(`not started: ${error instanceof Error ? error.message : String(error)}`)
    return undefined
  }
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
