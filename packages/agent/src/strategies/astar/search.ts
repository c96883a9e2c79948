import { DX, DY, type Direction } from '@maze-sim/maze'
import { MinHeap } from './min-heap.ts'

/** What an A* search over the known map looks for, and how it values what it finds. */
export interface SearchGoal {
  /** A sensed cell to reach (the exit), or -1 to look for frontier cells instead. */
  readonly target: number
  /**
   * The heuristic of a sensed cell: a lower bound of `score(f, g(f)) - g(c)` for every frontier f
   * behind c (or of the moves left to the target). It must not drop by more than 1 per move, so that
   * cells leave the queue in order of their best possible score and the search can stop early.
   */
  estimate(cell: number): number
  /** The score of the unsensed cell `cell` reached in `moves` moves; Infinity when it is not worth it. */
  score(cell: number, moves: number): number
}

/**
 * A* over the sensed cells: moves go through known open sides and stay inside the grid; an
 * unsensed cell behind an open side is a frontier and ends a route. Since the maze is a tree, every
 * cell is reached by a single route, so a cell is settled the first time it is seen.
 *
 * The search stops as soon as no cell left in the queue can lead to a better score than the best
 * frontier found, so its cost is that of the cells around the agent that could compete, not of the
 * whole map. Scratch arrays are reused between searches (stamped with an epoch, never cleared).
 */
export class KnownMapSearch {
  readonly #width: number
  readonly #height: number
  readonly #sensed: Uint8Array
  readonly #walls: Uint8Array
  readonly #seen: Int32Array
  readonly #moves: Int32Array
  readonly #from: Uint8Array
  readonly #heap = new MinHeap()
  #epoch = 0

  /** `walls[c]` has bit d set when side d of the sensed cell c is a wall. */
  constructor(width: number, height: number, sensed: Uint8Array, walls: Uint8Array) {
    this.#width = width
    this.#height = height
    this.#sensed = sensed
    this.#walls = walls
    const area = width * height
    this.#seen = new Int32Array(area)
    this.#moves = new Int32Array(area)
    this.#from = new Uint8Array(area)
  }

  /**
   * Finds the best-scoring frontier (or the target) from the sensed cell `from`, writes the moves
   * there into `path`, last move first, and returns the cell reached. When no frontier is worth it,
   * falls back to the nearest frontier of all. Returns -1 (and an empty path) when nothing is left.
   */
  find(from: number, goal: SearchGoal, path: Direction[]): number {
    const width = this.#width
    const height = this.#height
    const sensed = this.#sensed
    const seen = this.#seen
    const moves = this.#moves
    const dirFrom = this.#from
    const heap = this.#heap
    const epoch = ++this.#epoch
    heap.clear()
    seen[from] = epoch
    moves[from] = 0
    heap.push(from, goal.estimate(from))
    let best = -1
    let bestScore = Infinity
    let nearest = -1
    let nearestMoves = Infinity
    while (heap.size > 0 && heap.peekKey() < bestScore) {
      const c = heap.pop()
      if (c === goal.target) {
        best = c
        break
      }
      const cx = c % width
      const cy = (c - cx) / width
      const walls = this.#walls[c]!
      const g = moves[c]! + 1
      for (let d = 0; d < 4; d++) {
        if ((walls >> d) & 1) continue
        const nx = cx + DX[d]!
        const ny = cy + DY[d]!
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
        const n = ny * width + nx
        if (seen[n] === epoch) continue
        seen[n] = epoch
        moves[n] = g
        dirFrom[n] = d
        if (sensed[n]) {
          heap.push(n, g + goal.estimate(n))
        } else if (goal.target < 0) {
          if (g < nearestMoves) {
            nearestMoves = g
            nearest = n
          }
          const score = goal.score(n, g)
          if (score < bestScore) {
            bestScore = score
            best = n
          }
        }
      }
    }
    if (best < 0) best = nearest
    path.length = 0
    if (best < 0) return -1
    for (let c = best; c !== from; ) {
      const d = dirFrom[c]! as Direction
      path.push(d)
      c -= DY[d]! * width + DX[d]!
    }
    return best
  }
}
