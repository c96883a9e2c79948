import { Readable } from 'node:stream'
import { mapLineCount, mapLineLength, renderMapLines, type Maze } from '@maze-sim/maze'

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
  readonly #visited: Uint8Array | undefined
  readonly #suffix: string
  readonly #linesPerPiece: number
  readonly #lines: number
  #next = 0
  #prefix: string | undefined

  constructor(maze: Maze, options: { visited?: Uint8Array; prefix?: string; suffix?: string } = {}) {
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
