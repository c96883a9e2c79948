// Helpers of the episodes tests: a synchronous stand-in for the worker, and the shortest walk.
import { DIRECTION_NAMES, DX, DY, distancesFrom, generateMaze, type DirectionName, type Maze, type Point, solve } from '@maze-sim/maze'
import type { GeneratedMaze } from '../src/generate-in-worker.ts'

/** Generates on the calling thread (unit tests: no worker start-up), counting its calls. */
export function countingGenerator(): {
  generate: (o: { width: number; height: number; seed: number }) => Promise<GeneratedMaze>
  calls: () => number
} {
  let calls = 0
  return {
    calls: () => calls,
    generate: async (options) => {
      calls++
      const maze = generateMaze(options)
      return { maze, optimalSteps: solve(maze).optimalSteps, generationMs: 0 }
    },
  }
}

/** The shortest walk from `from` to `to`, as direction words (descends the BFS distances to `to`). */
export function shortestWalk(maze: Maze, from: Point, to: Point): DirectionName[] {
  const dist = distancesFrom(maze, to)
  const walk: DirectionName[] = []
  let { x, y } = from
  // Bounded: each step lowers the distance by one.
  for (let guard = maze.area; (x !== to.x || y !== to.y) && guard > 0; guard--) {
    const here = dist[maze.index(x, y)]!
    const d = ([0, 1, 2, 3] as const).find((d) => {
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      return maze.side(x, y, d) === 0 && maze.isInside(nx, ny) && dist[maze.index(nx, ny)] === here - 1
    })
    if (d === undefined) throw new Error(`no way down from (${x}, ${y})`)
    walk.push(DIRECTION_NAMES[d])
    x += DX[d]!
    y += DY[d]!
  }
  return walk
}

/** The optimal start → key → exit walk. */
export const solution = (maze: Maze): DirectionName[] => [
  ...shortestWalk(maze, maze.start, maze.key),
  ...shortestWalk(maze, maze.key, maze.exit),
]
