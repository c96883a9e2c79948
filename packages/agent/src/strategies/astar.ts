import type { Direction } from '@maze-sim/maze'
import type { Explorer, Observation, Strategy, StrategyContext } from '../strategy.ts'
import { UnknownRegions } from './astar/regions.ts'

const DX = [0, 1, 0, -1] as const
const DY = [-1, 0, 1, 0] as const

export interface AStarTuning {
  keyWeight: number
  exitWeight: number
  useRegions: boolean
  mode: number
  keyExcludesExit: boolean
  depthLimit: number
  depthPenalty: number
  smith: number
}
export const DEFAULT_TUNING: AStarTuning = { keyWeight: 0, exitWeight: 1, useRegions: true, mode: 0, keyExcludesExit: false, depthLimit: 0, depthPenalty: 0, smith: 0 }

export function createAStar(tuning: Partial<AStarTuning> = {}): Strategy {
  const t = { ...DEFAULT_TUNING, ...tuning }
  return {
    name: 'astar',
    description: 'A* over a map of what it has sensed',
    create: (ctx) => new AStarExplorer(ctx, t),
  }
}

export const aStar: Strategy = createAStar()

class AStarExplorer implements Explorer {
  readonly #w: number
  readonly #h: number
  readonly #t: AStarTuning
  readonly #sensed: Uint8Array
  readonly #walls: Uint8Array
  readonly #regions: UnknownRegions
  readonly #start: number
  readonly #minDistance: number
  #exit = -1
  #keyDone = false
  readonly #depth: Int32Array
  #prev = -1
  // BFS scratch
  readonly #seen: Int32Array
  readonly #dist: Int32Array
  readonly #from: Int8Array
  readonly #queue: Int32Array
  #epoch = 0

