// The light half of the package: programs import this to flush at exit without loading the SDK.
// When the preload did not start one (unit tests, library users, OTEL_SDK_DISABLED=true), every
// call resolves at once.
import { diag } from '@opentelemetry/api'

/** How long a program waits for its telemetry at exit unless told otherwise. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2_000

/** What the flush at exit did. */
export type ShutdownOutcome = 'no-sdk' | 'flushed' | 'timed-out' | 'failed'

// The running SDK's shutdown, kept on globalThis rather than in a module variable: the preload and
// the program reach this file by different specifiers, and a second copy of the module (another
// install layout) must still find the SDK the first one started.
const SLOT = Symbol.for('@maze-sim/telemetry.shutdown')
interface Slot {
  shutdown: () => Promise<void>
  /** The line to print on stderr once the flush is over (MAZE_TELEMETRY_SUMMARY=true), if any. */
  summary?: (outcome: ShutdownOutcome) => string | undefined
  done?: Promise<ShutdownOutcome>
}
const slot = (): Slot | undefined => (globalThis as { [SLOT]?: Slot })[SLOT]

/**
 * Records the running SDK's shutdown (called by startTelemetry), and optionally the summary line to
 * print on stderr after it (how many spans were exported, failed, unanswered).
 */
export function registerShutdown(shutdown: () => Promise<void>, summary?: (outcome: ShutdownOutcome) => string | undefined): void {
  ;(globalThis as { [SLOT]?: Slot })[SLOT] = summary === undefined ? { shutdown } : { shutdown, summary }
}

/** True when an SDK was started in this process (by the preload). */
export function telemetryStarted(): boolean {
  return slot() !== undefined
}

/**
 * Flushes what is buffered (spans, metrics) and stops the SDK, waiting at most `timeoutMs`:
 * an exporter that cannot reach its collector never holds the program up longer than that.
 * Safe to call more than once (later calls share the first one's outcome); never rejects.
 */
export function shutdownTelemetry(timeoutMs: number = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<ShutdownOutcome> {
  const current = slot()
  if (current === undefined) return Promise.resolve('no-sdk')
  current.done ??= new Promise<ShutdownOutcome>((settle) => {
    let settled = false
    const resolve = (outcome: ShutdownOutcome): void => {
      if (settled) return
      settled = true
      const line = current.summary?.(outcome)
      if (line !== undefined) process.stderr.write(`${line}\n`)
      settle(outcome)
    }
    // Unref'd: the bound must not itself keep a finished program alive.
    const timer = setTimeout(() => {
      // Through the SDK's diagnostic logger: by default it prints one telemetry warning at most.
      diag.warn(`spans and metrics not flushed within ${timeoutMs} ms, dropped`)
      resolve('timed-out')
    }, timeoutMs)
    timer.unref()
    current.shutdown().then(
      () => {
        clearTimeout(timer)
        resolve('flushed')
      },
      () => {
        clearTimeout(timer)
        resolve('failed')
      },
    )
  })
  return current.done
}
