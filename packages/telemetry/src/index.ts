// @maze-sim/telemetry: the OpenTelemetry setup shared by the maze-model and the agent.
// Programs start it from a preload (`node --import ./packages/<program>/src/instrument.ts ...`), which
// does not wait for the SDK to load; they await `telemetryReady()` before their first traced work and
// flush at exit with `shutdownTelemetry`. Both are also importable alone, as
// `@maze-sim/telemetry/shutdown`, without loading the SDK (nor does this module: the SDK is loaded by
// startTelemetry). Domain code uses only `@opentelemetry/api`.
export { CountingSpanExporter, summaryLine, type SpanCounts } from './counting-exporter.ts'
export { createOnceLogger } from './diag.ts'
export {
  batchAttributes,
  otlpEndpoint,
  otlpTracesProtocol,
  ResourceKeys,
  sdkDisabled,
  SERVICE_NAMESPACE,
  summaryWanted,
  tracesExportedByOtlpOnly,
  type Env,
} from './resource.ts'
export {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  shutdownTelemetry,
  telemetryReady,
  telemetryStarted,
  type ShutdownOutcome,
} from './shutdown.ts'
export {
  DEFAULT_INSTRUMENTATIONS,
  startTelemetry,
  type InstrumentationName,
  type StartOutcome,
  type StartTelemetryOptions,
} from './start.ts'
export { isStepPath, isStepRoute, STEP_ROUTES, STEP_SPANS_VARIABLE, stepSpanRatio } from './step-routes.ts'