  constructor(ctx: StrategyContext, t: AStarTuning) {
    const w = (this.#w = ctx.width)
    const h = (this.#h = ctx.height)
    this.#t = t
    const n = w * h
    this.#sensed = new Uint8Array(n)
    this.#walls = new Uint8Array(n)
    this.#start = ctx.start.y * w + ctx.start.x
    this.#minDistance = (w + h) / 5
    const key = new Uint8Array(n)
    const exit = new Uint8Array(n)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        if (Math.abs(x - ctx.start.x) + Math.abs(y - ctx.start.y) > this.#minDistance) key[i] = 1
        if ((x === 0 || y === 0 || x === w - 1 || y === h - 1) && i !== this.#start) exit[i] = 1
      }
    }
    this.#regions = new UnknownRegions(w, h, key, exit)
    this.#depth = new Int32Array(n)
    this.#seen = new Int32Array(n)
    this.#dist = new Int32Array(n)
    this.#from = new Int8Array(n)
    this.#queue = new Int32Array(n)
  }

  next(o: Observation): Direction | null {
    const w = this.#w
    const here = o.y * w + o.x
    if (!this.#sensed[here]) {
      this.#depth[here] = this.#prev < 0 ? 0 : this.#depth[this.#prev]! + 1
      this.#sense(here, o)
    }
    this.#prev = here
    if (o.hasKey && !this.#keyDone) {
      this.#keyDone = true
      if (this.#t.keyExcludesExit) this.#excludeAround(here, (c) => this.#regions.setExitCandidate(c, 0))
    }
    if (o.hasKey && here === this.#exit) return null
    if (o.hasKey && this.#exit >= 0) return this.#plan(here, 2)
    return this.#plan(here, o.hasKey ? 1 : 0)
  }

  #isBorder(x: number, y: number): boolean {
    return x === 0 || y === 0 || x === this.#w - 1 || y === this.#h - 1
  }

  #sense(i: number, o: Observation): void {
    const w = this.#w
    this.#sensed[i] = 1
    let walls = 0
    for (let d = 0; d < 4; d++) if (!o.open[d]) walls |= 1 << d
    this.#walls[i] = walls
    this.#regions.sense(i)
    for (let d = 0; d < 4; d++) {
      if (!o.open[d]) continue
      const nx = o.x + DX[d]!
      const ny = o.y + DY[d]!
      if (nx < 0 || ny < 0 || nx >= w || ny >= this.#h) {
        if (i !== this.#start && this.#exit < 0) this.#foundExit(i)
        continue
      }
      const n = ny * w + nx
      if (!this.#sensed[n]) this.#regions.addEntry(n)
    }
    if (o.here === 'E' && this.#exit < 0) this.#foundExit(i)
  }

  #foundExit(e: number): void {
    this.#exit = e
    this.#excludeAround(e, (c) => this.#regions.setKeyCandidate(c, 0))
  }

  #excludeAround(e: number, f: (c: number) => void): void {
    const w = this.#w
    const ex = e % w
    const ey = (e - ex) / w
    const r = Math.floor(this.#minDistance)
    for (let y = Math.max(0, ey - r); y <= Math.min(this.#h - 1, ey + r); y++) {
      for (let x = Math.max(0, ex - r); x <= Math.min(w - 1, ex + r); x++) {
        if (Math.abs(x - ex) + Math.abs(y - ey) <= this.#minDistance) f(y * w + x)
      }
    }
  }

  /** phase 0: key, 1: exit unknown, 2: go to exit. */
  #plan(here: number, phase: number): Direction | null {
    const w = this.#w
    const h = this.#h
    const seen = this.#seen
    const dist = this.#dist
    const from = this.#from
    const queue = this.#queue
    const regions = this.#regions
    const epoch = ++this.#epoch
    let head = 0
    let tail = 0
    seen[here] = epoch
    dist[here] = 0
    from[here] = -1
    queue[tail++] = here
    let best = -1
    let bestScore = Infinity
    let anyBest = -1
    let anyScore = Infinity
    while (head < tail) {
      const c = queue[head++]!
      if (phase === 2 && c === this.#exit) {
        best = c
        break
      }
      const cx = c % w
      const cy = (c - cx) / w
      const walls = this.#walls[c]!
      for (let d = 0; d < 4; d++) {
        if ((walls >> d) & 1) continue
        const nx = cx + DX[d]!
        const ny = cy + DY[d]!
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue
        const n = ny * w + nx
        if (seen[n] === epoch) continue
        seen[n] = epoch
        dist[n] = dist[c]! + 1
        from[n] = d
        if (this.#sensed[n]) {
          queue[tail++] = n
          continue
        }
        if (phase === 2) continue
        // n is a frontier
        const s0 = dist[n]!
        if (s0 < anyScore) {
          anyScore = s0
          anyBest = n
        }
        const r = regions.regionOf[n]!
        const useful = !this.#t.useRegions || (phase === 0 ? regions.keyCells(r) > 0 : regions.exitCells(r) > 0)
        if (!useful) continue
        const score = s0 + this.#heuristic(nx, ny, r, phase, this.#depth[c]! + 1, s0)
        if (score < bestScore) {
          bestScore = score
          best = n
        }
      }
    }
    if (best < 0) best = anyBest
    if (best < 0) return null
    // walk back to the first step
    let c = best
    for (;;) {
      const d = from[c]!
      const px = (c % w) - DX[d]!
      const py = Math.floor(c / w) - DY[d]!
      const p = py * w + px
      if (p === here) return d as Direction
      c = p
    }
  }

  #heuristic(x: number, y: number, r: number, phase: number, depth: number, dist: number): number {
    const t = this.#t
    if (phase === 1) {
      const toBorder = Math.min(x, y, this.#w - 1 - x, this.#h - 1 - y)
      let s = t.exitWeight * toBorder
      if (t.depthLimit > 0 && depth + toBorder > (t.depthLimit * this.#w * this.#h) / 5) s += t.depthPenalty
      return s
    }
    if (t.keyWeight > 0 && (t.mode === 4 || t.mode === 5)) {
      const sx = this.#start % this.#w
      const sy = (this.#start - sx) / this.#w
      const m = Math.abs(x - sx) + Math.abs(y - sy)
      return t.keyWeight * (t.mode === 4 ? this.#w + this.#h - m : m)
    }
    if (t.keyWeight > 0 && this.#exit < 0) {
      const g = this.#regions
      const tb = t.mode === 2 ? 0 : Math.min(x, y, this.#w - 1 - x, this.#h - 1 - y)
      const toBorder = g.exitCells(r) > 0 || t.mode === 3 ? tb : this.#w + this.#h
      let s = t.keyWeight * toBorder
      if (t.mode === 1 && t.depthLimit > 0 && depth + toBorder > (t.depthLimit * this.#w * this.#h) / 5) s += t.keyWeight * 10
      return s
    }
    if (t.smith > 0) {
      const g = this.#regions
      const k = Math.max(1, g.entries(r))
      const size = g.size(r) / k
      const e = g.keyCells(r) / k
      // cost per expected find: lower is better
      return (t.smith * dist + 2 * size) / Math.max(e, 1e-9) - dist
    }
    return 0
  }
}
