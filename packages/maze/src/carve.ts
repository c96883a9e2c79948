import { ALL_WALLS, Direction, DX, opposite, type Point } from './grid.ts'
import type { Rng, Sfc32Rng } from './rng.ts'
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
export function carve(width: number, height: number, rng: Sfc32Rng): Carved {
  const area = width * height
  const walls = new Uint8Array(area).fill(ALL_WALLS)
  const { x: sx, y: sy } = openStart(walls, width, height, rng)
  const startIndex = sy * width + sx
  walls[startIndex]! |= VISITED

  const carver = new Carver(walls, width, height, startIndex, rng)
  // The loop runs in slices, each a fresh call of `steps`. Run in one call, it is left in code that
  // V8 compiles while the loop runs (on-stack replacement) and again after each rare branch is first
  // taken; fresh calls get better code. Measured: 40% fewer instructions on 1500x1500, 30% faster.
  while (carver.count < area) carver.steps(SLICE)
  let exitIndex = carver.exitIndex
  // No border cell was reached late enough: the original opens the last border cell carved.
  if (exitIndex < 0 && carver.lastBorder >= 0) {
    openExit(walls, width, height, carver.lastBorder, rng)
    exitIndex = carver.lastBorder
  }
  return { walls, start: { x: sx, y: sy }, startIndex, exitIndex, scratchBytes: carver.offsets.peakBytes }
}

/** Iterations of the carve loop per call of {@link Carver.steps}. */
const SLICE = 1 << 14

/** The state of a carve between slices of its loop (see {@link carve} for the walk itself). */
class Carver {
  readonly walls: Uint8Array
  readonly width: number
  readonly height: number
  readonly step: Int32Array
  readonly rng: Sfc32Rng
  // Before the jump: carve index - depth of the cursor's cell; and for each cell of the path that
  // was carved after a step back, how much its offset exceeds its parent's (cells carved between).
  offset = 0
  readonly offsets = new DeltaStack()
  count = 1
  exitIndex = -1
  lastBorder = -1
  // The cursor: cell `top` in column tx, newest of the active path of `len` live cells.
  top: number
  tx: number
  len = 1
  // Before the jump: whether the cursor is on the newest carved cell (else a carve is a break).
  atNewest = true
  // After the jump: the old path above the cursor, until the first carve (it is live, above it).
  aboveTop = -1
  aboveLen = 0
  // Paths below the active one, topmost last.
  readonly belowTop: number[] = []
  readonly belowLen: number[] = []

  constructor(walls: Uint8Array, width: number, height: number, startIndex: number, rng: Sfc32Rng) {
    this.walls = walls
    this.width = width
    this.height = height
    this.step = new Int32Array([-width, 1, width, -1])
    this.rng = rng
    this.top = startIndex
    this.tx = startIndex % width
  }

  /** Runs up to `limit` iterations of the carve loop (fewer when the last cell is carved). */
  steps(limit: number): void {
    // Two loops, each with only the state and branches of its phase: fewer variables to keep in
    // registers and fewer tests per step (4% fewer instructions than one loop for both).
    if (this.exitIndex < 0) this.#stepsBeforeJump(limit)
    else this.#stepsAfterJump(limit)
  }

  /** The loop until the exit is placed and the cursor jumps: the live cells are one path. */
  #stepsBeforeJump(limit: number): void {
    // Everything the loop touches is a local: V8 keeps locals in registers, fields in memory.
    const { walls, width, height, step, rng, offsets } = this
    const area = walls.length
    const minLength = area / 5
    const lastX = width - 1
    const lastRow = area - width
    // `| 0` types them as int32 for the compiler: untyped, they would stay tagged and boxed.
    let offset = this.offset | 0
    let count = this.count | 0
    let lastBorder = this.lastBorder | 0
    let top = this.top | 0
    let tx = this.tx | 0
    let len = this.len | 0
    let atNewest = this.atNewest === true
    // The sfc32 generator's update, inlined with its state in locals (rng.ts has the same code):
    // calling rng.nextUint32 cost 12% more instructions. The state goes back before any other draw.
    const state = rng.state
    let ra = state[0]!
    let rb = state[1]!
    let rc = state[2]!
    let rd = state[3]!

