// One progress line for the programs' stderr: items done of all, with the rate and an ETA, redrawn
// in place on a terminal and printed as plain lines every few seconds otherwise (CI logs, files).
// Each program names what it counts: `maze-sweep` runs, `maze-batch` children.

/** Where the line goes (stderr): text, whether it is a terminal, and its width. */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
}

export interface ProgressOptions {
  /** What is counted, plural (`runs`, `children`); the rate is per one of them. Default `items`. */
  readonly unit?: string
  /** The words after `done/total` (default: the unit), e.g. `children done`. */
  readonly says?: string
  /** Show the rate (`5.0 runs/s`) after the percentage. */
  readonly rate?: boolean
  /** A name before the line (`sweep: ...`; on a terminal `sweep [███░░] ...`, with a bar). */
  readonly label?: string
  /** Milliseconds between plain lines when the stream is not a terminal (default 5000). */
  readonly lineEveryMs?: number
  /** The clock, in ms (default performance.now): tests pass their own. */
  readonly now?: () => number
}

/** A terminal is redrawn at most this often, except for the last state. */
const REDRAW_EVERY_MS = 100

/** "1:05", "12s", "2:03:04": a duration for people; `?` when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * A progress line of items done of all. The elapsed time, the rate and the ETA count from the first
 * update, so a line that starts on work already half done (a watch) estimates from what it saw.
 */
export class ProgressLine {
  readonly #stream: ProgressStream
  readonly #unit: string
  readonly #says: string
  readonly #rate: boolean
  readonly #label: string | undefined
  readonly #every: number
  readonly #now: () => number
  #start: { at: number; done: number } | null = null
  #done = 0
  #total = 0
  #lastDraw = Number.NEGATIVE_INFINITY
  #drawn = false

  constructor(stream: ProgressStream, options: ProgressOptions = {}) {
    this.#stream = stream
    this.#unit = options.unit ?? 'items'
    this.#says = options.says ?? this.#unit
    this.#rate = options.rate === true
    this.#label = options.label
    this.#every = options.lineEveryMs ?? 5000
    this.#now = options.now ?? (() => performance.now())
  }

  get #tty(): boolean {
    return this.#stream.isTTY === true
  }

  /** `3/8 children done (37%), elapsed 1:10, ETA 1:57` (with `rate`: `..., 0.1 children/s, elapsed ...`). */
  status(): string {
    const now = this.#now()
    const start = this.#start ?? { at: now, done: this.#done }
    const elapsed = now - start.at
    const progressed = this.#done - start.done
    const remaining = this.#total - this.#done
    const eta = remaining <= 0 ? '0s' : progressed > 0 ? formatDuration((remaining * elapsed) / progressed) : '?'
    const pct = this.#total === 0 ? 100 : Math.floor((100 * this.#done) / this.#total)
    const rate = this.#rate ? `, ${(elapsed > 0 ? progressed / (elapsed / 1000) : 0).toFixed(1)} ${this.#unit}/s` : ''
    return `${this.#done}/${this.#total} ${this.#says} (${pct}%)${rate}, elapsed ${formatDuration(elapsed)}, ETA ${eta}`
  }

  /** The counts changed (or time passed): redraws on a terminal, else a line when one is due or all are done. */
  update(done: number, total: number): void {
    const now = this.#now()
    this.#start ??= { at: now, done }
    const finishing = (done !== this.#done || total !== this.#total) && done >= total
    this.#done = done
    this.#total = total
    const every = this.#tty ? REDRAW_EVERY_MS : this.#every
    if (!finishing && now - this.#lastDraw < every) return
    this.#lastDraw = now
    if (this.#tty) this.#draw()
    else this.#stream.write(`${this.#label === undefined ? '' : `${this.#label}: `}${this.status()}\n`)
  }

  /** Time passed without a change: the periodic line (or the redrawn ETA). */
  tick(): void {
    if (this.#start === null) return
    this.update(this.#done, this.#total)
  }

  /** Other output, to any stream (`write`): on a terminal the line is cleared first and drawn again after it. */
  around(write: () => void): void {
    if (!(this.#tty && this.#drawn)) {
      write()
      return
    }
    this.#stream.write('\r\x1b[2K')
    write()
    this.#draw()
  }

  /** A line of other output on the progress's own stream. */
  log(line: string): void {
    this.around(() => this.#stream.write(`${line}\n`))
  }

  /** Ends the line on a terminal, so what follows starts on a fresh line. */
  end(): void {
    if (this.#tty && this.#drawn) this.#stream.write('\n')
    this.#drawn = false
  }

  #draw(): void {
    let head = ''
    if (this.#label !== undefined) {
      const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - 90))
      const filled = this.#total === 0 ? width : Math.round((width * this.#done) / this.#total)
      head = `${this.#label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] `
    }
    this.#stream.write(`\r\x1b[2K${head}${this.status()}`)
    this.#drawn = true
  }
}
