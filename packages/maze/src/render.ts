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

/**
 * Renders the ASCII map of the wire contract into bytes, with `*` on every visited cell that has
 * no label. `visited` is a per-cell mask (non-zero = visited), see {@link visitedMask}.
 */
export function renderMapBytes(maze: Maze, visited?: Uint8Array): Uint8Array {
  const { width, height, walls } = maze
  const lineLength = 2 * width + 2
  const out = new Uint8Array(mapByteLength(maze))
  for (let py = 0; py <= 2 * height; py++) {
    const row = py * lineLength
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
        out[row + 2 * x + 1] = label === SPACE && visited !== undefined && visited[i] ? STAR : label
      }
      out[row + 2 * width] = (walls[base + width - 1]! >> Direction.Right) & 1 ? PIPE : SPACE
    }
    out[row + lineLength - 1] = NEWLINE
  }
  return out
}

/** A per-cell visited mask from a list of moves. Every move must lie inside the maze. */
export function visitedMask(maze: Maze, moves: Moves): Uint8Array {
  const mask = new Uint8Array(maze.area)
  for (const [x, y] of moves) {
    maze.assertInside(x, y)
    mask[y * maze.width + x] = 1
  }
  return mask
}

/** The ASCII map as a string, with `*` on the cells of `moves` that have no label. */
export function renderMap(maze: Maze, moves?: Moves): string {
  const bytes = renderMapBytes(maze, moves === undefined ? undefined : visitedMask(maze, moves))
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
