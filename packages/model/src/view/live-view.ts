import type { Maze } from '@maze-sim/maze'
import type { MazeEvent } from './view-protocol.ts'

/**
 * The live view's state and its viewers: what the model learns from the agent's requests, kept
 * compactly, and sent to browsers as server-sent events.
 *
 * The model knows only requests, so each `GET /maze/pos/:y/:x` is "the agent is here": a step is a
 * change of position (re-sensing the same cell is not a move), the key is picked up when the
 * position is the key cell, the exit is reached when it is the exit cell after that, and
 * `POST /maze/map` marks the run done. `GET /maze/start` starts a new run once the current one has
 * moved or is done (every agent, ours and the original, asks it first).
 *
 * Cost on the hot path: {@link LiveView.visit} does a few integer operations and typed-array stores
 * and allocates nothing. The history is a saturating visit count per cell (one byte, only for mazes
 * small enough to draw), the last 256 positions, the counters, and the moves since the last flush
 * (a fixed Int32Array; when it fills up, the next flush sends a snapshot instead).
 *
 * Viewers never slow the agent: nothing is written on the request path; a timer sends one batch per
 * `flushIntervalMs` to every viewer. A viewer whose unsent bytes exceed `bufferLimitBytes` is skipped
 * (its updates coalesce into one snapshot once it has drained) and disconnected if it stays over the
 * limit for `staleViewerMs`. So what the model buffers per viewer is at most the limit plus one write.
 */

/** Where a viewer's bytes go: the SSE response in the server, any Writable in tests. */
export interface ViewerSink {
  /** Bytes accepted by `write` but not yet handed to the kernel. */
  readonly writableLength: number
  write(chunk: Uint8Array): boolean
  end(): void
  destroy(): void
  once(event: 'close', listener: () => void): unknown
}

export interface LiveViewOptions {
  /** How often pending moves are sent (ms). */
  flushIntervalMs: number
  /** A viewer with more unsent bytes than this gets nothing until it drains (then one snapshot). */
  bufferLimitBytes: number
  /** A viewer that stays over the limit this long (ms) is disconnected. */
  staleViewerMs: number
  /** Viewers at once; more are refused. */
  maxViewers: number
  /** Moves kept between two flushes; past that, the next flush sends a snapshot instead. */
  pendingCapacity: number
  /** Mazes up to this many cells (and {@link LiveViewOptions.maxDrawableSide} per side) are sent to be drawn. */
  maxDrawableCells: number
  maxDrawableSide: number
  /** An SSE comment is sent after this long without data, so proxies keep the stream open (ms). */
  heartbeatMs: number
}

export const LIVE_VIEW_DEFAULTS: Readonly<LiveViewOptions> = Object.freeze({
  flushIntervalMs: 50,
  bufferLimitBytes: 256 * 1024,
  staleViewerMs: 10_000,
  maxViewers: 64,
  pendingCapacity: 8192,
  maxDrawableCells: 250_000,
  maxDrawableSide: 1000,
  heartbeatMs: 15_000,
})

/** Numbers about the viewers, for `GET /view/stats`, tests and the benchmark. */
export interface LiveViewStats {
  viewers: number
  maxViewers: number
  /** Viewers disconnected for staying over the buffer limit, since start. */
  dropped: number
  bufferLimitBytes: number
  /** The most unsent bytes any viewer had right after a write, since start. */
  maxBufferedBytes: number
  /** The largest single write to a viewer (a join: maze + snapshot), since start. */
  largestWriteBytes: number
  /** Unsent bytes of each connected viewer now. */
  bufferedBytes: number[]
  /** Bytes handed to viewers' sockets, since start. */
  bytesSent: number
  run: number
  steps: number
  done: boolean
  /** Whether the maze is small enough to be drawn (null until it is generated). */
  drawable: boolean | null
}

interface Viewer {
  readonly sink: ViewerSink
  /** When it went over the buffer limit (0: it is not). */
  staleSince: number
  /** It skipped an update: it gets a snapshot as soon as it is under the limit again. */
  missed: boolean
}

