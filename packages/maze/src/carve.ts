import { ALL_WALLS, Direction, DX, DY, opposite, type Point } from './grid.ts'
import type { Rng } from './rng.ts'
import type { Solution } from './solve.ts'

// While a maze is carved its wall bytes carry more than walls. Bits 0-3: the walls, as in the
// finished maze. Bit 4: visited. Bits 5-6: the direction from the cell to the cell it was carved
// from (its parent in the carve tree; unused on the start, the root). Bit 7: the cell was carved
// from a cell other than the newest one (after a step back). clearCarveBits drops bits 4-7.
const VISITED = 0b1_0000
const PARENT_SHIFT = 5
const STEPPED_BACK = 0b1000_0000
/** The lowest set bit of a nonzero 4-bit mask. */
const FIRST_BIT = new Uint8Array([0, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0])

/** A carved wall grid, its bytes still carrying the carve bits (see {@link clearCarveBits}). */
export interface Carved {
  walls: Uint8Array
  start: Point
  startIndex: number
  exitIndex: number
  /** Peak bytes of the typed arrays the carve allocated besides `walls` (for tests of its memory). */
  scratchBytes: number
}

/**
 * Carves the maze of the original model's algorithm, with the same random draws in the same order.
 *
 * The original keeps every carved cell in a list and a cursor into it: it extends the cell under
 * the cursor and moves the cursor to the new cell, or, when that cell is walled in, drops it for
 * good and moves the cursor to the newest live cell below it (wrapping around to the newest cell
 * when there is none); once the exit is placed it moves the cursor to a random index of the list.
 *
 * Until that jump every cell above the cursor is dead, so the live cells are a stack, and a stack
 * whose every cell was carved from the one below it: the path from the start to the cursor in the
 * carve tree. It needs no memory of its own: popping is a step to the parent, whose direction the
 * wall byte holds. The jump leaves at most three such paths (the path up to the new cursor, the
 * rest of the old path above it, and the branch carved next), so three (top, length) pairs stand
 * in for the list. Placing the jump needs the carve index of the path's cells: index - depth is
 * the same along the path except at cells carved after a step back (flagged in their wall byte),
 * so one number per such cell of the current path is kept until then.
 *
 * So the carve costs the wall grid plus well under a tenth of a byte per cell, where the list and
 * its union-find took 8 bytes per cell, and a step is a few array reads.
 */
