import type { DiagLogger } from '@opentelemetry/api'

export interface OnceLoggerOptions {
  /** Starts the line, e.g. `maze-agent telemetry`. */
  readonly prefix: string
  /** Where the exporters send: named when the problem looks like nothing listening there. */
  readonly endpoint?: string
  readonly write?: (line: string) => void
}

// Failures that mean "no collector there" (refused, unknown host, reset, timed out).
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|timed out|not flushed/i

/**
 * A diagnostic logger for the SDK's own problems that prints the first warning or error as one
 * line on stderr and drops the rest: with no collector listening, every export fails, and a log
 * line per failed export would bury the program's own output. `OTEL_LOG_LEVEL` (any value) brings
 * back the SDK's standard console logger with every message.
 */
export function createOnceLogger(options: OnceLoggerOptions): DiagLogger {
  const write = options.write ?? ((line: string) => process.stderr.write(line))
  let printed = false
  const once = (message: string, ...args: unknown[]): void => {
    if (printed) return
    printed = true
    const text = [message, ...args]
      .map(describe)
      .filter((s) => s !== '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
    const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text
    const hint = options.endpoint !== undefined && UNREACHABLE.test(text) ? `; is an OTLP collector listening at ${options.endpoint}?` : ''
    write(`${options.prefix}: ${shown}${hint} (further telemetry warnings are not shown; OTEL_LOG_LEVEL=warn shows them all)\n`)
  }
  const ignore = (): void => {}
  return { error: once, warn: once, info: ignore, debug: ignore, verbose: ignore }
}

/**
 * One argument as text. The SDK's error handler logs exceptions as JSON (`{"stack":…,"message":…}`):
 * their message is what a person needs.
 */
function describe(value: unknown): string {
  if (value instanceof Error) return value.message
  if (typeof value === 'string') {
    if (!value.startsWith('{')) return value
    try {
      const parsed = JSON.parse(value) as { message?: unknown }
      return typeof parsed.message === 'string' ? parsed.message : value
    } catch {
      return value
    }
  }
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return String(value)
  }
}
