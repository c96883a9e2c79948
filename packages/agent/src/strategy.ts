import type { Direction, Label, Point, Rng } from '@maze-sim/maze'

/** What a strategy knows when it starts: the maze's size and the start cell, and a seeded RNG. */
export interface StrategyContext {
  readonly width: number
  readonly height: number
  readonly start: Point
  /** Seeded randomness: use it instead of Math.random so runs are reproducible. */
  readonly random: Rng
}

/** What the agent senses on the cell it stands on, and what the runner knows of the run. */
export interface Observation {
  readonly x: number
  readonly y: number
  readonly here: Label
  /** open[d] is true when side d (a Direction: 0 up, 1 right, 2 down, 3 left) is open. */
  readonly open: readonly [boolean, boolean, boolean, boolean]
  /** True from the step on which the agent stood on the key. */
  readonly hasKey: boolean
  /** Moves made so far (backtracking included). */
  readonly steps: number
}

/** The brain of one run: asked for one move per step. */
export interface Explorer {
  /**
   * The direction to move next, through an open side and inside the grid, or null to give up.
   * Called once per step with the observation of the cell the agent stands on.
   */
  next(observation: Observation): Direction | null
}

/** A strategy: a stable name (used in logs, spans, results and test titles) and a factory. */
export interface Strategy {
  readonly name: string
  readonly description: string
  create(context: StrategyContext): Explorer
}
