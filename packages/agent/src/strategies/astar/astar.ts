import { DX, DY, type Direction } from '@maze-sim/maze'
import type { Explorer, Observation, Strategy, StrategyContext } from '../../strategy.ts'
import { UnknownRegions } from './regions.ts'
import { KnownMapSearch, type SearchGoal } from './search.ts'

/**
 * `astar` keeps a map of what it has sensed and plans with A* over it, using what the rules
 * guarantee to skip whole parts of the maze:
 *
 * - the maze is a tree, so everything behind a frontier (an unsensed cell behind a known open side)
 *   lies in the frontier's region of unsensed cells (see UnknownRegions);
 * - the key is farther than (width+height)/5 from the start and from the exit (Manhattan), so a
 *   region with no such cell is never entered while looking for the key;
 * - the exit is a border cell farther than (width+height)/5 from the key, so once the key is held a
 *   region with no such border cell is never entered.
 *
 * Looking for the key it heads for the nearest frontier that can lead to it; among equally near
 * ones, while the exit is unknown, the one nearest the border (frontiers of pockets that touch no
 * border last), so that the search for the key also finds the exit. With the key and a known exit
 * it takes the shortest known path. With the key and no exit yet, it heads for the frontier
 * with the least moves plus distance to the border, A*'s lower bound on the way out through it.
 * When the rules seem to rule out everything (mazes too small for them), any frontier will do.
 */
export const aStar: Strategy = {
  name: 'astar',
  description:
    'Maps what it senses and plans with A*: to the nearest frontier that can still hold the key, then straight to a known exit or towards the border, skipping regions the rules rule out.',
  create: (context) => new AStarExplorer(context),
}

class AStarExplorer implements Explorer {
  readonly #width: number
  readonly #height: number
  readonly #start: number
  /** The rules' distance: the key is farther than this from start and exit. */
  readonly #minDistance: number
  readonly #sensed: Uint8Array
  /** Bit d set when side d of a sensed cell is a wall. */
  readonly #walls: Uint8Array
  readonly #regions: UnknownRegions
  readonly #search: KnownMapSearch
  #exit = -1
  #keyHeld = false
  /**
   * Moves of the current route, last move first. Every cell of a route but its last is sensed
   * already, so nothing is learnt on the way and the route stays the best one until its end.
   */
  readonly #route: Direction[] = []
  readonly #findKey: SearchGoal
  readonly #findExit: SearchGoal
  /** Set once the exit is known. */
  #goToExit: SearchGoal | null = null

  constructor({ width, height, start }: StrategyContext) {
    this.#width = width
    this.#height = height
    this.#start = start.y * width + start.x
    this.#minDistance = (width + height) / 5
    const area = width * height
    this.#sensed = new Uint8Array(area)
    this.#walls = new Uint8Array(area)
    const keyCandidate = new Uint8Array(area)
    const exitCandidate = new Uint8Array(area)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x
        if (Math.abs(x - start.x) + Math.abs(y - start.y) > this.#minDistance) keyCandidate[i] = 1
        if (this.#isBorder(x, y) && i !== this.#start) exitCandidate[i] = 1
      }
    }
    this.#regions = new UnknownRegions(width, height, keyCandidate, exitCandidate)
    this.#search = new KnownMapSearch(width, height, this.#sensed, this.#walls)

    const regions = this.#regions
    // Distances to the border are at most maxToBorder; scaled by tieBreak they stay below one move.
    const maxToBorder = Math.floor((Math.min(width, height) - 1) / 2)
    const tieBreak = 1 / (maxToBorder + 2)
    this.#findKey = {
      target: -1,
      estimate: (c) => (this.#exit < 0 ? tieBreak * this.#toBorder(c) : 0),
      score: (f, moves) => {
        const r = regions.regionOf[f]!
        if (regions.keyCells(r) === 0) return Infinity
        if (this.#exit >= 0) return moves
        return moves + tieBreak * (regions.exitCells(r) > 0 ? this.#toBorder(f) : maxToBorder + 1)
      },
    }
    this.#findExit = {
      target: -1,
      estimate: (c) => this.#toBorder(c),
      score: (f, moves) => (regions.exitCells(regions.regionOf[f]!) === 0 ? Infinity : moves + this.#toBorder(f)),
    }
  }

  next(observation: Observation): Direction | null {
    const here = observation.y * this.#width + observation.x
    if (!this.#sensed[here]) this.#sense(here, observation)
    if (observation.hasKey && !this.#keyHeld) this.#pickUpKey(here)
    if (observation.hasKey && here === this.#exit) return null // done: the runner stops here
    if (this.#route.length === 0) {
      const goal = this.#keyHeld ? (this.#goToExit ?? this.#findExit) : this.#findKey
      this.#search.find(here, goal, this.#route)
    }
    return this.#route.pop() ?? null
  }

  #sense(cell: number, { x, y, here, open }: Observation): void {
    this.#sensed[cell] = 1
    let walls = 0
    for (let d = 0; d < 4; d++) if (!open[d]) walls |= 1 << d
    this.#walls[cell] = walls
    this.#regions.sense(cell)
    let outerOpening = false
    for (let d = 0; d < 4; d++) {
      if (!open[d]) continue
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      if (nx < 0 || ny < 0 || nx >= this.#width || ny >= this.#height) outerOpening = true
      else if (!this.#sensed[ny * this.#width + nx]) this.#regions.addEntry(ny * this.#width + nx)
    }
    // The border's only openings are the start's and the exit's.
    if (this.#exit < 0 && (here === 'E' || (outerOpening && cell !== this.#start))) this.#foundExit(cell)
  }

  #foundExit(exit: number): void {
    this.#exit = exit
    const w = this.#width
    const ex = exit % w
    const ey = (exit - ex) / w
    this.#goToExit = {
      target: exit,
      estimate: (c) => Math.abs((c % w) - ex) + Math.abs(Math.floor(c / w) - ey),
      score: () => Infinity,
    }
    // No key within minDistance of the exit: O(minDistance²) once.
    const r = Math.floor(this.#minDistance)
    for (let y = Math.max(0, ey - r); y <= Math.min(this.#height - 1, ey + r); y++) {
      const span = r - Math.abs(y - ey)
      for (let x = Math.max(0, ex - span); x <= Math.min(w - 1, ex + span); x++) this.#regions.setKeyCandidate(y * w + x, 0)
    }
  }

  #pickUpKey(key: number): void {
    this.#keyHeld = true
    // No exit within minDistance of the key: only border cells can be exits, O(minDistance).
    const w = this.#width
    const h = this.#height
    const kx = key % w
    const ky = (key - kx) / w
    const r = Math.floor(this.#minDistance)
    const rows = [0, h - 1]
    const columns = [0, w - 1]
    for (const y of rows) {
      const span = r - Math.abs(y - ky)
      for (let x = Math.max(0, kx - span); x <= Math.min(w - 1, kx + span); x++) this.#regions.setExitCandidate(y * w + x, 0)
    }
    for (const x of columns) {
      const span = r - Math.abs(x - kx)
      for (let y = Math.max(0, ky - span); y <= Math.min(h - 1, ky + span); y++) this.#regions.setExitCandidate(y * w + x, 0)
    }
  }

  #isBorder(x: number, y: number): boolean {
    return x === 0 || y === 0 || x === this.#width - 1 || y === this.#height - 1
  }

  #toBorder(c: number): number {
    const x = c % this.#width
    const y = (c - x) / this.#width
    return Math.min(x, y, this.#width - 1 - x, this.#height - 1 - y)
  }
}