    for (let i = 0; i < limit && count < area; i++) {
      const t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0
      ra = rb ^ (rb >>> 9)
      rb = (rc + (rc << 3)) | 0
      rc = (((rc << 21) | (rc >>> 11)) + t) | 0
      const free = freeSides(walls, top, tx, width, lastX, lastRow)
      if (free === 0) {
        // Walled in: the cell is dropped; the cursor moves to its parent, the next live cell below.
        if (walls[top]! & STEPPED_BACK) offset = (offset - offsets.pop()) | 0
        atNewest = false
        /* c8 ignore next 3 */
        if (--len === 0) {
          throw new Error(`internal: the carve ran out of live cells at ${count} of ${area}`)
        }
        const pd = (walls[top]! >> PARENT_SHIFT) & 3
        top += step[pd]!
        tx += DX[pd]!
        continue
      }
      const d = firstFree(t >>> 30, free)
      const back = opposite(d as Direction)
      const n = top + step[d]!
      walls[top]! &= ~(1 << d)
      let bits = (ALL_WALLS & ~(1 << back)) | VISITED | (back << PARENT_SHIFT)
      if (!atNewest) {
        // The new cell's index, count, is not the cursor's + 1: a new offset (its depth is len).
        offsets.push(count - len - offset)
        offset = count - len
        bits |= STEPPED_BACK
      }
      walls[n] = bits
      top = n
      tx += DX[d]!
      len++
      count++
      atNewest = true
      if (top < width || tx === 0 || top >= lastRow || tx === lastX) {
        lastBorder = n
        if (count >= minLength) {
          state[0] = ra
          state[1] = rb
          state[2] = rc
          state[3] = rd
          openExit(walls, width, height, n, rng)
          this.exitIndex = n
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
          this.aboveTop = top
          this.aboveLen = len - 1 - depth
          Object.assign(this, { offset, count, lastBorder, top: cell, tx: cell % width, len: depth + 1, atNewest })
          return
        }
      }
    }
    state[0] = ra
    state[1] = rb
    state[2] = rc
    state[3] = rd
    Object.assign(this, { offset, count, lastBorder, top, tx, len, atNewest })
  }

  /** The loop after the jump: the live cells are up to three paths, then a stack of them. */
  #stepsAfterJump(limit: number): void {
    const { walls, width, step, rng, belowTop, belowLen } = this
    const area = walls.length
    const lastX = width - 1
    const lastRow = area - width
    let count = this.count | 0
    let top = this.top | 0
    let tx = this.tx | 0
    let len = this.len | 0
    const aboveTop = this.aboveTop | 0
    let aboveLen = this.aboveLen | 0
    // The same inlined sfc32 update as before the jump.
    const state = rng.state
    let ra = state[0]!
    let rb = state[1]!
    let rc = state[2]!
    let rd = state[3]!

    for (let i = 0; i < limit && count < area; i++) {
      const t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0
      ra = rb ^ (rb >>> 9)
      rb = (rc + (rc << 3)) | 0
      rc = (((rc << 21) | (rc >>> 11)) + t) | 0
      const free = freeSides(walls, top, tx, width, lastX, lastRow)
      if (free === 0) {
        // Walled in: the cell is dropped; the cursor moves to the next live cell below.
        if (--len > 0) {
          const pd = (walls[top]! >> PARENT_SHIFT) & 3
          top += step[pd]!
          tx += DX[pd]!
        } else if (aboveLen > 0) {
          // Nothing live below: the original wraps around to the newest cell.
          top = aboveTop
          len = aboveLen
          aboveLen = 0
          tx = top % width
        } else if (belowTop.length > 0) {
          top = belowTop.pop()! | 0
          len = belowLen.pop()! | 0
          tx = top % width
        } else {
          /* c8 ignore next */
          throw new Error(`internal: the carve ran out of live cells at ${count} of ${area}`)
        }
        continue
      }
      const d = firstFree(t >>> 30, free)
      const back = opposite(d as Direction)
      const n = top + step[d]!
      walls[top]! &= ~(1 << d)
      if (aboveLen > 0) {
        // The first carve after the jump: the new cell is the newest, above the old path's rest.
        belowTop.push(top, aboveTop)
        belowLen.push(len, aboveLen)
        aboveLen = 0
        len = 0
      }
      walls[n] = (ALL_WALLS & ~(1 << back)) | VISITED | (back << PARENT_SHIFT)
      top = n
      tx += DX[d]!
      len++
      count++
    }
    state[0] = ra
    state[1] = rb
    state[2] = rc
    state[3] = rd
    Object.assign(this, { count, top, tx, len, aboveLen })
  }
}

/**
 * The sides of cell `top` (in column tx) open to an unvisited cell, as a mask (bit d for direction
 * d), without a branch on a random value: a side on the border reads the cell itself, which is
 * visited. Rows are told apart by index alone (lastRow is the index of the last row's first cell).
 */
function freeSides(walls: Uint8Array, top: number, tx: number, width: number, lastX: number, lastRow: number): number {
  return (
    (((walls[top >= width ? top - width : top]! & VISITED) ^ VISITED) >> 4) |
    (((walls[tx < lastX ? top + 1 : top]! & VISITED) ^ VISITED) >> 3) |
    (((walls[top < lastRow ? top + width : top]! & VISITED) ^ VISITED) >> 2) |
    (((walls[tx > 0 ? top - 1 : top]! & VISITED) ^ VISITED) >> 1)
  )
}

/** The original tries sd, sd + 1, ... (mod 4): the first of them in the nonzero mask `free`. */
function firstFree(sd: number, free: number): number {
  return (sd + FIRST_BIT[((free | (free << 4)) >> sd) & 15]!) & 3
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