export function carve(width: number, height: number, rng: Rng): Carved {
  const area = width * height
  const minLength = area / 5
  const walls = new Uint8Array(area).fill(ALL_WALLS)

  const { x: sx, y: sy } = openStart(walls, width, height, rng)
  const startIndex = sy * width + sx
  walls[startIndex]! |= VISITED

  const lastX = width - 1
  const lastY = height - 1
  const step = [-width, 1, width, -1]
  // Before the jump: carve index - depth of the cursor's cell; and for each cell of the path that
  // was carved after a step back, how much its offset exceeds its parent's (cells carved between).
  let offset = 0
  const offsets = new DeltaStack()
  let count = 1
  let exitIndex = -1
  let lastBorder = -1
  // The cursor: cell `top` at (tx, ty), newest of the active path of `len` live cells.
  let top = startIndex
  let tx = sx
  let ty = sy
  let len = 1
  // Before the jump: whether the cursor is on the newest carved cell (else a carve is a break).
  let atNewest = true
  let jumped = false
  // After the jump: the old path above the cursor, until the first carve (it is live, above it).
  let aboveTop = -1
  let aboveLen = 0
  // Paths below the active one, topmost last.
  const belowTop: number[] = []
  const belowLen: number[] = []

  // No closure writes the loop's variables: V8 keeps them in registers then, not in a context.
  while (count < area) {
    const sd = rng.nextUint32() >>> 30
    // The sides open to an unvisited cell, as a mask (bit d for direction d), without a branch on
    // a random value: a side on the border reads the cell itself, which is visited.
    const free =
      (((walls[ty > 0 ? top - width : top]! & VISITED) ^ VISITED) >> 4) |
      (((walls[tx < lastX ? top + 1 : top]! & VISITED) ^ VISITED) >> 3) |
      (((walls[ty < lastY ? top + width : top]! & VISITED) ^ VISITED) >> 2) |
      (((walls[tx > 0 ? top - 1 : top]! & VISITED) ^ VISITED) >> 1)
    if (free === 0) {
      // Walled in: the cell is dropped; the cursor moves to the next live cell below.
      if (!jumped) {
        if (walls[top]! & STEPPED_BACK) offset -= offsets.pop()
        atNewest = false
      }
      if (--len > 0) {
        const pd = (walls[top]! >> PARENT_SHIFT) & 3
        top += step[pd]!
        tx += DX[pd]!
        ty += DY[pd]!
      } else if (aboveLen > 0) {
        // Nothing live below: the original wraps around to the newest cell.
        top = aboveTop
        len = aboveLen
        aboveLen = 0
        tx = top % width
        ty = (top - tx) / width
      } else if (belowTop.length > 0) {
        top = belowTop.pop()!
        len = belowLen.pop()!
        tx = top % width
        ty = (top - tx) / width
      } else if (count < area) {
        /* c8 ignore next */
        throw new Error(`internal: the carve ran out of live cells at ${count} of ${area}`)
      }
      continue
    }
    // The original tries sd, sd + 1, ... (mod 4): the first free one.
    const d = (sd + FIRST_BIT[((free | (free << 4)) >> sd) & 15]!) & 3
    const back = opposite(d as Direction)
    const n = top + step[d]!
    walls[top]! &= ~(1 << d)
    let bits = (ALL_WALLS & ~(1 << back)) | VISITED | (back << PARENT_SHIFT)
    if (aboveLen > 0) {
      // The first carve after the jump: the new cell is the newest, above the old path's rest.
      belowTop.push(top, aboveTop)
      belowLen.push(len, aboveLen)
      aboveLen = 0
      len = 0
    } else if (!jumped && !atNewest) {
      // The new cell's index, count, is not the cursor's + 1: a new offset (its depth is len).
      offsets.push(count - len - offset)
      offset = count - len
      bits |= STEPPED_BACK
    }
    walls[n] = bits
    top = n
    tx += DX[d]!
    ty += DY[d]!
    len++
    count++
    atNewest = true
    if (exitIndex < 0 && (ty === 0 || tx === 0 || ty === lastY || tx === lastX)) {
      lastBorder = n
      if (count >= minLength) {
        openExit(walls, width, height, n, rng)
        exitIndex = n
        // The original resumes from a random carved cell: from the newest live one at or below
        // it, the deepest cell of the path whose index (offset + depth) is not above it.
        const resume = rng.int(count)
        let depth = len - 1
        let cell = top
        while (offset + depth > resume) {
          if (walls[cell]! & STEPPED_BACK) offset -= offsets.pop()
          cell += step[(walls[cell]! >> PARENT_SHIFT) & 3]!
          depth--
        }
        aboveTop = top
        aboveLen = len - 1 - depth
        top = cell
        len = depth + 1
        tx = top % width
        ty = (top - tx) / width
        jumped = true
      }
    }
  }
  // No border cell was reached late enough: the original opens the last border cell carved.
  if (exitIndex < 0 && lastBorder >= 0) {
    openExit(walls, width, height, lastBorder, rng)
    exitIndex = lastBorder
  }

  return { walls, start: { x: sx, y: sy }, startIndex, exitIndex, scratchBytes: offsets.peakBytes }
}

