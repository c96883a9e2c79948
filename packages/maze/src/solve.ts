import { DX, DY, type Maze, type Point } from './grid.ts'

/** Moves on the shortest S→K and K→E paths; their sum is the best possible score of an agent. */
export interface Solution {
  startToKey: number
  keyToExit: number
  optimalSteps: number
}

/**
 * Breadth-first distances (in moves) from `from` to every cell through open sides; -1 for cells
 * that cannot be reached. O(cells) time with two typed arrays.
 */
export function distancesFrom(maze: Maze, from: Point): Int32Array {
  const { width, height, walls } = maze
  const dist = new Int32Array(maze.area).fill(-1)
  const queue = new Int32Array(maze.area)
  const inverseWidth = 1 / width
  let head = 0
  let tail = 0
  const origin = from.y * width + from.x
  dist[origin] = 0
  queue[tail++] = origin
  while (head < tail) {
    const c = queue[head++]!
    const cy = Math.floor((c + 0.5) * inverseWidth) // no integer division: see generate.ts
    const cx = c - cy * width
    const w = walls[c]!
    for (let d = 0; d < 4; d++) {
      if ((w >> d) & 1) continue
      const nx = cx + DX[d]!
      const ny = cy + DY[d]!
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const n = ny * width + nx
      if (dist[n] !== -1) continue
      dist[n] = dist[c]! + 1
      queue[tail++] = n
    }
  }
  return dist
}

/** The optimal S→K→E path length of a maze, from full knowledge (for scoring agents). */
export function solve(maze: Maze): Solution {
  const fromKey = distancesFrom(maze, maze.key)
  const startToKey = fromKey[maze.index(maze.start.x, maze.start.y)]!
  const keyToExit = fromKey[maze.index(maze.exit.x, maze.exit.y)]!
  return { startToKey, keyToExit, optimalSteps: startToKey + keyToExit }
}
