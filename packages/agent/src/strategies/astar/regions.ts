/** The 8 cells around a cell, in ring order (each 4-adjacent to the next): up, up-right, right, ... */
const RING_DX = [0, 1, 1, 1, 0, -1, -1, -1] as const
const RING_DY = [-1, -1, 0, 1, 1, 1, 0, -1] as const
/** Ring slot of a 4-neighbour: Direction d sits at slot 2d. */
const OUTSIDE_SLOT = -2

/**
 * The regions of a maze the agent has not sensed yet: the 4-connected components of the unsensed
 * cells, kept up to date as cells get sensed, with per-region counts of cells, key candidates, exit
 * candidates and entries (unsensed cells a sensed neighbour opens onto).
 *
 * The maze is a tree and the sensed cells a connected part of it, so everything behind an entry lies
 * in the entry's region; a region whose candidates count is 0 can be skipped, and a region with a
 * single entry is exactly the subtree behind it.
 *
 * Sensing a cell can only split its region. Whether it does is decided locally in O(α): the sensed
 * cells (with the outside of the grid) are kept in an 8-connected union-find; the new cell splits its
 * region only when it joins two stretches of its ring that were already connected, closing a loop
 * around some unsensed cells. Only then does an interleaved search from each side find the pieces,
 * at a cost bounded by the pieces that get cut off.
 */
export class UnknownRegions {
  readonly width: number
  readonly height: number
  /** Region id of each unsensed cell; -1 once sensed. */
  readonly regionOf: Int32Array
  /** 1 on an unsensed cell that an open side of a sensed neighbour leads to. */
  readonly isEntry: Uint8Array
  readonly #isKeyCandidate: Uint8Array
  readonly #isExitCandidate: Uint8Array
  #size: Int32Array
  #keyCells: Int32Array
  #exitCells: Int32Array
  #entries: Int32Array
  #count = 1
  /** Union-find over sensed cells (8-connected) plus the outside at index `area`; -1 = unsensed. */
  readonly #blocked: Int32Array
  readonly #outside: number
  readonly #stamp: Int32Array
  readonly #owner: Uint8Array
  #epoch = 0

  /**
   * @param isKeyCandidate 1 for a cell that may hold the key (owned by the caller's rules; change it
   *   through setKeyCandidate), likewise isExitCandidate.
   */
  constructor(width: number, height: number, isKeyCandidate: Uint8Array, isExitCandidate: Uint8Array) {
    const area = width * height
    this.width = width
    this.height = height
    this.regionOf = new Int32Array(area)
    this.isEntry = new Uint8Array(area)
    this.#isKeyCandidate = isKeyCandidate
    this.#isExitCandidate = isExitCandidate
    const initial = 16
    this.#size = new Int32Array(initial)
    this.#keyCells = new Int32Array(initial)
    this.#exitCells = new Int32Array(initial)
    this.#entries = new Int32Array(initial)
    let keys = 0
    let exits = 0
    for (let i = 0; i < area; i++) {
      keys += isKeyCandidate[i]!
      exits += isExitCandidate[i]!
    }
    this.#size[0] = area
    this.#keyCells[0] = keys
    this.#exitCells[0] = exits
    this.#blocked = new Int32Array(area + 1).fill(-1)
    this.#outside = area
    this.#blocked[area] = area
    this.#stamp = new Int32Array(area)
    this.#owner = new Uint8Array(area)
  }

  /** Number of region ids handed out so far (ids are 0..count-1; emptied regions keep theirs). */
  get count(): number {
    return this.#count
  }
  size(region: number): number {
    return this.#size[region]!
  }
  keyCells(region: number): number {
    return this.#keyCells[region]!
  }
  exitCells(region: number): number {
    return this.#exitCells[region]!
  }
  entries(region: number): number {
    return this.#entries[region]!
  }

