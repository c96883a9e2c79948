// A child process's output, read with bounded memory: stdout line by line (a line longer than the
// bound is dropped and counted, never buffered whole), stderr as its last few lines for error messages.
import type { Readable } from 'node:stream'

/** What `readLines` saw once the stream ended. */
export interface LineCount {
  readonly lines: number
  /** Lines longer than `maxLineBytes`: dropped. */
  readonly overlong: number
}

/**
 * Calls `onLine` with each line of `stream` (without its newline; a last line without one counts
 * too) and resolves when the stream ends or fails. At most `maxLineBytes` bytes are held at once.
 */
export function readLines(stream: Readable, maxLineBytes: number, onLine: (line: string) => void): Promise<LineCount> {
  return new Promise((resolve) => {
    let parts: Buffer[] = []
    let held = 0
    let skipping = false
    let lines = 0
    let overlong = 0
    const emit = (): void => {
      const line = Buffer.concat(parts, held).toString('utf8')
      parts = []
      held = 0
      lines++
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line)
    }
    const take = (chunk: Buffer): void => {
      let from = 0
      while (from < chunk.length) {
        const nl = chunk.indexOf(0x0a, from)
        const end = nl === -1 ? chunk.length : nl
        if (!skipping) {
          if (held + (end - from) > maxLineBytes) {
            skipping = true
            overlong++
            parts = []
            held = 0
          } else if (end > from) {
            parts.push(chunk.subarray(from, end))
            held += end - from
          }
        }
        if (nl === -1) return
        if (skipping) skipping = false
        else emit()
        from = nl + 1
      }
    }
    const done = (): void => {
      if (held > 0 && !skipping) emit()
      resolve({ lines, overlong })
    }
    stream.on('data', (chunk: Buffer | string) => take(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
    stream.once('end', done)
    stream.once('close', done)
    stream.once('error', done)
  })
}

/** The last `maxLines` lines of a stream (each cut to `maxLineChars`), for saying why a child failed. */
export class OutputTail {
  readonly #lines: string[] = []
  readonly #maxLines: number
  readonly #maxLineChars: number
  readonly done: Promise<LineCount>

  constructor(stream: Readable, { maxLines = 20, maxLineChars = 500 } = {}) {
    this.#maxLines = maxLines
    this.#maxLineChars = maxLineChars
    // Lines up to 64 KiB are kept (cut below); longer ones are dropped by the reader.
    this.done = readLines(stream, 64 * 1024, (line) => {
      if (line.trim() === '') return
      this.#lines.push(line.length > this.#maxLineChars ? `${line.slice(0, this.#maxLineChars)}…` : line)
      if (this.#lines.length > this.#maxLines) this.#lines.shift()
    })
  }

  /** The lines kept, oldest first. */
  lines(): readonly string[] {
    return [...this.#lines]
  }

  /** The last line, or `fallback`. */
  last(fallback: string): string {
    return this.#lines.at(-1) ?? fallback
  }
}
