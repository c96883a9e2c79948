import { createRng, DX, DY, type Direction, type Maze } from '@maze-sim/maze'
import type { Observation, Strategy } from '../../src/strategy.ts'

/** The outcome of one synchronous, in-memory run of a strategy on a maze. */
export interface SimulationResult {
  readonly solved: boolean
  /** Moves made, backtracking included. */
  readonly steps: number
  /** Why an unsolved run stopped. */
  readonly reason?: 'gave-up' | 'step-limit'
}

export interface SimulateOptions {
  /** Seed of the strategy's RNG (default: the maze's seed). */
  readonly seed?: number
  /** Stop (unsolved) after this many moves (default: 50 × the maze's area + 100). */
  readonly maxSteps?: number
  /** Called with every observation, e.g. to time or trace a run. */
  readonly onObservation?: (observation: Observation) => void
}

/**
 * Runs a strategy the way the runner does, but synchronously against a domain Maze and without any
 * transport: sense the cell, ask for a move, check it goes through an open side and stays inside the
 * grid (throws otherwise: a strategy bug), count it. The key is held from the step the agent stands
 * on it; the run is solved when the agent stands on the exit holding the key. For fast sweeps.
 */
export function simulate(maze: Maze, strategy: Strategy, options: SimulateOptions = {}): SimulationResult {
  const { width, height } = maze
  const maxSteps = options.maxSteps ?? 50 * maze.area + 100
  const explorer = strategy.create({
    width,
    height,
    start: { x: maze.start.x, y: maze.start.y },
    random: createRng(options.seed ?? maze.seed),
  })
  let { x, y } = maze.start
  let hasKey = false
  let steps = 0
  for (;;) {
    const view = maze.cell(x, y)
    if (x === maze.key.x && y === maze.key.y) hasKey = true
    if (hasKey && x === maze.exit.x && y === maze.exit.y) return { solved: true, steps }
    if (steps >= maxSteps) return { solved: false, steps, reason: 'step-limit' }
    const observation: Observation = {
      x,
      y,
      here: view.here,
      open: [view.up === 0, view.right === 0, view.down === 0, view.left === 0],
      hasKey,
      steps,
    }
    options.onObservation?.(observation)
    const d: Direction | null = explorer.next(observation)
    if (d === null) return { solved: false, steps, reason: 'gave-up' }
    if (!observation.open[d]) throw new Error(`${strategy.name}: moved ${d} through a wall at (${x}, ${y}) on step ${steps}`)
    const nx = x + DX[d]!
    const ny = y + DY[d]!
    if (!maze.isInside(nx, ny)) throw new Error(`${strategy.name}: moved ${d} out of the grid at (${x}, ${y}) on step ${steps}`)
    x = nx
    y = ny
    steps++
  }
}
