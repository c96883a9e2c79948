import { DIRECTION_NAMES, DX, DY, type CellView, type Direction, type Label } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'

/** Label codes in a cell's record (bits 4-5). */
const LABEL_CODE = { S: 0, E: 1, K: 2, ' ': 3 } as const
const LABELS = Object.keys(LABEL_CODE) as Label[]
const KNOWN = 0x80

/**
 * What the model said of each cell the agent stood on: walls in bits 0-3, the label in bits 4-5,
 * KNOWN, one byte per cell. It catches a model whose answers contradict themselves (a cell that
 * changes between visits, a side open on one cell and walled on its neighbour) in O(1) per step, as
 * the model's fault; and it lets the runner predict what the model will say of a cell seen before.
 */
export class CellBook {
  readonly #width: number
  readonly #height: number
  readonly #cells: Uint8Array

  constructor(width: number, height: number) {
    this.#width = width
    this.#height = height
    this.#cells = new Uint8Array(width * height)
  }

  /**
   * Records what the model said of (x, y); throws AGENT_ERR_BAD_RESPONSE, naming `route`, when it
   * contradicts an earlier answer about the cell or a neighbour.
   */
  record(x: number, y: number, view: CellView, route: string): void {
    const width = this.#width
    const cells = this.#cells
    const walls = view.up | (view.right << 1) | (view.down << 2) | (view.left << 3)
    const value = KNOWN | (LABEL_CODE[view.here] << 4) | walls
    const i = y * width + x
    const before = cells[i]!
    if (before !== 0) {
      if (before !== value)
        throw contradiction(route, x, y, `it answered ${describeCell(before)} on an earlier visit, now ${describeCell(view)}`)
      return
    }
    for (let d = 0; d < 4; d++) {
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      if (nx < 0 || ny < 0 || nx >= width || ny >= this.#height) continue
      const other = cells[ny * width + nx]!
      if (other === 0) continue
      const wall = (walls >> d) & 1
      const theirs = (other >> ((d + 2) & 3)) & 1
      if (wall !== theirs) {
        throw contradiction(
          route,
          x,
          y,
          `its ${DIRECTION_NAMES[d as Direction]} side is ${wall ? 'a wall' : 'open'}, but the same side is ${theirs ? 'a wall' : 'open'} seen from (${nx}, ${ny})`,
        )
      }
    }
    cells[i] = value
  }

  /** True once the model has told what (x, y) is. */
  known(x: number, y: number): boolean {
    return this.#cells[y * this.#width + x] !== 0
  }

  /** What the model said of (x, y); only for a known cell. */
  view(x: number, y: number): CellView {
    const cell = this.#cells[y * this.#width + x]!
    return viewOf(cell)
  }
}

const viewOf = (cell: number): CellView => ({
  here: LABELS[(cell >> 4) & 3]!,
  up: (cell & 1) as 0 | 1,
  down: ((cell >> 2) & 1) as 0 | 1,
  left: ((cell >> 3) & 1) as 0 | 1,
  right: ((cell >> 1) & 1) as 0 | 1,
})

/** The model contradicts itself about a cell: its fault, not the strategy's. */
export const contradiction = (route: string, x: number, y: number, what: string): AgentError =>
  new AgentError(AgentErrorCode.BadResponse, `${route}: the model contradicts itself about cell (${x}, ${y}): ${what}`)

/** A cell's walls and label, for error messages: from a view or from a record. */
function describeCell(cell: CellView | number): string {
  return JSON.stringify(typeof cell === 'number' ? viewOf(cell) : cell)
}
