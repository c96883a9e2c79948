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

// Solutions of mazes made by generateMaze, which gets them from its carve tree for free. A maze is
// immutable, so its solution never changes; a WeakMap lets the maze be collected as usual.
const remembered = new WeakMap<Maze, Solution>()

/** Records the solution of a maze that generateMaze just made (not exported from the package). */
export function rememberSolution(maze: Maze, solution: Solution): void {
  remembered.set(maze, { ...solution })
}

/**
 * The optimal S→K→E path length of a maze, from full knowledge (for scoring agents).
 *
 * Free for a maze returned by generateMaze in this thread (it comes from the carve); otherwise
 * {@link searchSolution} walks the maze as a tree in O(cells) time and about 2 bits per cell of
 * path depth at most, not distancesFrom's 8 bytes per cell.
 */
export function solve(maze: Maze): Solution {
  const known = remembered.get(maze)
  return known !== undefined ? { ...known } : searchSolution(maze)
}

/**
 * {@link solve} without the remembered solutions: a depth-first walk from the key that keeps only
 * the direction of each step of the current path (2 bits per depth), since in a perfect maze (a
 * tree) the cell it came from is the only one not to walk into again. It stops once it has met
 * both start and exit. A maze with a loop would make it walk forever: after `area` steps forward it
 * knows there is one and answers from {@link distancesFrom} instead (-1 for a cell out of reach).
 */
export function searchSolution(maze: Maze): Solution {
  const { width, height, walls, area } = maze
  const keyIndex = maze.index(maze.key.x, maze.key.y)
  const startIndex = maze.index(maze.start.x, maze.start.y)
  const exitIndex = maze.index(maze.exit.x, maze.exit.y)
  const step = [-width, 1, width, -1]
  const lastX = width - 1
  const lastY = height - 1
  // 16 steps per word: the direction taken at depth i is in bits 2(i % 16)..+1 of word i / 16.
  let path = new Uint32Array(256)
  let depth = 0
  let cell = keyIndex
  let x = maze.key.x
  let y = maze.key.y
  let startToKey = keyIndex === startIndex ? 0 : -1
  let keyToExit = keyIndex === exitIndex ? 0 : -1
  let back = -1 // the direction back to the previous cell of the path; none at the key
  let next = 0 // the first direction not tried yet from `cell`
  let forward = 0
  while (startToKey < 0 || keyToExit < 0) {
    const w = walls[cell]!
    let d = next
    for (; d < 4; d++) {
      if ((w >> d) & 1 || d === back) continue
      if (d === 0 ? y === 0 : d === 1 ? x === lastX : d === 2 ? y === lastY : x === 0) continue
      break
    }
    if (d < 4) {
      if (++forward >= area) return solveByDistances(maze)
      if (depth >>> 4 === path.length) {
        const longer = new Uint32Array(path.length * 2)
        longer.set(path)
        path = longer
      }
      path[depth >>> 4]! |= d << ((depth & 15) << 1)
      depth++
      cell += step[d]!
      x += DX[d]!
      y += DY[d]!
      back = (d + 2) & 3
      next = 0
      if (cell === startIndex) startToKey = depth
      if (cell === exitIndex) keyToExit = depth
      continue
    }
    if (depth === 0) break // everything reachable was seen
    depth--
    const shift = (depth & 15) << 1
    const came = (path[depth >>> 4]! >>> shift) & 3
    path[depth >>> 4]! &= ~(3 << shift)
    cell -= step[came]!
    x -= DX[came]!
    y -= DY[came]!
    next = came + 1
    back = depth === 0 ? -1 : (((path[(depth - 1) >>> 4]! >>> (((depth - 1) & 15) << 1)) & 3) + 2) & 3
  }
  return { startToKey, keyToExit, optimalSteps: startToKey + keyToExit }
}

function solveByDistances(maze: Maze): Solution {
  const fromKey = distancesFrom(maze, maze.key)
  const startToKey = fromKey[maze.index(maze.start.x, maze.start.y)]!
  const keyToExit = fromKey[maze.index(maze.exit.x, maze.exit.y)]!
  return { startToKey, keyToExit, optimalSteps: startToKey + keyToExit }
}