  /** Marks an unsensed cell as an entry (a sensed neighbour opens onto it). */
  addEntry(cell: number): void {
    const r = this.regionOf[cell]!
    if (r < 0 || this.isEntry[cell]) return
    this.isEntry[cell] = 1
    this.#entries[r]!++
  }

  setKeyCandidate(cell: number, value: 0 | 1): void {
    const old = this.#isKeyCandidate[cell]!
    if (old === value) return
    this.#isKeyCandidate[cell] = value
    const r = this.regionOf[cell]!
    if (r >= 0) this.#keyCells[r]! += value - old
  }

  setExitCandidate(cell: number, value: 0 | 1): void {
    const old = this.#isExitCandidate[cell]!
    if (old === value) return
    this.#isExitCandidate[cell] = value
    const r = this.regionOf[cell]!
    if (r >= 0) this.#exitCells[r]! += value - old
  }

  /** Takes a newly sensed cell out of its region, splitting the region if that cuts it apart. */
  sense(cell: number): void {
    const r = this.regionOf[cell]!
    if (r < 0) return
    this.regionOf[cell] = -1
    this.#size[r]!--
    this.#keyCells[r]! -= this.#isKeyCandidate[cell]!
    this.#exitCells[r]! -= this.#isExitCandidate[cell]!
    if (this.isEntry[cell]) {
      this.isEntry[cell] = 0
      this.#entries[r]!--
    }

    const { width, height } = this
    const x = cell % width
    const y = (cell - x) / width
    // ring[k]: the cell index, or OUTSIDE_SLOT; open[k]: unsensed
    const ring = [0, 0, 0, 0, 0, 0, 0, 0]
    let unsensed = 0
    let firstBlocked = -1
    for (let k = 0; k < 8; k++) {
      const nx = x + RING_DX[k]!
      const ny = y + RING_DY[k]!
      const inside = nx >= 0 && ny >= 0 && nx < width && ny < height
      const n = inside ? ny * width + nx : OUTSIDE_SLOT
      ring[k] = n
      if (n >= 0 && this.regionOf[n]! >= 0) unsensed |= 1 << k
      else if (firstBlocked < 0) firstBlocked = k
    }

    // Walk the ring from a blocked slot: the runs of unsensed slots that hold a 4-neighbour are the
    // sides that may get cut apart; the blocked stretch before each such run is one gap.
    const sides: number[] = []
    const gapRoots: number[] = []
    if (firstBlocked >= 0 && unsensed !== 0) {
      let gapRoot = -1
      let run = -1 // a 4-neighbour in the current unsensed run, or -1
      let inRun = false
      for (let j = 1; j <= 8; j++) {
        const k = (firstBlocked + j) & 7
        if ((unsensed >> k) & 1) {
          inRun = true
          if ((k & 1) === 0 && run < 0) run = ring[k]!
        } else {
          if (inRun && run >= 0) {
            sides.push(run)
            gapRoots.push(gapRoot)
            gapRoot = -1
          }
          inRun = false
          run = -1
          if (gapRoot < 0) {
            const n = ring[k]!
            gapRoot = this.#find(n === OUTSIDE_SLOT ? this.#outside : n)
          }
        }
      }
      // slot firstBlocked closes the walk, so every run has ended; the first gap's root is the last
      // gapRoot seen (the blocked stretch wrapping around firstBlocked)
      if (gapRoots.length > 0) gapRoots[0] = gapRoot
    }

    let closesLoop = false
    if (sides.length >= 2) {
      for (let i = 0; i < gapRoots.length && !closesLoop; i++) {
        for (let j = i + 1; j < gapRoots.length; j++) {
          if (gapRoots[i] === gapRoots[j]) {
            closesLoop = true
            break
          }
        }
      }
    }

    this.#blocked[cell] = cell
    for (let k = 0; k < 8; k++) {
      if ((unsensed >> k) & 1) continue
      const n = ring[k]!
      this.#union(cell, n === OUTSIDE_SLOT ? this.#outside : n)
    }

    if (closesLoop) this.#split(r, sides)
  }

