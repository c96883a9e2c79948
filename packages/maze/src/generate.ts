import { MazeError, MazeErrorCode } from './errors.ts'
import { carve, carvedSolution, clearCarveBits } from './carve.ts'
import { assertSize, Maze, type Point } from './grid.ts'
import { createRng, type Rng } from './rng.ts'
import { rememberSolution } from './solve.ts'

export interface GenerateOptions {
  width: number
  height: number
  /** Unsigned 32-bit integer; the same seed and size always give the same maze. */
  seed: number
}

/** Largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff

/**
 * Generates a perfect maze with the original model's algorithm, in O(cells) time and about one
 * byte per cell of memory: the wall grid itself.
 *
 * The original carves depth-first from a random border cell: it extends the newest cell and, when
 * that cell is walled in, scans back through the cells in the order they were carved; once the exit
 * is placed it resumes from a random carved cell. Scanning a list and testing `cell in list` made it
 * O(n²); {@link carve} walks the same way with no list at all (the order's live cells are paths of
 * the carve tree, kept in the wall bytes' spare bits). The exit is opened on the first border cell
 * the carve reaches once it has visited area/5 cells (falling back to the last border cell carved
 * when no border cell is reached that late), and the key follows the original distance rule.
 * The optimal S→K→E lengths fall out of the carve tree for free, so `solve()` of the returned maze
 * costs nothing.
 */
export function generateMaze(options: GenerateOptions): Maze {
  const { width, height, seed } = options
  assertSize(width, height)
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new MazeError(MazeErrorCode.BadSeed, `seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`)
  }
  const rng = createRng(seed)
  const { walls, start, startIndex, exitIndex } = carve(width, height, rng)
  const exit: Point = { x: exitIndex % width, y: Math.floor(exitIndex / width) }
  const key = placeKey(width, height, start, exit, rng)
  const solution = carvedSolution(walls, width, startIndex, key.y * width + key.x, exitIndex)
  clearCarveBits(walls)
  const maze = new Maze({ width, height, seed, start, exit, key, walls })
  rememberSolution(maze, solution)
  return maze
}

/**
 * The original rule: a random cell whose Manhattan distance from both start and exit exceeds
 * (width + height) / 5. The original drew forever; here a few draws are tried, then the eligible
 * cells are counted and one is picked uniformly, and on mazes too small for the rule the key goes
 * to a cell other than start and exit that is farthest from the nearer of them.
 */
export function placeKey(width: number, height: number, start: Point, exit: Point, rng: Rng): Point {
  const minDistance = (width + height) / 5
  const dist = (x: number, y: number, p: Point): number => Math.abs(x - p.x) + Math.abs(y - p.y)
  const eligible = (x: number, y: number): boolean => dist(x, y, start) > minDistance && dist(x, y, exit) > minDistance
  for (let attempt = 0; attempt < 64; attempt++) {
    const x = rng.int(width)
    const y = rng.int(height)
    if (eligible(x, y)) return { x, y }
  }
  // Score every cell: eligible cells score Infinity; otherwise the distance to the nearer of
  // start and exit; start and exit themselves score -1. Pick uniformly among the best.
  const score = (x: number, y: number): number => {
    if ((x === start.x && y === start.y) || (x === exit.x && y === exit.y)) return -1
    return eligible(x, y) ? Infinity : Math.min(dist(x, y, start), dist(x, y, exit))
  }
  let best = -Infinity
  let ties = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = score(x, y)
      if (s > best) [best, ties] = [s, 1]
      else if (s === best) ties++
    }
  }
  let k = rng.int(ties)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (score(x, y) === best && k-- === 0) return { x, y }
    }
  }
  /* c8 ignore next */
  return { ...start }
}
