import { ROOT_CONTEXT, type Sampler, SpanKind, TraceFlags, trace } from '@opentelemetry/api'
import { AlwaysOnSampler, ParentBasedSampler, SamplingDecision } from '@opentelemetry/sdk-trace'
import { describe, expect, test } from 'vitest'
import { StepSampler } from '../src/step-sampler.ts'

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const parentContext = (sampled: boolean, isRemote: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE,
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote,
  })
const parentBased: Sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() })
const decide = (sampler: StepSampler, context: ReturnType<typeof parentContext>, kind: SpanKind, path: string) =>
  sampler.shouldSample(context, TRACE, 'GET', kind, { 'url.path': path }, []).decision

describe('StepSampler', () => {
  const sampled = SamplingDecision.RECORD_AND_SAMPLED
  const dropped = SamplingDecision.NOT_RECORD

  test.each([
    ['/maze/pos/3/4', SpanKind.CLIENT],
    ['/episodes/abc/moves', SpanKind.CLIENT],
    ['/prefix/episodes/abc/moves', SpanKind.CLIENT],
    ['/maze/pos/3/4', SpanKind.SERVER],
  ])('drops the span of a step request %s (kind %i) under a local parent or none, unless opted in', (path, kind) => {
    const none = new StepSampler(parentBased, 0)
    expect(decide(none, parentContext(true, false), kind, path)).toBe(dropped)
    expect(decide(none, ROOT_CONTEXT, kind, path)).toBe(dropped)
    const all = new StepSampler(parentBased, 1)
    expect(decide(all, parentContext(true, false), kind, path)).toBe(sampled)
    expect(decide(all, ROOT_CONTEXT, kind, path)).toBe(sampled)
  })

  test('a share of the step spans: the ones the random draw puts under the ratio', () => {
    const draws = [0.05, 0.5, 0.09, 0.95]
    const sampler = new StepSampler(parentBased, 0.1, () => draws.shift()!)
    const decisions = [1, 2, 3, 4].map(() => decide(sampler, parentContext(true, false), SpanKind.CLIENT, '/maze/pos/0/0'))
    expect(decisions).toEqual([sampled, dropped, sampled, dropped])
  })

  test("with a remote parent (traceparent) the caller's decision stands, whatever the ratio", () => {
    const none = new StepSampler(parentBased, 0)
    expect(decide(none, parentContext(true, true), SpanKind.SERVER, '/episodes/x/moves')).toBe(sampled)
    const all = new StepSampler(parentBased, 1)
    expect(decide(all, parentContext(false, true), SpanKind.SERVER, '/episodes/x/moves')).toBe(dropped)
  })

  test('the configured sampler has the last word: an unsampled run keeps its steps unsampled', () => {
    const all = new StepSampler(parentBased, 1)
    expect(decide(all, parentContext(false, false), SpanKind.CLIENT, '/maze/pos/1/1')).toBe(dropped)
  })

  test('every other span is left to the configured sampler', () => {
    const none = new StepSampler(parentBased, 0)
    for (const path of ['/maze/size', '/maze/meta', '/episodes', '/episodes/abc', '/maze/map', '/maze/pos/1']) {
      expect(decide(none, parentContext(true, false), SpanKind.CLIENT, path), path).toBe(sampled)
    }
    // Not an HTTP span: the run itself, the model's generation.
    expect(decide(none, ROOT_CONTEXT, SpanKind.INTERNAL, '/maze/pos/1/1')).toBe(sampled)
  })
})
