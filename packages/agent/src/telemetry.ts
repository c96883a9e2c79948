import { metrics, type Attributes } from '@opentelemetry/api'

/**
 * The agent's own telemetry names (`@opentelemetry/api` only: a no-op unless the program was started
 * with the telemetry preload). HTTP client spans (with `traceparent`) and `http.client.request.duration`
 * come from the undici instrumentation.
 */
export const AgentTelemetry = {
  /** Instrumentation scope of the agent's spans and metrics. */
  scope: '@maze-sim/agent',
  /** Span: one run, from `GET /maze/size` to the map; every request of the run is a child of it. */
  runSpan: 'agent.run',
  /** Span event: the key was picked up (with `agent.steps` at that moment). */
  keyEvent: 'agent.key_found',
  strategy: 'agent.strategy',
  /** The strategy's RNG seed actually used. */
  rngSeed: 'agent.seed',
  maxSteps: 'agent.max_steps',
  solved: 'agent.solved',
  steps: 'agent.steps',
  keyStep: 'agent.key_step',
  /** `solved`, `gave-up`, `step-limit`, or `error` (then `error.type` has the AGENT_ERR_* code). */
  outcome: 'agent.outcome',
  requests: 'agent.requests',
  /** Requests to the model per step made (fewer than 1 when known paths are sent in one request). */
  requestsPerStep: 'agent.requests_per_step',
  /** `episodes` (the model referees the run) or `classic` (the original routes). */
  protocol: 'agent.protocol',
  /** The id of the episode played, on the episodes routes. */
  episodeId: 'maze.episode.id',
  width: 'maze.width',
  height: 'maze.height',
  seed: 'maze.seed',
  optimalSteps: 'maze.optimal_steps',
  errorType: 'error.type',
  /** Histogram {step}: steps per run. */
  stepsMetric: 'agent.run.steps',
  /** Histogram {request}: requests to the model per run. */
  requestsMetric: 'agent.run.requests',
  /** Histogram, seconds: wall-clock time per run. */
  durationMetric: 'agent.run.duration',
} as const

/** Histogram buckets of per-run counts (steps, requests), from tiny mazes to 10,000 x 10,000. */
const COUNT_BUCKETS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 1_000_000]

/** Records one run's metrics, tagged with the strategy and the outcome. */
export function recordRun(run: { strategy: string; outcome: string; steps: number; requests: number; seconds: number }): void {
  // Looked up per run, not at import: the metrics API has no proxy, so a meter taken before the
  // SDK registered would stay a no-op.
  const meter = metrics.getMeter(AgentTelemetry.scope)
  const attributes: Attributes = { [AgentTelemetry.strategy]: run.strategy, [AgentTelemetry.outcome]: run.outcome }
  meter
    .createHistogram(AgentTelemetry.stepsMetric, {
      unit: '{step}',
      description: 'Steps per run, backtracking included',
      advice: { explicitBucketBoundaries: COUNT_BUCKETS },
    })
    .record(run.steps, attributes)
  meter
    .createHistogram(AgentTelemetry.requestsMetric, {
      unit: '{request}',
      description: 'Requests to the maze model per run',
      advice: { explicitBucketBoundaries: COUNT_BUCKETS },
    })
    .record(run.requests, attributes)
  meter
    .createHistogram(AgentTelemetry.durationMetric, {
      unit: 's',
      description: 'Wall-clock time per run',
      advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] },
    })
    .record(run.seconds, attributes)
}
