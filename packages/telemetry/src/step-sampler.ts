import { type Attributes, type Context, type Link, SpanKind, TraceFlags, trace } from '@opentelemetry/api'
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace'
import { isStepPath } from './step-routes.ts'

const DROP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD })

/**
 * The sampler of both programs: the configured one (`OTEL_TRACES_SAMPLER`, parent-based always-on
 * by default) for every span but the HTTP spans of per-step requests (`url.path` of a step route,
 * client or server), which are dropped unless opted in:
 *
 * - with a remote parent (a request to the model with `traceparent`), the caller decided: a step the
 *   agent sampled is sampled here too (by the configured sampler), one it dropped is dropped;
 * - otherwise (the agent's own client span, or a request that carries no `traceparent`), a share
 *   `ratio` of them is handed to the configured sampler (`MAZE_TELEMETRY_STEP_SPANS`), the rest dropped.
 *
 * A dropped client span still propagates its trace (`traceparent` with the sampled flag off), so the
 * model drops the step too. With no step spans asked for (ratio 0), the agent's undici
 * instrumentation does not even see its step requests (sdk.ts): they carry no `traceparent`, and the
 * model, whose own ratio applies to those, drops them as well. The request-duration metrics count
 * every request either way (client-metrics.ts, fastify.ts).
 */
export class StepSampler implements Sampler {
  readonly #delegate: Sampler
  readonly #ratio: number
  readonly #random: () => number

  constructor(delegate: Sampler, ratio: number, random: () => number = Math.random) {
    this.#delegate = delegate
    this.#ratio = ratio
    this.#random = random
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if ((spanKind === SpanKind.CLIENT || spanKind === SpanKind.SERVER) && isStepPath(attributes['url.path'])) {
      const parent = trace.getSpanContext(context)
      if (parent?.isRemote === true) {
        if ((parent.traceFlags & TraceFlags.SAMPLED) === 0) return DROP
      } else if (!(this.#ratio > 0 && this.#random() < this.#ratio)) {
        return DROP
      }
    }
    return this.#delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links)
  }

  toString(): string {
    return `StepSampler{steps=${this.#ratio}, ${this.#delegate.toString()}}`
  }
}
