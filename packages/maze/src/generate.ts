import { MazeError, MazeErrorCode } from './errors.ts'
import { ALL_WALLS, assertSize, Direction, DX, Maze, opposite, type Point } from './grid.ts'
import { createRng, type Rng } from './rng.ts'

export interface GenerateOptions {
  width: number
  height: number
  /** Unsigned 32-bit integer; the same seed and size always give the same maze. */
  seed: number
}

// A generation-time flag kept in the spare bits of a cell's wall byte (cleared before returning).
const VISITED = 0b1_0000

/** Largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff

/**
 * Generates a perfect maze with the original model's algorithm, in O(cells) time and memory.
 *
 * The original carves depth-first from a random border cell: it extends the newest cell and, when
 * that cell is walled in, scans back through the cells in the order they were carved; once the exit
 * is placed it resumes from a random carved cell. Scanning a list and testing `cell in list` made it
 * O(n²). Here the carve order is an Int32Array and cells found walled-in are skipped for good
 * through a union-find over that order ("largest live index <= i"), so the same walk costs
 * O(cells · α). The exit is opened on the first border cell the carve reaches once it has visited
 * area/5 cells (falling back to the last border cell carved when no border cell is reached that
 * late), and the key follows the original distance rule.
 */
export function generateMaze(options: GenerateOptions): Maze {
  const { width, height, seed } = options
  assertSize(width, height)
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new MazeError(MazeErrorCode.BadSeed, `seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`)
  }
  const rng = createRng(seed)
  const area = width * height
  const minLength = area / 5
  const walls = new Uint8Array(area).fill(ALL_WALLS)
  const order = new Int32Array(area)
  // live[i] === i while the i-th carved cell may still have unvisited neighbours; otherwise it
  // points further back. find(i) is then the largest live index <= i, or -1.
  const live = new Int32Array(area)

  const isBorder = (x: number, y: number): boolean => x === 0 || y === 0 || x === width - 1 || y === height - 1
  const open = (i: number, d: Direction): void => {
    walls[i]! &= ~(1 << d)
  }

  // The start: a random cell on a random side, its outer wall opened (same draws as the original).
  let sx: number
  let sy: number
  let startSide: Direction
  if (rng.float() < 0.5) {
    sx = rng.int(width)
    if (rng.float() < 0.5) [sy, startSide] = [0, Direction.Up]
    else [sy, startSide] = [height - 1, Direction.Down]
  } else {
    sy = rng.int(height)
    if (rng.float() < 0.5) [sx, startSide] = [0, Direction.Left]
    else [sx, startSide] = [width - 1, Direction.Right]
  }
  const startIndex = sy * width + sx
  open(startIndex, startSide)
  walls[startIndex]! |= VISITED
  order[0] = startIndex
  live[0] = 0
  let count = 1
  let exitIndex = -1

  const find = (i: number): number => {
    let r = i
    while (r >= 0 && live[r] !== r) r = live[r]!
    while (i >= 0 && live[i] !== i) {
      const next = live[i]!
      live[i] = r
      i = next
    }
    return r
  }

  const openExit = (i: number): void => {
    const x = i % width
    const y = (i - x) / width
    const outward: Direction[] = []
    if (y === 0) outward.push(Direction.Up)
    if (x === width - 1) outward.push(Direction.Right)
    if (y === height - 1) outward.push(Direction.Down)
    if (x === 0) outward.push(Direction.Left)
    open(i, outward[rng.int(outward.length)]!)
    exitIndex = i
  }

  const inverseWidth = 1 / width
  const lastX = width - 1
  const lastY = height - 1
  const lastRow = lastY * width
  const step = [-width, 1, width, -1]
  let pos = 0
  while (count < area) {
    let p = find(pos)
    if (p < 0) p = find(count - 1) // wrap around to the newest cell, as the original does
    const c = order[p]!
    // Row and column without integer division (idiv dominates this loop otherwise); the +0.5
    // keeps floor() exact for every index below MAX_AREA.
    const cy = Math.floor((c + 0.5) * inverseWidth)
    const cx = c - cy * width
    const sd = rng.nextUint32() >>> 30
    let carved = false
    for (let nd = 0; nd < 4; nd++) {
      const d = ((sd + nd) & 3) as Direction
      if (d === Direction.Up ? cy === 0 : d === Direction.Right ? cx === lastX : d === Direction.Down ? cy === lastY : cx === 0) {
        continue
      }
      const n = c + step[d]!
      if (walls[n]! & VISITED) continue
      walls[c]! &= ~(1 << d)
      walls[n] = (ALL_WALLS & ~(1 << opposite(d))) | VISITED
      live[count] = count
      order[count++] = n
      pos = count - 1
      if (exitIndex < 0 && count >= minLength && (n < width || n >= lastRow || cx + DX[d]! === 0 || cx + DX[d]! === lastX)) {
        openExit(n)
        pos = rng.int(count) // the original resumes from a random carved cell
      }
      carved = true
      break
    }
    if (!carved) {
      live[p] = p - 1
      pos = p - 1
    }
  }

  if (exitIndex < 0) {
    // Every maze of MIN_AREA cells or more has a border cell other than the start.
    for (let i = area - 1; i > 0; i--) {
      const n = order[i]!
      const x = n % width
      if (isBorder(x, (n - x) / width)) {
        openExit(n)
        break
      }
    }
  }

  for (let i = 0; i < area; i++) walls[i]! &= ALL_WALLS

  const start: Point = { x: sx, y: sy }
  const exit: Point = { x: exitIndex % width, y: Math.floor(exitIndex / width) }
  const key = placeKey(width, height, start, exit, rng)
  return new Maze({ width, height, seed, start, exit, key, walls })
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
