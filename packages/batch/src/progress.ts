// Children done of children in all, with an ETA, for `run-local` and `watch`: redrawn in place on a
// terminal, a plain line every few seconds otherwise (CI logs, files). Not the sweep's Progress
// (@maze-sim/sweep), which counts runs in its text and would bring the whole sweep package (its
// model, workers and image libraries) into the Batch CLI for one line of output.

/** Where the progress goes (stderr): text, and whether it is a terminal. */
export interface ProgressSink {
  readonly write: (text: string) => void
  readonly isTTY: boolean
}

export interface ProgressOptions {
  /** What is counted (default `children`). */
  readonly unit?: string
  /** Milliseconds between plain lines when not on a terminal (default 5000). */
  readonly lineEveryMs?: number
  /** The clock, in ms (default performance.now): tests pass their own. */
  readonly now?: () => number
}

/** "1:05", "12s", "2:03:04": a duration for people; `?` when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/** A progress line of finished items with an ETA from the rate since the first update. */
export class ChildProgress {
  readonly #sink: ProgressSink
  readonly #unit: string
  readonly #every: number
  readonly #now: () => number
  #start: { at: number; done: number } | null = null
  #done = 0
  #total = 0
  #lastLine = Number.NEGATIVE_INFINITY
  #drawn = false

  constructor(sink: ProgressSink, options: ProgressOptions = {}) {
    this.#sink = sink
    this.#unit = options.unit ?? 'children'
    this.#every = options.lineEveryMs ?? 5000
    this.#now = options.now ?? (() => performance.now())
  }

  /** `3/8 children done (37%), elapsed 1:10, ETA 1:57`: the ETA from the rate since the first update. */
  status(): string {
    const now = this.#now()
    const start = this.#start ?? { at: now, done: this.#done }
    const elapsed = now - start.at
    const progressed = this.#done - start.done
    const remaining = this.#total - this.#done
    const eta = remaining <= 0 ? '0s' : progressed > 0 ? formatDuration((remaining * elapsed) / progressed) : '?'
    const pct = this.#total === 0 ? 100 : Math.floor((100 * this.#done) / this.#total)
    return `${this.#done}/${this.#total} ${this.#unit} done (${pct}%), elapsed ${formatDuration(elapsed)}, ETA ${eta}`
  }

  /** The counts changed (or time passed): redraws on a terminal, else a line when one is due or all are done. */
  update(done: number, total: number): void {
    const now = this.#now()
    this.#start ??= { at: now, done }
    const changed = done !== this.#done || total !== this.#total
    this.#done = done
    this.#total = total
    if (this.#sink.isTTY) {
      this.#draw()
      return
    }
    if (!(changed && done >= total) && now - this.#lastLine < this.#every) return
    this.#lastLine = now
    this.#sink.write(`${this.status()}\n`)
  }

  /** Time passed without a change: the periodic line (or the redrawn ETA). */
  tick(): void {
    if (this.#start === null) return
    this.update(this.#done, this.#total)
  }

  /** Other output, to any stream (`write`): on a terminal the bar is cleared first and drawn again after it. */
  around(write: () => void): void {
    if (!(this.#sink.isTTY && this.#drawn)) {
      write()
      return
    }
    this.#sink.write('\r\x1b[2K')
    write()
    this.#draw()
  }

  /** A line of other output on the progress's own stream. */
  log(line: string): void {
    this.around(() => this.#sink.write(`${line}\n`))
  }

  /** Ends the bar's line on a terminal, so what follows starts on a fresh line. */
  end(): void {
    if (this.#sink.isTTY && this.#drawn) this.#sink.write('\n')
    this.#drawn = false
  }

  #draw(): void {
    this.#sink.write(`\r\x1b[2K${this.status()}`)
    this.#drawn = true
  }
}
