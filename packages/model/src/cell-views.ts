import { Direction, type Maze } from '@maze-sim/maze'
import type { CellView } from './schemas.ts'

/** Label slots of a {@link CellViewTable}: a cell's entry is `table[labelSlot * 16 + wallBits]`. */
export const LABEL_SLOTS = [' ', 'S', 'E', 'K'] as const

/**
 * Every `/maze/pos` answer there can be: 4 labels x 16 wall combinations, built once.
 *
 * /maze/pos is the hot path (an agent asks it on every step) and a cell's answer depends only on its
 * label and its 4 wall bits, so the handler picks a frozen object here instead of allocating one
 * per request; a unit test checks the route against `Maze.cell` on every cell.
 */
export type CellViewTable = readonly Readonly<CellView>[]

/** The answer for a label slot and the wall bits of a cell (bit d set = wall on side d). */
export function cellView(labelSlot: number, wallBits: number): CellView {
  return {
    here: LABEL_SLOTS[labelSlot]!,
    up: ((wallBits >> Direction.Up) & 1) as 0 | 1,
    down: ((wallBits >> Direction.Down) & 1) as 0 | 1,
    left: ((wallBits >> Direction.Left) & 1) as 0 | 1,
    right: ((wallBits >> Direction.Right) & 1) as 0 | 1,
  }
}

export function buildCellViewTable(): CellViewTable {
  const table: Readonly<CellView>[] = []
  for (let slot = 0; slot < LABEL_SLOTS.length; slot++) {
    for (let bits = 0; bits < 16; bits++) table.push(Object.freeze(cellView(slot, bits)))
  }
  return table
}

/** Cell indexes of the labelled cells, in the original's precedence: start, then exit, then key. */
export interface LabelIndexes {
  start: number
  exit: number
  key: number
}

export function labelIndexes(maze: Maze): LabelIndexes {
  return {
    start: maze.index(maze.start.x, maze.start.y),
    exit: maze.index(maze.exit.x, maze.exit.y),
    key: maze.index(maze.key.x, maze.key.y),
  }
}
