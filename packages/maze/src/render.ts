import { Direction, type Maze } from './grid.ts'

const PLUS = 0x2b
const DASH = 0x2d
const PIPE = 0x7c
const SPACE = 0x20
const STAR = 0x2a
const NEWLINE = 0x0a
const LABEL_CODES = { S: 0x53, E: 0x45, K: 0x4b, ' ': SPACE } as const

/** A list of [x, y] pairs: the moves an agent walked. */
export type Moves = ReadonlyArray<readonly [number, number]>

/** Bytes of the ASCII map: (2h+1) lines of 2w+1 characters, each ending in "\n". */
export function mapByteLength(maze: Maze): number {
  return (2 * maze.height + 1) * (2 * maze.width + 2)
}

/** Lines of the ASCII map: 2h+1 (wall lines at even indexes, cell lines at odd ones). */
export function mapLineCount(maze: Maze): number {
  return 2 * maze.height + 1
}

/** Bytes of one line of the ASCII map, its "\n" included: 2w+2. */
export function mapLineLength(maze: Maze): number {
  return 2 * maze.width + 2
}

/**
 * A set of cells as a bitset: cell i is bit `i & 7` of byte `i >> 3`, so a set costs an eighth of
 * a byte per cell (1.1 MB on 3000 x 3000, 12.5 MB on the largest maze) whatever it holds.
 */
export class VisitedCells {
  /** The cells the set can hold: 0 to area - 1. */
  readonly area: number
  /** The bits, ceil(area / 8) bytes. */
  readonly bits: Uint8Array

  constructor(area: number) {
    if (!Number.isInteger(area) || area < 0) throw new RangeError(`a set of cells needs a non-negative integer area, got ${area}`)
    this.area = area
    this.bits = new Uint8Array(VisitedCells.byteLength(area))
  }

  /** The bytes of a set of `area` cells. */
  static byteLength(area: number): number {
    return Math.ceil(area / 8)
  }

  /** Adds cell `i` (0 <= i < area, not checked: callers check their moves against the maze). */
  add(i: number): void {
    this.bits[i >>> 3]! |= 1 << (i & 7)
  }

  has(i: number): boolean {
    return ((this.bits[i >>> 3]! >> (i & 7)) & 1) === 1
  }
}

/**
 * Renders the ASCII map of the wire contract into bytes, with `*` on every visited cell that has
 * no label (see {@link visitedMask}).
 */
export function renderMapBytes(maze: Maze, visited?: VisitedCells): Uint8Array {
  const out = new Uint8Array(mapByteLength(maze))
  renderMapLines(maze, 0, mapLineCount(maze), out, visited)
  return out
}

/**
 * Renders lines `from` (inclusive) to `to` (exclusive) of the ASCII map into `out` from offset 0,
 * and returns the number of bytes written ((to - from) x {@link mapLineLength}). Lets a server
 * stream a map of any size in small pieces, rendering each as the client reads, instead of
 * holding the whole map (400 MB on 10,000 x 10,000) per request.
 */
export function renderMapLines(maze: Maze, from: number, to: number, out: Uint8Array, visited?: VisitedCells): number {
  const { width, height, walls } = maze
  if (visited !== undefined && visited.area !== maze.area) {
    throw new RangeError(`a set of ${visited.area} visited cells does not fit a maze of ${maze.area}`)
  }
  const bits = visited?.bits
  const lineLength = 2 * width + 2
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 2 * height + 1 || from > to) {
    throw new RangeError(`lines ${from}..${to} are outside the map's 0..${2 * height + 1}`)
  }
  if (out.length < (to - from) * lineLength) {
    throw new RangeError(`${to - from} lines need ${(to - from) * lineLength} bytes, out has ${out.length}`)
  }
  for (let py = from; py < to; py++) {
    const row = (py - from) * lineLength
    if ((py & 1) === 0) {
      // A wall line: the up side of row y, or the down side of the last row.
      const y = py >> 1
      const last = y === height
      const base = (last ? height - 1 : y) * width
      const bit = last ? Direction.Down : Direction.Up
      for (let x = 0; x < width; x++) {
        out[row + 2 * x] = PLUS
        out[row + 2 * x + 1] = (walls[base + x]! >> bit) & 1 ? DASH : SPACE
      }
      out[row + 2 * width] = PLUS
    } else {
      const y = py >> 1
      const base = y * width
      for (let x = 0; x < width; x++) {
        const i = base + x
        out[row + 2 * x] = (walls[i]! >> Direction.Left) & 1 ? PIPE : SPACE
        const label = LABEL_CODES[maze.labelAt(i)]
        out[row + 2 * x + 1] = label === SPACE && bits !== undefined && (bits[i >>> 3]! >> (i & 7)) & 1 ? STAR : label
      }
      out[row + 2 * width] = (walls[base + width - 1]! >> Direction.Right) & 1 ? PIPE : SPACE
    }
    out[row + lineLength - 1] = NEWLINE
  }
  return (to - from) * lineLength
}

/** The set of cells of a list of moves. Every move must lie inside the maze. */
export function visitedMask(maze: Maze, moves: Moves): VisitedCells {
  const visited = new VisitedCells(maze.area)
  for (const [x, y] of moves) {
    maze.assertInside(x, y)
    visited.add(y * maze.width + x)
  }
  return visited
}

/** The ASCII map as a string, with `*` on the cells of `moves` that have no label. */
export function renderMap(maze: Maze, moves?: Moves): string {
  const bytes = renderMapBytes(maze, moves === undefined ? undefined : visitedMask(maze, moves))
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
