import type { Attributes } from '@opentelemetry/api'

/** Resource attribute keys this package sets (besides the SDK's own `service.*`, `host.*`, `process.*`). */
export const ResourceKeys = {
  /** `AWS_BATCH_JOB_ID`: the Batch job (for an array child, `<parent id>:<index>`). */
  batchJobId: 'aws.batch.job.id',
  /** `AWS_BATCH_JOB_ARRAY_INDEX`: the child's index in an array job (an integer). */
  batchJobArrayIndex: 'aws.batch.job.array_index',
  /** `AWS_BATCH_JOB_ATTEMPT`: which attempt of the job this is (an integer, from 1). */
  batchJobAttempt: 'aws.batch.job.attempt',
  /** Every maze-sim service: `service.namespace`. */
  serviceNamespace: 'service.namespace',
} as const

export const SERVICE_NAMESPACE = 'maze-sim'

/** The environment as this package sees it (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim())

/**
 * The resource attributes AWS Batch tells a job through its environment: the job id, the array
 * index and the attempt, when present. A non-integer index or attempt is kept as a string rather
 * than dropped (telemetry never stops a program).
 */
export function batchAttributes(env: Env): Attributes {
  const attributes: Attributes = {}
  const id = present(env.AWS_BATCH_JOB_ID)
  if (id !== undefined) attributes[ResourceKeys.batchJobId] = id
  const integerOrString = (raw: string): number | string => (/^\d{1,15}$/.test(raw) ? Number(raw) : raw)
  const index = present(env.AWS_BATCH_JOB_ARRAY_INDEX)
  if (index !== undefined) attributes[ResourceKeys.batchJobArrayIndex] = integerOrString(index)
  const attempt = present(env.AWS_BATCH_JOB_ATTEMPT)
  if (attempt !== undefined) attributes[ResourceKeys.batchJobAttempt] = integerOrString(attempt)
  return attributes
}

/** `OTEL_SDK_DISABLED=true` (case-insensitive, as the specification says): no SDK at all. */
export function sdkDisabled(env: Env): boolean {
  return present(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true'
}

/**
 * Where the OTLP trace exporter sends, as the SDK works it out from the standard variables (for
 * messages only): the traces endpoint, else the base endpoint, else the default of the protocol
 * (`http://localhost:4318` for http/protobuf and http/json, `http://localhost:4317` for grpc).
 */
export function otlpEndpoint(env: Env): string {
  const traces = present(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  if (traces !== undefined) return traces
  const base = present(env.OTEL_EXPORTER_OTLP_ENDPOINT)
  if (base !== undefined) return base
  const protocol = present(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf'
  return protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318'
}

/** The OTLP protocol of the trace exporter, as the SDK reads it: `http/protobuf`, `http/json` or `grpc`. */
export function otlpTracesProtocol(env: Env): string {
  return present(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf'
}

/**
 * True when traces go to one OTLP exporter, the default (`OTEL_TRACES_EXPORTER` unset, empty or
 * `otlp`): the only setup whose exports this package counts. Any other value is left to the SDK.
 */
export function tracesExportedByOtlpOnly(env: Env): boolean {
  const value = present(env.OTEL_TRACES_EXPORTER)
  return value === undefined || value.toLowerCase() === 'otlp'
}

/** `MAZE_TELEMETRY_SUMMARY=true`: print how many spans were exported, failed or unanswered at exit. */
export function summaryWanted(env: Env): boolean {
  return present(env.MAZE_TELEMETRY_SUMMARY)?.toLowerCase() === 'true'
}