/** The last positions kept for a late joiner's trail (a power of two). */
const TAIL = 256
const TAIL_MASK = TAIL - 1
const HEARTBEAT = Buffer.from(':\n\n')
/** Browsers reconnect after this long (ms) when the stream drops, and get a fresh snapshot. */
const RETRY = Buffer.from('retry: 2000\n\n')

const event = (name: string, json: string): Buffer => Buffer.from(`event: ${name}\ndata: ${json}\n\n`)
const orNull = (n: number): number | null => (n < 0 ? null : n)

export class LiveView {
  readonly options: Readonly<LiveViewOptions>

  // The maze, set once it is generated.
  #maze: Maze | undefined
  #mazeMessage: Buffer | undefined
  #startIndex = -2
  #keyIndex = -2
  #exitIndex = -2
  /** Visit count per cell, saturating at 255; only for drawable mazes. */
  #counts: Uint8Array | undefined

  // The current run: plain numbers, touched by every /maze/pos.
  #run = 0
  #steps = 0
  #pos = -1
  #keyStep = -1
  #exitStep = -1
  #done = false
  #visited = 0
  readonly #tail = new Int32Array(TAIL)
  #tailCount = 0
  readonly #pending: Int32Array
  #pendingLength = 0
  /** Moves were lost from #pending: the next flush sends a snapshot. */
  #overflow = false
  /** A new run began: the next flush sends a snapshot. */
  #needsSnapshot = false
  /** Something changed since the last flush. */
  #dirty = false

  readonly #viewers = new Set<Viewer>()
  #viewerCount = 0
  #timer: NodeJS.Timeout | undefined
  #lastWriteAt = 0
  #closed = false

  #dropped = 0
  #maxBufferedBytes = 0
  #largestWriteBytes = 0
  #bytesSent = 0

  constructor(options: Partial<LiveViewOptions> = {}) {
    this.options = Object.freeze({ ...LIVE_VIEW_DEFAULTS, ...options })
    this.#pending = new Int32Array(Math.max(1, this.options.pendingCapacity))
  }

  /** Whether the maze of this size is sent to viewers to be drawn. */
  isDrawable(width: number, height: number): boolean {
    const { maxDrawableCells, maxDrawableSide } = this.options
    return width <= maxDrawableSide && height <= maxDrawableSide && width * height <= maxDrawableCells
  }

