import { afterEach, describe, expect, test, vi } from 'vitest'
import { CountingSpanExporter, summaryLine, type ExportResultLike, type SpanExporterLike } from '../src/counting-exporter.ts'
import { otlpTracesProtocol, summaryWanted, tracesExportedByOtlpOnly } from '../src/resource.ts'
import { registerShutdown, shutdownTelemetry } from '../src/shutdown.ts'

/** An exporter whose answers the test gives, batch by batch. */
function fakeExporter() {
  const calls: { spans: string[]; answer: (result: ExportResultLike) => void }[] = []
  const exporter: SpanExporterLike<string> & { shutdownCalls: number } = {
    shutdownCalls: 0,
    export: (spans, answer) => void calls.push({ spans, answer }),
    shutdown: async () => void exporter.shutdownCalls++,
  }
  return { exporter, calls }
}

describe('CountingSpanExporter', () => {
  test('counts the spans of acknowledged, failed and unanswered exports, and passes every answer on', () => {
    const { exporter, calls } = fakeExporter()
    const counting = new CountingSpanExporter(exporter)
    const answers: number[] = []
    counting.export(['a', 'b', 'c'], (r) => answers.push(r.code))
    counting.export(['d', 'e'], (r) => answers.push(r.code))
    counting.export(['f'], (r) => answers.push(r.code))
    expect(counting.counts()).toEqual({ exported: 0, failed: 0, pending: 6 })

    calls[0]!.answer({ code: 0 })
    calls[1]!.answer({ code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') })
    expect(counting.counts()).toEqual({ exported: 3, failed: 2, pending: 1 })
    expect(answers).toEqual([0, 1])
    expect(calls.map((c) => c.spans)).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f']])
  })

  test('an exporter that answers twice does not count the batch twice', () => {
    const { exporter, calls } = fakeExporter()
    const counting = new CountingSpanExporter(exporter)
    counting.export(['a', 'b'], () => {})
    calls[0]!.answer({ code: 0 })
    calls[0]!.answer({ code: 1 })
    expect(counting.counts()).toEqual({ exported: 2, failed: 0, pending: 0 })
  })

  test('shutdown and forceFlush reach the wrapped exporter', async () => {
    const { exporter } = fakeExporter()
    const counting = new CountingSpanExporter(exporter)
    await counting.forceFlush() // the fake has none: resolves
    await counting.shutdown()
    expect(exporter.shutdownCalls).toBe(1)
  })

  test('summaryLine', () => {
    expect(summaryLine('maze-model', { exported: 1234, failed: 0, pending: 0 }, 'flushed')).toBe(
      'maze-model telemetry: 1234 spans exported, 0 failed, 0 unanswered (flushed)',
    )
  })
})

describe('the environment', () => {
  test('otlpTracesProtocol: the traces variable, else the general one, else http/protobuf', () => {
    expect(otlpTracesProtocol({})).toBe('http/protobuf')
    expect(otlpTracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('grpc')
    expect(otlpTracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).toBe('http/json')
  })

  test("tracesExportedByOtlpOnly: unset, empty or otlp; anything else is the SDK's", () => {
    expect(tracesExportedByOtlpOnly({})).toBe(true)
    expect(tracesExportedByOtlpOnly({ OTEL_TRACES_EXPORTER: ' ' })).toBe(true)
    expect(tracesExportedByOtlpOnly({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true)
    for (const other of ['console', 'none', 'otlp,console', 'zipkin'])
      expect(tracesExportedByOtlpOnly({ OTEL_TRACES_EXPORTER: other })).toBe(false)
  })

  test('summaryWanted: MAZE_TELEMETRY_SUMMARY=true only', () => {
    expect(summaryWanted({})).toBe(false)
    expect(summaryWanted({ MAZE_TELEMETRY_SUMMARY: 'TRUE' })).toBe(true)
    expect(summaryWanted({ MAZE_TELEMETRY_SUMMARY: '1' })).toBe(false)
  })
})

describe('the summary at shutdown', () => {
  const SLOT = Symbol.for('@maze-sim/telemetry.shutdown')
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[SLOT]
    vi.restoreAllMocks()
  })

  test('one line on stderr after the flush, with its outcome; once, however often shutdown is called', async () => {
    const written: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0)
    registerShutdown(
      async () => {},
      (outcome) => `maze-agent telemetry: 3 spans exported, 0 failed, 0 unanswered (${outcome})`,
    )
    expect(await Promise.all([shutdownTelemetry(), shutdownTelemetry()])).toEqual(['flushed', 'flushed'])
    expect(written).toEqual(['maze-agent telemetry: 3 spans exported, 0 failed, 0 unanswered (flushed)\n'])
  })

  test('a flush that outlives its bound is summed up once, as timed out', async () => {
    const written: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0)
    let finish: () => void = () => {}
    registerShutdown(
      () => new Promise<void>((resolve) => (finish = resolve)),
      (outcome) => `summary (${outcome})`,
    )
    expect(await shutdownTelemetry(20)).toBe('timed-out')
    finish()
    await new Promise((resolve) => setImmediate(resolve))
    expect(written.filter((line) => line.startsWith('summary'))).toEqual(['summary (timed-out)\n'])
  })

  test('without a summary function nothing is printed', async () => {
    const write = vi.spyOn(process.stderr, 'write')
    registerShutdown(async () => {})
    expect(await shutdownTelemetry()).toBe('flushed')
    expect(write).not.toHaveBeenCalled()
  })
})
