// Exporters made on their first use: the OTLP exporters (protobuf or JSON serialisation, an HTTP or
// gRPC transport) are the heaviest modules of the SDK, and a program has no span to send for its
// first seconds (the batch waits OTEL_BSP_SCHEDULE_DELAY, metrics OTEL_METRIC_EXPORT_INTERVAL) or,
// for a short agent run, until its flush at exit. Loading them at start would delay the program's
// first request; loading them at the first export costs nothing when nothing is ever sent (no
// collector: shutdown.ts does not flush at all).
import type { ExportResultLike, SpanExporterLike } from './counting-exporter.ts'

/** A span exporter that creates `load()`'s exporter at the first export and delegates to it. */
export class LazySpanExporter<Span> implements SpanExporterLike<Span> {
  readonly #load: () => Promise<SpanExporterLike<Span>>
  #inner: Promise<SpanExporterLike<Span>> | undefined

  constructor(load: () => Promise<SpanExporterLike<Span>>) {
    this.#load = load
  }

  /** True once the real exporter was asked for. */
  get loaded(): boolean {
    return this.#inner !== undefined
  }

  export(spans: Span[], resultCallback: (result: ExportResultLike) => void): void {
    this.#inner ??= this.#load()
    this.#inner.then(
      (inner) => inner.export(spans, resultCallback),
      (error: unknown) => resultCallback({ code: 1, error: error instanceof Error ? error : new Error(String(error)) }),
    )
  }

  async shutdown(): Promise<void> {
    // Never loaded: nothing was sent, nothing is pending.
    if (this.#inner !== undefined) await (await this.#inner).shutdown()
  }

  async forceFlush(): Promise<void> {
    if (this.#inner !== undefined) await (await this.#inner).forceFlush?.()
  }
}

/** The SDK's `PushMetricExporter`, structurally: what the periodic reader calls. */
export interface MetricExporterLike<Metrics> {
  export(metrics: Metrics, resultCallback: (result: ExportResultLike) => void): void
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
  selectAggregationTemporality?(instrumentType: unknown): unknown
}

/**
 * A metric exporter that creates `load()`'s exporter at the first export. The periodic reader asks
 * for the aggregation temporality when it is made, before any export: `temporality` answers it as
 * the OTLP exporter would (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, see sdk.ts).
 */
export class LazyMetricExporter<Metrics> implements MetricExporterLike<Metrics> {
  readonly #load: () => Promise<MetricExporterLike<Metrics>>
  readonly #temporality: (instrumentType: unknown) => unknown
  #inner: Promise<MetricExporterLike<Metrics>> | undefined

  constructor(load: () => Promise<MetricExporterLike<Metrics>>, temporality: (instrumentType: unknown) => unknown) {
    this.#load = load
    this.#temporality = temporality
  }

  get loaded(): boolean {
    return this.#inner !== undefined
  }

  export(metrics: Metrics, resultCallback: (result: ExportResultLike) => void): void {
    this.#inner ??= this.#load()
    this.#inner.then(
      (inner) => inner.export(metrics, resultCallback),
      (error: unknown) => resultCallback({ code: 1, error: error instanceof Error ? error : new Error(String(error)) }),
    )
  }

  selectAggregationTemporality(instrumentType: unknown): unknown {
    return this.#temporality(instrumentType)
  }

  async forceFlush(): Promise<void> {
    if (this.#inner !== undefined) await (await this.#inner).forceFlush()
  }

  async shutdown(): Promise<void> {
    if (this.#inner !== undefined) await (await this.#inner).shutdown()
  }
}
