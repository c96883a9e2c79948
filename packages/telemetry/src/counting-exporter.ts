// Counts what the trace exporter delivered, so that a program can say at exit how many spans the
// collector acknowledged and how many it lost (MAZE_TELEMETRY_SUMMARY=true; README, "Exit").

/** An export's outcome, as the SDK reports it (`ExportResult` of @opentelemetry/core). */
export interface ExportResultLike {
  /** `ExportResultCode`: 0 SUCCESS, 1 FAILED. */
  readonly code: number
  readonly error?: Error
}

/** The SDK's `SpanExporter`, structurally: what the wrapper calls. */
export interface SpanExporterLike<Span> {
  export(spans: Span[], resultCallback: (result: ExportResultLike) => void): void
  shutdown(): Promise<void>
  forceFlush?(): Promise<void>
}

const SUCCESS = 0

/** Spans by what became of them; every span handed to the exporter is in exactly one. */
export interface SpanCounts {
  /** Acknowledged by the collector. */
  readonly exported: number
  /** Given up on: the export failed after the exporter's own retries. */
  readonly failed: number
  /** Handed to the exporter, no answer yet (at exit: lost unless the answer was on its way). */
  readonly pending: number
}

/** A span exporter that passes everything to `inner` and counts the outcome of every export. */
export class CountingSpanExporter<Span> implements SpanExporterLike<Span> {
  #exported = 0
  #failed = 0
  #pending = 0
  readonly inner: SpanExporterLike<Span>

  constructor(inner: SpanExporterLike<Span>) {
    this.inner = inner
  }

  export(spans: Span[], resultCallback: (result: ExportResultLike) => void): void {
    const n = spans.length
    this.#pending += n
    let answered = false
    this.inner.export(spans, (result) => {
      // An exporter answers once; a second answer must not count the batch twice.
      if (!answered) {
        answered = true
        this.#pending -= n
        if (result.code === SUCCESS) this.#exported += n
        else this.#failed += n
      }
      resultCallback(result)
    })
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve()
  }

  counts(): SpanCounts {
    return { exported: this.#exported, failed: this.#failed, pending: this.#pending }
  }
}

/** The line a program prints at exit: `<service> telemetry: N spans exported, F failed, P unanswered (<outcome>)`. */
export function summaryLine(service: string, counts: SpanCounts, outcome: string): string {
  return `${service} telemetry: ${counts.exported} spans exported, ${counts.failed} failed, ${counts.pending} unanswered (${outcome})`
}
