import { type Histogram, metrics } from '@opentelemetry/api'

/** The semantic conventions' advised buckets for HTTP request durations (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

/**
 * An HTTP request-duration histogram (`http.server.request.duration` or `http.client.request.duration`,
 * seconds) of `scope`. Take it once the SDK has registered its providers, not at import.
 */
export function httpDurationHistogram(scope: string, name: string, description: string): Histogram {
  return metrics.getMeter(scope).createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: DURATION_BUCKETS } })
}