/** The start: a random cell on a random side, its outer wall opened (same draws as the original). */
function openStart(walls: Uint8Array, width: number, height: number, rng: Rng): Point {
  let x: number
  let y: number
  let side: Direction
  if (rng.float() < 0.5) {
    x = rng.int(width)
    if (rng.float() < 0.5) [y, side] = [0, Direction.Up]
    else [y, side] = [height - 1, Direction.Down]
  } else {
    y = rng.int(height)
    if (rng.float() < 0.5) [x, side] = [0, Direction.Left]
    else [x, side] = [width - 1, Direction.Right]
  }
  walls[y * width + x]! &= ~(1 << side)
  return { x, y }
}

/** Opens an outer wall of border cell `i`, drawn at random among its outer sides. */
function openExit(walls: Uint8Array, width: number, height: number, i: number, rng: Rng): void {
  const x = i % width
  const y = (i - x) / width
  const outward: Direction[] = []
  if (y === 0) outward.push(Direction.Up)
  if (x === width - 1) outward.push(Direction.Right)
  if (y === height - 1) outward.push(Direction.Down)
  if (x === 0) outward.push(Direction.Left)
  walls[i]! &= ~(1 << outward[rng.int(outward.length)]!)
}

/**
 * The optimal S→K→E lengths of a freshly carved maze, from its parent bits: the start is the root
 * of the carve tree, so S→K is the key's depth, and K→E goes through the lowest common ancestor of
 * key and exit. O(depth) time and no memory (the key's root path is marked by clearing its
 * visited bits). `walls` must still carry the carve bits.
 */
export function carvedSolution(walls: Uint8Array, width: number, startIndex: number, keyIndex: number, exitIndex: number): Solution {
  const step = [-width, 1, width, -1]
  const parent = (i: number): number => i + step[(walls[i]! >> PARENT_SHIFT) & 3]!
  let cell = keyIndex
  let keyDepth = 0
  walls[cell]! &= ~VISITED
  while (cell !== startIndex) {
    cell = parent(cell)
    walls[cell]! &= ~VISITED
    keyDepth++
  }
  let exitToMeet = 0
  cell = exitIndex
  while (walls[cell]! & VISITED) {
    cell = parent(cell)
    exitToMeet++
  }
  let meetDepth = 0
  while (cell !== startIndex) {
    cell = parent(cell)
    meetDepth++
  }
  const keyToExit = keyDepth - meetDepth + exitToMeet
  return { startToKey: keyDepth, keyToExit, optimalSteps: keyDepth + keyToExit }
}

/** Drops the carve bits: leaves the 4 wall bits of each cell (four cells at a time). */
export function clearCarveBits(walls: Uint8Array): void {
  const quads = walls.length >>> 2
  const words = new Uint32Array(walls.buffer, walls.byteOffset, (walls.byteOffset & 3) === 0 ? quads : 0)
  for (let i = 0; i < words.length; i++) words[i]! &= ALL_WALLS * 0x01010101
  for (let i = words.length << 2; i < walls.length; i++) walls[i]! &= ALL_WALLS
}

const CHUNK = 1 << 16

/**
 * A stack of non-negative integers as varints (7 bits a byte, most deltas take one) in fixed-size
 * chunks: growing copies nothing, so its peak is its size. A value's lowest 7 bits are pushed
 * first with the high bit clear, higher groups after it with the high bit set, so pop reads back.
 */
class DeltaStack {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  get peakBytes(): number {
    return this.#chunks.length * CHUNK
  }

  push(value: number): void {
    this.#byte(value & 127)
    for (value = Math.floor(value / 128); value > 0; value = Math.floor(value / 128)) this.#byte(128 | (value & 127))
  }

  pop(): number {
    let value = 0
    for (;;) {
      const at = --this.#length
      const byte = this.#chunks[at >>> 16]![at & (CHUNK - 1)]!
      value = value * 128 + (byte & 127)
      if (byte < 128) return value
    }
  }

  #byte(byte: number): void {
    const chunk = this.#length >>> 16
    if (chunk === this.#chunks.length) this.#chunks.push(new Uint8Array(CHUNK))
    this.#chunks[chunk]![this.#length++ & (CHUNK - 1)] = byte
  }
}
