// A progress bar with an ETA on stderr: redrawn in place on a terminal, plain periodic lines
// otherwise (CI logs, files), so the output stays readable everywhere.

export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

export interface ProgressOptions {
  /** Milliseconds between plain lines when the stream is not a terminal (default 5000). */
  readonly lineEveryMs?: number
  readonly now?: () => number
  readonly label?: string
}

/** "1:05", "12s": a duration for people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

export class Progress {
  readonly #stream: ProgressStream
  readonly #tty: boolean
  readonly #now: () => number
  readonly #every: number
  readonly #label: string
  readonly #startedAt: number
  #total = 0
  #done = 0
  #lastDraw = Number.NEGATIVE_INFINITY
  #drawn = false

  constructor(stream: ProgressStream, options: ProgressOptions = {}) {
    this.#stream = stream
    this.#tty = stream.isTTY === true
    this.#now = options.now ?? (() => performance.now())
    this.#every = options.lineEveryMs ?? 5000
    this.#label = options.label ?? 'sweep'
    this.#startedAt = this.#now()
  }

  /** The text of the current state: count, percentage, rate and ETA. */
  status(): string {
    const elapsed = this.#now() - this.#startedAt
    const rate = elapsed > 0 ? this.#done / (elapsed / 1000) : 0
    const eta = this.#done > 0 ? ((this.#total - this.#done) / this.#done) * elapsed : Number.NaN
    const pct = this.#total === 0 ? 100 : Math.floor((100 * this.#done) / this.#total)
    return `${this.#done}/${this.#total} runs (${pct}%), ${rate.toFixed(1)} runs/s, elapsed ${formatDuration(elapsed)}, ETA ${this.#done === this.#total ? '0s' : formatDuration(eta)}`
  }

  update(done: number, total: number): void {
    this.#done = done
    this.#total = total
    const now = this.#now()
    const finished = done >= total
    if (this.#tty) {
      if (!finished && now - this.#lastDraw < 100) return
      this.#lastDraw = now
      const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - 90))
      const filled = total === 0 ? width : Math.round((width * done) / total)
      this.#stream.write(`\r\x1b[2K${this.#label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.status()}`)
      this.#drawn = true
      return
    }
    if (!finished && now - this.#lastDraw < this.#every) return
    this.#lastDraw = now
    this.#stream.write(`${this.#label}: ${this.status()}\n`)
  }

  /** Ends the bar's line (on a terminal) so later output starts on a fresh line. */
  end(): void {
    if (this.#tty && this.#drawn) this.#stream.write('\n')
    this.#drawn = false
  }
}
