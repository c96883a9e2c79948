// @maze-sim/telemetry: the OpenTelemetry setup shared by the maze-model and the agent.
// Programs start it from a preload (`node --import ./packages/<program>/src/instrument.ts ...`) and
// flush it at exit with `shutdownTelemetry` (also importable alone, as `@maze-sim/telemetry/shutdown`,
// without loading the SDK). Domain code uses only `@opentelemetry/api`.
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
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, shutdownTelemetry, telemetryStarted, type ShutdownOutcome } from './shutdown.ts'
export { DEFAULT_INSTRUMENTATIONS, startTelemetry, type StartOutcome, type StartTelemetryOptions } from './start.ts'
