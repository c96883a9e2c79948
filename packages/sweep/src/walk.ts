// One run in this thread, recording the cells walked: what `pnpm render` draws.
import type { Strategy } from '@maze-sim/agent'
import type { Point } from '@maze-sim/maze'
import type { SweepResult } from './results.ts'
import { runOne } from './run-one.ts'

export interface Walk {
  readonly result: SweepResult
  /** The start, then the cell after every step. */
  readonly points: readonly Point[]
}

/** Runs `strategy` on the maze of (seed, size) in-process and returns its result and its walk. */
export async function walkMaze(strategy: Strategy, seed: number, width: number, height: number): Promise<Walk> {
  const points: Point[] = []
  const result = await runOne({
    strategy,
    seed,
    width,
    height,
    onStart: (start) => points.push({ x: start.x, y: start.y }),
    onStep: (event) => points.push(event.to),
  })
  return { result, points }
}
