import type { Maze } from '@maze-sim/maze'
import { labelIndexes, type LabelIndexes } from './cell-views.ts'
import type { Meta } from './schemas.ts'

/** Everything a request needs once the maze is there, computed once in `MazeState.setMaze`. */
export interface Served {
  maze: Maze
  width: number
  height: number
  walls: Uint8Array
  labels: LabelIndexes
  size: { width: number; height: number }
  start: { x: number; y: number }
  meta: Meta
  /** `<pre>` + map + `</pre>`, rendered on the first GET /maze/map when small enough to keep. */
  mapPage: Buffer | undefined
}

/**
 * The maze being served, or none while it is generated: handed to the route plugins that need it
 * (maze, health) as an option, so they share this one object rather than a captured variable.
 */
export class MazeState {
  /** Undefined until `setMaze`; read on every request of the hot path, so a plain field. */
  served: Served | undefined = undefined

  /** Serves `maze` from now on. */
  setMaze(maze: Maze, optimalSteps: number): void {
    const { width, height } = maze
    this.served = {
      maze,
      width,
      height,
      walls: maze.walls,
      labels: labelIndexes(maze),
      size: { width, height },
      start: { x: maze.start.x, y: maze.start.y },
      meta: { width, height, seed: maze.seed, optimalSteps },
      mapPage: undefined,
    }
  }

  /** True once a maze has been set. */
  get isReady(): boolean {
    return this.served !== undefined
  }
}
