import { Readable } from 'node:stream'
import { mapLineCount, mapLineLength, renderMapLines, VisitedCells, type Maze } from '@maze-sim/maze'

/** About this many bytes are rendered per piece (at least one line): a slow reader pins one or two. */
export const MAP_PIECE_BYTES = 64 * 1024

/**
 * The ASCII map as a stream rendered on demand, `prefix` + map + `suffix` (e.g. `<pre>`/`</pre>`),
 * `visited` cells marked `*`. A piece of a few lines is rendered only when the reader wants more
 * (Readable backpressure, piped to the socket), so a client that reads slowly or not at all holds
 * about {@link MAP_PIECE_BYTES} x 2 plus the socket's buffers, not the whole map (36 MB on 3000 x
 * 3000) as a rendering per request did.
 */
export class MapStream extends Readable {
  readonly #maze: Maze
  readonly #visited: VisitedCells | undefined
  readonly #suffix: string
  readonly #linesPerPiece: number
  readonly #lines: number
  #next = 0
  #prefix: string | undefined

  constructor(maze: Maze, options: { visited?: VisitedCells; prefix?: string; suffix?: string } = {}) {
    super({ highWaterMark: MAP_PIECE_BYTES })
    this.#maze = maze
    this.#visited = options.visited
    this.#prefix = options.prefix
    this.#suffix = options.suffix ?? ''
    this.#linesPerPiece = Math.max(1, Math.floor(MAP_PIECE_BYTES / mapLineLength(maze)))
    this.#lines = mapLineCount(maze)
  }

  /** The bytes this stream yields in all: for Content-Length. */
  static byteLength(maze: Maze, prefix = '', suffix = ''): number {
    return Buffer.byteLength(prefix, 'latin1') + mapLineCount(maze) * mapLineLength(maze) + Buffer.byteLength(suffix, 'latin1')
  }

  override _read(): void {
    // One piece per turn of the event loop: a client that reads as fast as we render (loopback)
    // would otherwise keep every write synchronous and hold the loop until its whole map is sent,
    // while other requests (and other map readers) wait.
    setImmediate(this.#renderPiece)
  }

  /** Pushes the next piece (a few lines), or the suffix and the end. */
  readonly #renderPiece = (): void => {
    if (this.destroyed) return
    if (this.#next >= this.#lines) {
      if (this.#suffix !== '') this.push(Buffer.from(this.#suffix, 'latin1'))
      this.push(null)
      return
    }
    const from = this.#next
    const to = Math.min(from + this.#linesPerPiece, this.#lines)
    const head = this.#prefix === undefined ? 0 : Buffer.byteLength(this.#prefix, 'latin1')
    const piece = Buffer.allocUnsafe(head + (to - from) * mapLineLength(this.#maze))
    if (this.#prefix !== undefined) {
      piece.write(this.#prefix, 0, 'latin1')
      this.#prefix = undefined
    }
    renderMapLines(this.#maze, from, to, piece.subarray(head), this.#visited)
    this.#next = to
    this.push(piece)
  }
}

/**
 * What the POST /maze/map answers in flight may hold together, their visited cells and the pieces
 * of their maps (see {@link mapAnswerBytes}): 50 answers at once on 3000 x 3000, 5 on the largest
 * maze (100,000,000 cells), thousands on small ones. Past it the answer is 429 + Retry-After.
 */
export const MAP_ANSWERS_BUDGET_BYTES = 64 * 1024 * 1024

/**
 * What one POST /maze/map answer holds from the start of its body to the end of its answer (or its
 * cut, when its client stops reading): its visited cells (1 bit per cell) and a few pieces of its
 * map (the piece being written, the stream's buffer, the socket's), or the whole map when smaller.
 */
export function mapAnswerBytes(maze: Maze): number {
  return VisitedCells.byteLength(maze.area) + Math.min(MapStream.byteLength(maze), 3 * MAP_PIECE_BYTES)
}

/** A budget of bytes shared by requests: each takes its share up front and gives it back once. */
export class ByteBudget {
  readonly limit: number
  #used = 0

  constructor(limit: number) {
    this.limit = limit
  }

  /** The bytes taken now. */
  get used(): number {
    return this.#used
  }

  /**
   * Takes `bytes` when they fit in what is left (or when nothing is taken: one request always
   * fits, unless `always` is false) and returns the function that gives them back (only its first call counts); else undefined.
   */
  take(bytes: number, { always = true }: { always?: boolean } = {}): (() => void) | undefined {
    if ((this.#used > 0 || !always) && this.#used + bytes > this.limit) return undefined
    this.#used += bytes
    let held = true
    return () => {
      if (!held) return
      held = false
      this.#used -= bytes
    }
  }
}

/**
 * A growing share of a ByteBudget: `cover(total)` takes what `total` bytes need beyond what is held,
 * in slices of MAP_PIECE_BYTES, and says whether they are covered; `release()` gives it all back.
 */
export class BudgetShares {
  readonly #budget: ByteBudget
  readonly #releases: (() => void)[] = []
  #held = 0

  constructor(budget: ByteBudget) {
    this.#budget = budget
  }

  cover(total: number): boolean {
    while (this.#held < total) {
      const release = this.#budget.take(MAP_PIECE_BYTES, { always: false })
      if (release === undefined) return false
      this.#releases.push(release)
      this.#held += MAP_PIECE_BYTES
    }
    return true
  }

  release(): void {
    for (const release of this.#releases.splice(0)) release()
    this.#held = 0
  }
}
