import { MazeError, MazeErrorCode } from './errors.ts'

/** Directions, numbered as in the original model. */
export const Direction = { Up: 0, Right: 1, Down: 2, Left: 3 } as const
export type Direction = (typeof Direction)[keyof typeof Direction]
export const DIRECTIONS: readonly Direction[] = [0, 1, 2, 3]
export const DIRECTION_NAMES = ['up', 'right', 'down', 'left'] as const
export type DirectionName = (typeof DIRECTION_NAMES)[number]
export const DX: readonly number[] = [0, 1, 0, -1]
export const DY: readonly number[] = [-1, 0, 1, 0]
export const opposite = (d: Direction): Direction => ((d + 2) & 3) as Direction

/** A side is 0 (open) or 1 (wall), as on the wire. */
export type Side = 0 | 1
/** Cell labels: start, exit, key, or one space. */
export type Label = 'S' | 'E' | 'K' | ' '

export interface Point {
  readonly x: number
  readonly y: number
}

/** What an agent senses on one cell: the `/maze/pos` payload. */
export interface CellView {
  here: Label
  up: Side
  down: Side
  left: Side
  right: Side
}

/** Largest accepted side and area: 10,000 x 10,000 generates in seconds and fits comfortably in memory. */
export const MAX_SIDE = 100_000
export const MAX_AREA = 100_000_000

/** Bit i of a cell byte is set when side i (a Direction) is a wall. */
export const ALL_WALLS = 0b1111

/** The plain data of a maze, transferable between threads. */
export interface MazeData {
  width: number
  height: number
  seed: number
  start: Point
  exit: Point
  key: Point
  /** One byte per cell, row-major; bit d set = wall on side d. */
  walls: Uint8Array
}

/**
 * Smallest accepted area: a maze needs three distinct cells for its start, key and exit, or the
 * labels overlap (the key under the exit) and the run cannot be solved by sensing. 1x3 is the
 * smallest maze; 1x1, 1x2 and 2x1 are refused.
 */
export const MIN_AREA = 3

/** The size rule, in words, for `--help` texts and error messages. */
/**
 * MAX_AREA with thousands separators (100,000,000). Not toLocaleString: its first call sets up
 * Intl's number formatting, some 20 ms at the import of this module in every thread that loads it.
 */
const MAX_AREA_TEXT = String(MAX_AREA).replace(/\B(?=(\d{3})+$)/g, ',')

export const SIZE_RULE = `width and height are integers from 1 to ${MAX_SIDE}, with width x height from ${MIN_AREA} to ${MAX_AREA_TEXT} cells`

/**
 * The one size rule of every program that takes a size: what is wrong with `width` x `height`, or
 * null when it is a maze we generate. Messages say which side or the area, and what is allowed.
 */
export function sizeProblem(width: number, height: number): string | null {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_SIDE) return `${name} must be an integer from 1 to ${MAX_SIDE}, got ${v}`
  }
  const area = width * height
  if (area > MAX_AREA) return `width x height must be at most ${MAX_AREA_TEXT} cells, got ${width} x ${height}`
  if (area < MIN_AREA) {
    return `width x height must be at least ${MIN_AREA} cells (room for a start, a key and an exit), got ${width} x ${height}`
  }
  return null
}

/** Throws MAZE_ERR_BAD_SIZE unless the size passes {@link sizeProblem}. */
export function assertSize(width: number, height: number): void {
  const problem = sizeProblem(width, height)
  if (problem !== null) throw new MazeError(MazeErrorCode.BadSize, problem)
}

/** An immutable, generated maze: a compact wall grid plus start, exit and key. */
export class Maze {
  readonly width: number
  readonly height: number
  readonly seed: number
  readonly start: Point
  readonly exit: Point
  readonly key: Point
  readonly walls: Uint8Array
  readonly #startIndex: number
  readonly #exitIndex: number
  readonly #keyIndex: number

  constructor(data: MazeData) {
    assertSize(data.width, data.height)
    if (data.walls.length !== data.width * data.height) {
      throw new MazeError(MazeErrorCode.BadSize, `walls must hold ${data.width * data.height} cells, got ${data.walls.length}`)
    }
    this.width = data.width
    this.height = data.height
    this.seed = data.seed
    this.start = { x: data.start.x, y: data.start.y }
    this.exit = { x: data.exit.x, y: data.exit.y }
    this.key = { x: data.key.x, y: data.key.y }
    this.walls = data.walls
    this.#startIndex = this.index(this.start.x, this.start.y)
    this.#exitIndex = this.index(this.exit.x, this.exit.y)
    this.#keyIndex = this.index(this.key.x, this.key.y)
  }

  get area(): number {
    return this.width * this.height
  }

  /** The plain data, e.g. to post to another thread (the walls buffer is shared, not copied). */
  toData(): MazeData {
    const { width, height, seed, start, exit, key, walls } = this
    return { width, height, seed, start, exit, key, walls }
  }

  isInside(x: number, y: number): boolean {
    return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < this.width && y < this.height
  }

  index(x: number, y: number): number {
    return y * this.width + x
  }

  /** Throws MAZE_ERR_OUT_OF_BOUNDS unless (x, y) is a cell of this maze. */
  assertInside(x: number, y: number): void {
    if (!this.isInside(x, y)) {
      throw new MazeError(
        MazeErrorCode.OutOfBounds,
        `(${x}, ${y}) is outside the ${this.width}x${this.height} maze: x must be 0..${this.width - 1} and y 0..${this.height - 1}`,
      )
    }
  }

  /** 1 when side d of cell (x, y) is a wall, 0 when open. The cell must be inside. */
  side(x: number, y: number, d: Direction): Side {
    return ((this.walls[y * this.width + x]! >> d) & 1) as Side
  }

  /** The label of a cell; start wins over exit, exit over key, as in the original. */
  label(x: number, y: number): Label {
    return this.labelAt(y * this.width + x)
  }

  labelAt(i: number): Label {
    if (i === this.#startIndex) return 'S'
    if (i === this.#exitIndex) return 'E'
    if (i === this.#keyIndex) return 'K'
    return ' '
  }

  /** What an agent senses on (x, y). Throws MAZE_ERR_OUT_OF_BOUNDS outside the grid. */
  cell(x: number, y: number): CellView {
    this.assertInside(x, y)
    const i = y * this.width + x
    const w = this.walls[i]!
    return {
      here: this.labelAt(i),
      up: (w & 1) as Side,
      down: ((w >> 2) & 1) as Side,
      left: ((w >> 3) & 1) as Side,
      right: ((w >> 1) & 1) as Side,
    }
  }
}
