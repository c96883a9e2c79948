import type { ViewerSink } from './live-view.ts'

/**
 * A set of event-stream viewers that get the same bytes, with the live view's rules for slow ones:
 * a viewer whose unsent bytes exceed `bufferLimitBytes` is skipped (it gets one fresh snapshot as
 * soon as it has drained) and disconnected when it stays over the limit for `staleViewerMs`. So
 * what the model holds per viewer is at most the limit plus one write.
 *
 * The episodes' streams use it (episode-view.ts); each group is one stream's audience: the list of
 * episodes, or the viewers following one episode.
 */
export interface ViewerGroupLimits {
  bufferLimitBytes: number
  staleViewerMs: number
  heartbeatMs: number
}

/** Counters shared by the groups of one view, for `GET /view/stats`. */
export interface ViewerCounters {
  dropped: number
  maxBufferedBytes: number
  largestWriteBytes: number
  bytesSent: number
}

interface Viewer {
  readonly sink: ViewerSink
  /** When it went over the buffer limit (0: it is not). */
  staleSince: number
  /** It skipped an update: it gets a snapshot as soon as it is under the limit again. */
  missed: boolean
}

export const HEARTBEAT = Buffer.from(':\n\n')
/** Browsers reconnect after this long (ms) when the stream drops, and get a fresh snapshot. */
export const RETRY = Buffer.from('retry: 2000\n\n')

/** One server-sent event. */
export const sseEvent = (name: string, json: string): Buffer => Buffer.from(`event: ${name}\ndata: ${json}\n\n`)

export class ViewerGroup {
  readonly #viewers = new Set<Viewer>()
  readonly #limits: ViewerGroupLimits
  readonly #counters: ViewerCounters
  /** Called once per viewer that leaves (closed, dropped or ended). */
  readonly #onLeave: () => void
  #lastWriteAt = 0

  constructor(limits: ViewerGroupLimits, counters: ViewerCounters, onLeave: () => void) {
    this.#limits = limits
    this.#counters = counters
    this.#onLeave = onLeave
  }

  get size(): number {
    return this.#viewers.size
  }

  /** Unsent bytes of each viewer now. */
  buffered(): number[] {
    return [...this.#viewers].map((v) => v.sink.writableLength)
  }

  /** A new viewer; `first` is what it gets at once (its snapshot). */
  add(sink: ViewerSink, first: Buffer): void {
    const viewer: Viewer = { sink, staleSince: 0, missed: false }
    this.#viewers.add(viewer)
    sink.once('close', () => this.#remove(viewer))
    this.#write(viewer, first)
  }

  /**
   * One batch: `message` (or, after `heartbeatMs` without data, a heartbeat) to every viewer under
   * the limit; a snapshot (`snapshot()`, built at most once) to a viewer that skipped one; slow
   * viewers skipped, and dropped when stale. `message` undefined: nothing new.
   */
  broadcast(message: Buffer | undefined, snapshot: () => Buffer, now: number): void {
    let sent = message
    if (sent === undefined && now - this.#lastWriteAt >= this.#limits.heartbeatMs) sent = HEARTBEAT
    let fresh: Buffer | undefined
    const { bufferLimitBytes, staleViewerMs } = this.#limits
    for (const viewer of this.#viewers) {
      if (viewer.sink.writableLength > bufferLimitBytes) {
        if (message !== undefined) viewer.missed = true
        if (viewer.staleSince === 0) viewer.staleSince = now
        else if (now - viewer.staleSince >= staleViewerMs) {
          this.#counters.dropped++
          this.#remove(viewer)
          viewer.sink.destroy()
        }
        continue
      }
      viewer.staleSince = 0
      if (viewer.missed) {
        // Coalesced: everything it skipped, in one snapshot of the state now.
        fresh ??= snapshot()
        viewer.missed = false
        this.#write(viewer, fresh)
      } else if (sent !== undefined) {
        this.#write(viewer, sent)
      }
    }
    if (sent !== undefined) this.#lastWriteAt = now
  }

  /** Ends every viewer's stream. */
  close(): void {
    for (const viewer of [...this.#viewers]) {
      this.#remove(viewer)
      viewer.sink.end()
    }
  }

  #write(viewer: Viewer, bytes: Buffer): void {
    viewer.sink.write(bytes)
    const counters = this.#counters
    counters.bytesSent += bytes.length
    if (bytes.length > counters.largestWriteBytes) counters.largestWriteBytes = bytes.length
    const buffered = viewer.sink.writableLength
    if (buffered > counters.maxBufferedBytes) counters.maxBufferedBytes = buffered
  }

  #remove(viewer: Viewer): void {
    if (!this.#viewers.delete(viewer)) return
    this.#onLeave()
  }
}