  #find(i: number): number {
    const parent = this.#blocked
    while (parent[i] !== i) {
      const p = parent[i]!
      parent[i] = parent[p]!
      i = p
    }
    return i
  }

  #union(a: number, b: number): void {
    const ra = this.#find(a)
    const rb = this.#find(b)
    if (ra !== rb) this.#blocked[ra] = rb
  }

  /**
   * Region r lost a cell whose unsensed neighbours `sides` may now lie in different regions. Searches
   * from every side in lockstep; searches that meet merge; a search that runs dry has enumerated a
   * whole piece. Stops when at most one search is still running: that one keeps the id r, every
   * finished piece gets a new id.
   */
  #split(r: number, sides: number[]): void {
    const { width, height } = this
    const k = sides.length
    const epoch = ++this.#epoch
    const stamp = this.#stamp
    const owner = this.#owner
    const queues: number[][] = []
    const heads: number[] = []
    const group: number[] = []
    for (let g = 0; g < k; g++) {
      const s = sides[g]!
      queues.push([s])
      heads.push(0)
      group.push(g)
      stamp[s] = epoch
      owner[s] = g
    }
    const root = (g: number): number => {
      while (group[g] !== g) g = group[g]!
      return g
    }
    const running = (): number => {
      let roots = 0 // bit set of roots that still have work
      for (let g = 0; g < k; g++) if (heads[g]! < queues[g]!.length) roots |= 1 << root(g)
      let n = 0
      for (; roots; roots &= roots - 1) n++
      return n
    }
    while (running() > 1) {
      for (let g = 0; g < k; g++) {
        const q = queues[g]!
        if (heads[g]! >= q.length) continue
        const c = q[heads[g]!++]!
        const cx = c % width
        const cy = (c - cx) / width
        for (let d = 0; d < 4; d++) {
          const nx = cx + RING_DX[2 * d]!
          const ny = cy + RING_DY[2 * d]!
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
          const n = ny * width + nx
          if (this.regionOf[n]! < 0) continue
          if (stamp[n] === epoch) {
            const a = root(g)
            const b = root(owner[n]!)
            if (a !== b) group[b] = a
          } else {
            stamp[n] = epoch
            owner[n] = g
            q.push(n)
          }
        }
      }
    }
    // The pieces: one per root. The one still running (if any) keeps r; else the first does.
    const roots = [...new Set(group.map((_, g) => root(g)))]
    let keeper = roots.find((rt) => {
      for (let g = 0; g < k; g++) if (root(g) === rt && heads[g]! < queues[g]!.length) return true
      return false
    })
    keeper ??= roots[0]!
    for (const rt of roots) {
      if (rt === keeper) continue
      const id = this.#newRegion()
      let size = 0
      let keys = 0
      let exits = 0
      let entries = 0
      for (let g = 0; g < k; g++) {
        if (root(g) !== rt) continue
        for (const c of queues[g]!) {
          this.regionOf[c] = id
          size++
          keys += this.#isKeyCandidate[c]!
          exits += this.#isExitCandidate[c]!
          entries += this.isEntry[c]!
        }
      }
      this.#size[id] = size
      this.#keyCells[id] = keys
      this.#exitCells[id] = exits
      this.#entries[id] = entries
      this.#size[r]! -= size
      this.#keyCells[r]! -= keys
      this.#exitCells[r]! -= exits
      this.#entries[r]! -= entries
    }
  }

  #newRegion(): number {
    if (this.#count === this.#size.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2)
        b.set(a)
        return b
      }
      this.#size = grow(this.#size)
      this.#keyCells = grow(this.#keyCells)
      this.#exitCells = grow(this.#exitCells)
      this.#entries = grow(this.#entries)
    }
    return this.#count++
  }
}
