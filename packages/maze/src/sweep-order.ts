// The order of a sweep's runs: which strategy, seed and size run `index` plays. Pure index
// arithmetic, here because both places that need it can import it and ship it: the local sweep
// planner (@maze-sim/sweep, `runAt`) and the AWS Batch job preload that the model and agent images
// run (@maze-sim/batch, from AWS_BATCH_JOB_ARRAY_INDEX). So array child i plays what local run i plays.

/** Positions in a sweep's lists of strategies, seeds and sizes (0-based). */
export interface SweepPosition {
  readonly strategy: number
  readonly seed: number
  readonly size: number
}

/**
 * The positions of run `index` in a sweep of `strategies` strategies and `seeds` seeds per size.
 * Strategies vary fastest, then seeds, then sizes:
 *
 *     strategy = index mod S,  seed = floor(index / S) mod N,  size = floor(index / (S·N))
 *
 * so consecutive runs play the same maze with every strategy (a partial sweep is still paired).
 * Without `seeds` (an array job given only its first seed) the seeds never run out: seed =
 * floor(index / S), size 0. Callers check that `index` is within their plan.
 */
export function sweepPosition(index: number, strategies: number, seeds = Number.POSITIVE_INFINITY): SweepPosition {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a run index is a whole number from 0, got ${index}`)
  if (!Number.isSafeInteger(strategies) || strategies < 1) throw new RangeError(`a sweep has at least 1 strategy, got ${strategies}`)
  if (seeds !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(seeds) || seeds < 1))
    throw new RangeError(`a sweep has at least 1 seed, got ${seeds}`)
  const j = Math.floor(index / strategies)
  return { strategy: index % strategies, seed: j % seeds, size: Math.floor(j / seeds) }
}