  /** The maze is ready: from now on, viewers get it and its runs. */
  setMaze(maze: Maze, optimalSteps: number): void {
    this.#maze = maze
    const { width, height, start, key, exit } = maze
    const drawable = this.isDrawable(width, height)
    this.#startIndex = maze.index(start.x, start.y)
    // Labels follow the original's precedence (start, then exit, then key): a shadowed label is never seen.
    this.#exitIndex = maze.index(exit.x, exit.y) === this.#startIndex ? -2 : maze.index(exit.x, exit.y)
    const keyIndex = maze.index(key.x, key.y)
    this.#keyIndex = keyIndex === this.#startIndex || keyIndex === this.#exitIndex ? -2 : keyIndex
    this.#counts = drawable ? new Uint8Array(width * height) : undefined
    this.#mazeMessage = event('maze', JSON.stringify(mazeEventOf(maze, optimalSteps, this.options)))
    this.#resetRun(1)
    this.#needsSnapshot = false
    this.#dirty = false
    for (const viewer of this.#viewers) this.#write(viewer, Buffer.concat([this.#mazeMessage, this.#snapshot()]))
  }

  /**
   * `GET /maze/pos/:y/:x` of cell index `i` (already bounds-checked): the agent is on `i`.
   * The hot path: O(1), no allocation.
   */
  visit(i: number): void {
    if (i === this.#pos) return
    if (this.#pos >= 0) this.#steps++
    this.#pos = i
    const counts = this.#counts
    if (counts !== undefined) {
      const c = counts[i]!
      if (c === 0) this.#visited++
      if (c < 255) counts[i] = c + 1
      this.#tail[this.#tailCount++ & TAIL_MASK] = i
      if (this.#viewerCount > 0) {
        if (this.#pendingLength < this.#pending.length) this.#pending[this.#pendingLength++] = i
        else this.#overflow = true
      }
    }
    if (i === this.#keyIndex) {
      if (this.#keyStep < 0) this.#keyStep = this.#steps
    } else if (i === this.#exitIndex && this.#keyStep >= 0 && this.#exitStep < 0) {
      this.#exitStep = this.#steps
    }
    this.#dirty = true
  }

  /** `GET /maze/start`: a new run begins, unless the current one has not moved yet. */
  startRun(): void {
    if (this.#maze === undefined || (this.#pos < 0 && !this.#done)) return
    this.#resetRun(this.#run + 1)
  }

  /** `POST /maze/map`: the agent is done. */
  finishRun(): void {
    if (this.#done) return
    this.#done = true
    this.#dirty = true
  }

  /** True while another viewer may connect. */
  get hasRoom(): boolean {
    return !this.#closed && this.#viewerCount < this.options.maxViewers
  }

  /**
   * A viewer connected (its SSE headers are sent): it gets the maze and a snapshot of the run so
   * far, then the batches. Returns false (and ends the sink) when there is no room.
   */
  addViewer(sink: ViewerSink): boolean {
    if (!this.hasRoom) {
      sink.end()
      return false
    }
    const viewer: Viewer = { sink, staleSince: 0, missed: false }
    this.#viewers.add(viewer)
    this.#viewerCount++
    sink.once('close', () => this.#remove(viewer))
    this.#write(viewer, this.#mazeMessage === undefined ? RETRY : Buffer.concat([RETRY, this.#mazeMessage, this.#snapshot()]))
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#tick, this.options.flushIntervalMs)
      this.#timer.unref()
    }
    return true
  }

  /** Ends every viewer's stream and stops the timer (the server is closing). */
  close(): void {
    this.#closed = true
    for (const viewer of [...this.#viewers]) {
      this.#remove(viewer)
      viewer.sink.end()
    }
  }

  stats(): LiveViewStats {
    return {
      viewers: this.#viewerCount,
      maxViewers: this.options.maxViewers,
      dropped: this.#dropped,
      bufferLimitBytes: this.options.bufferLimitBytes,
      maxBufferedBytes: this.#maxBufferedBytes,
      largestWriteBytes: this.#largestWriteBytes,
      bufferedBytes: [...this.#viewers].map((v) => v.sink.writableLength),
      bytesSent: this.#bytesSent,
      run: this.#run,
      steps: this.#steps,
      done: this.#done,
      drawable: this.#maze === undefined ? null : this.#counts !== undefined,
    }
  }

  /** Sends what is pending now instead of at the next tick (tests; the timer does it otherwise). */
  flush(): void {
    this.#tick()
  }

  #resetRun(run: number): void {
    this.#run = run
    this.#steps = 0
    this.#pos = -1
    this.#keyStep = -1
    this.#exitStep = -1
    this.#done = false
    this.#visited = 0
    this.#tailCount = 0
    this.#pendingLength = 0
    this.#overflow = false
    this.#counts?.fill(0)
    this.#needsSnapshot = true
    this.#dirty = true
  }

  /** The whole run so far: counters, the last positions and (drawable mazes) every cell's visit count. */
  #snapshot(): Buffer {
    const tailLength = Math.min(this.#tailCount, TAIL)
    const tail: number[] = []
    for (let k = this.#tailCount - tailLength; k < this.#tailCount; k++) tail.push(this.#tail[k & TAIL_MASK]!)
    const counts = this.#counts
    const state = {
      run: this.#run,
      steps: this.#steps,
      pos: orNull(this.#pos),
      keyStep: orNull(this.#keyStep),
      exitStep: orNull(this.#exitStep),
      done: this.#done,
      visited: this.#visited,
      tail,
      // Base64 of one byte per cell; omitted while nothing is visited (a new run).
      counts:
        counts !== undefined && this.#visited > 0 ? Buffer.from(counts.buffer, counts.byteOffset, counts.length).toString('base64') : null,
    }
    return event('state', JSON.stringify(state))
  }

  /** The moves since the last flush: `path` holds the cells of steps `steps - path.length + 1 .. steps`. */
  #moves(): Buffer {
    const path =
      this.#counts !== undefined ? this.#pending.subarray(0, this.#pendingLength).join(',') : this.#pos >= 0 ? String(this.#pos) : ''
    return event(
      'moves',
      `{"run":${this.#run},"steps":${this.#steps},"path":[${path}],"keyStep":${orNull(this.#keyStep)},"exitStep":${orNull(this.#exitStep)},"done":${this.#done},"visited":${this.#visited}}`,
    )
  }

  /** One batch: the pending moves (or a snapshot) to every viewer, skipping and dropping slow ones. */
  readonly #tick = (): void => {
    const now = Date.now()
    let message: Buffer | undefined
    let snapshot: Buffer | undefined
    if (this.#dirty && this.#mazeMessage !== undefined) {
      if (this.#needsSnapshot || this.#overflow) snapshot = message = this.#snapshot()
      else message = this.#moves()
      this.#dirty = false
      this.#needsSnapshot = false
      this.#overflow = false
      this.#pendingLength = 0
    } else if (now - this.#lastWriteAt >= this.options.heartbeatMs) {
      message = HEARTBEAT
    }
    const { bufferLimitBytes, staleViewerMs } = this.options
    for (const viewer of this.#viewers) {
      if (viewer.sink.writableLength > bufferLimitBytes) {
        if (message !== undefined && message !== HEARTBEAT) viewer.missed = true
        if (viewer.staleSince === 0) viewer.staleSince = now
        else if (now - viewer.staleSince >= staleViewerMs) this.#drop(viewer)
        continue
      }
      viewer.staleSince = 0
      if (viewer.missed && this.#mazeMessage !== undefined) {
        // Coalesced: everything it skipped, in one snapshot of the state now.
        snapshot ??= this.#snapshot()
        viewer.missed = false
        this.#write(viewer, snapshot)
      } else if (message !== undefined) {
        this.#write(viewer, message)
      }
    }
    if (message !== undefined) this.#lastWriteAt = now
  }

  #write(viewer: Viewer, bytes: Buffer): void {
    viewer.sink.write(bytes)
    this.#bytesSent += bytes.length
    if (bytes.length > this.#largestWriteBytes) this.#largestWriteBytes = bytes.length
    const buffered = viewer.sink.writableLength
    if (buffered > this.#maxBufferedBytes) this.#maxBufferedBytes = buffered
  }

  #drop(viewer: Viewer): void {
    this.#dropped++
    this.#remove(viewer)
    viewer.sink.destroy()
  }

  #remove(viewer: Viewer): void {
    if (!this.#viewers.delete(viewer)) return
    this.#viewerCount--
    if (this.#viewerCount === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer)
      this.#timer = undefined
      this.#pendingLength = 0
    }
  }
}

/** The `maze` event of a maze: size, seed, S, K, E and, when small enough to draw, the walls. */
export function mazeEventOf(
  maze: Maze,
  optimalSteps: number,
  options: Pick<LiveViewOptions, 'maxDrawableCells' | 'maxDrawableSide'>,
): MazeEvent {
  const { width, height, start, key, exit } = maze
  const { maxDrawableCells, maxDrawableSide } = options
  const drawable = width <= maxDrawableSide && height <= maxDrawableSide && width * height <= maxDrawableCells
  return {
    width,
    height,
    seed: maze.seed,
    optimalSteps,
    start: [start.x, start.y],
    key: [key.x, key.y],
    exit: [exit.x, exit.y],
    drawable,
    maxDrawableCells,
    maxDrawableSide,
    // Wall bits of two cells per byte (bit d set = wall on side d: 0 up, 1 right, 2 down, 3 left).
    walls: drawable ? Buffer.from(packNibbles(maze.walls)).toString('base64') : null,
  }
}

/** Two 4-bit values per byte, the first in the low nibble. */
function packNibbles(values: Uint8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(values.length / 2))
  for (let i = 0; i < values.length; i++) packed[i >> 1]! |= (values[i]! & 15) << ((i & 1) * 4)
  return packed
}
