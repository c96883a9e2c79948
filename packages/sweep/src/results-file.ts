// The sweep's JSON-lines file: read back for resuming (a truncated last line, left by a killed
// process, is cut off so appends start on a fresh line), appended to as runs finish.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { SweepError, SweepErrorCode } from './errors.ts'
import { formatResultLine, parseResultLines, type ParsedResults, type SweepResult } from './results.ts'

export interface ReadBack extends ParsedResults {
  /** Bytes of an unfinished last line that were cut off (0 when the file ended cleanly). */
  readonly truncatedBytes: number
}

/**
 * Reads a results file for resuming, and cuts off an unfinished last line (no newline at its
 * end): it is a run that did not finish writing, and is run again. A missing file reads as empty.
 */
export function readForResume(path: string): ReadBack {
  if (!existsSync(path)) return { results: [], skipped: 0, missing: [], truncatedBytes: 0 }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new SweepError(SweepErrorCode.Results, `cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }
  let truncatedBytes = 0
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
    const keep = bytes.lastIndexOf(0x0a) + 1
    truncatedBytes = bytes.length - keep
    const fd = openSync(path, 'r+')
    try {
      ftruncateSync(fd, keep)
    } finally {
      closeSync(fd)
    }
    bytes = bytes.subarray(0, keep)
  }
  return { ...parseResultLines(bytes.toString('utf8')), truncatedBytes }
}

/** An append-only writer of result lines: one write call per line, so a line is never split by another. */
export class ResultWriter {
  readonly #fd: number
  constructor(path: string, options: { fresh?: boolean } = {}) {
    mkdirSync(dirname(path), { recursive: true })
    try {
      this.#fd = openSync(path, options.fresh ? 'w' : 'a')
    } catch (err) {
      throw new SweepError(SweepErrorCode.Results, `cannot write ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  append(result: SweepResult): void {
    writeSync(this.#fd, `${formatResultLine(result)}\n`)
  }
  close(): void {
    closeSync(this.#fd)
  }
}

/** Result lines from files (or `-` for stdin), in the order given. */
export function readResultSources(paths: readonly string[], readStdin: () => string = () => readFileSync(0, 'utf8')): ParsedResults {
  const all: ParsedResults[] = paths.map((p) => {
    let text: string
    try {
      text = p === '-' ? readStdin() : readFileSync(p, 'utf8')
    } catch (err) {
      throw new SweepError(SweepErrorCode.Results, `cannot read ${p === '-' ? 'stdin' : p}: ${(err as Error).message}`, { cause: err })
    }
    return parseResultLines(text)
  })
  return {
    results: all.flatMap((a) => a.results),
    skipped: all.reduce((k, a) => k + a.skipped, 0),
    missing: all.flatMap((a) => a.missing),
  }
}
