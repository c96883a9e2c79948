/**
 * The model's own telemetry names (`@opentelemetry/api` only: a no-op unless the program was started
 * with the telemetry preload). HTTP server spans and metrics come from the instrumentations.
 */
export const ModelTelemetry = {
  /** Instrumentation scope of the model's spans and metrics. */
  scope: '@maze-sim/model',
  /** Span: start-up → maze ready (worker start, generation, solving, while the server starts; a small maze inline), a trace of its own. */
  generateSpan: 'maze.generate',
  /** Histogram, seconds: generation + solving time measured in the worker (or inline, for a small maze). */
  generationDuration: 'maze.generation.duration',
  width: 'maze.width',
  height: 'maze.height',
  seed: 'maze.seed',
  optimalSteps: 'maze.optimal_steps',
  /** Bucket bounds (s): from the 3 ms of an 80 x 20 maze to the ~15 s of 10,000 x 10,000. */
  generationBuckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60],
} as const
