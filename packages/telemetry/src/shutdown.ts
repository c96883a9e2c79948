// The light half of the package: programs import this to wait for the SDK and to flush at exit
// without loading the SDK. When the preload did not start one (unit tests, library users,
// OTEL_SDK_DISABLED=true), every call resolves at once.
import { firstUnreachable } from './probe.ts'

// @opentelemetry/api (its diagnostic logger, for the warnings below) is loaded when needed, not
// with this module: the preload imports this module, and a program's first milliseconds are better
// spent on its own modules (the API loads with them, or the SDK, anyway).
const diagnostics = (): Promise<typeof import('@opentelemetry/api').diag> => import('@opentelemetry/api').then((api) => api.diag)

/** How long a program waits for its telemetry at exit unless told otherwise. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2_000

/** The longest wait for the answer of the probe of the collector at exit (a refused connection takes a millisecond). */
const PROBE_TIMEOUT_MS = 250

/**
 * What the flush at exit did: no SDK; flushed; not attempted because nothing listens on the OTLP
 * endpoint (`unreachable`: what was buffered is dropped at once); stopped at the bound; failed.
 */
export type ShutdownOutcome = 'no-sdk' | 'flushed' | 'unreachable' | 'timed-out' | 'failed'

// The running SDK, kept on globalThis rather than in a module variable: the preload and the program
// reach this file by different specifiers, and a second copy of the module (another install layout)
// must still find the SDK the first one started.
const SLOT = Symbol.for('@maze-sim/telemetry.shutdown')
interface Slot {
  /** Settles once the SDK has started (or given up starting): providers registered, instrumentations on. */
  ready: Promise<void>
  /** Begins loading a deferred SDK (once); unset when it is loading already. */
  begin?: () => void
  /** The SDK's shutdown: flushes and stops it. Unset while it starts, and if it could not start. */
  shutdown?: () => Promise<void>
  /** The OTLP endpoints the exporters send to: probed before the flush at exit. */
  endpoints?: readonly string[]
  /** The line to print on stderr once the flush is over (MAZE_TELEMETRY_SUMMARY=true), if any. */
  summary?: (outcome: ShutdownOutcome) => string | undefined
  done?: Promise<ShutdownOutcome>
}
const slot = (): Slot | undefined => (globalThis as { [SLOT]?: Slot })[SLOT]

/** What startTelemetry records once its SDK runs. */
export interface RunningTelemetry {
  shutdown: () => Promise<void>
  endpoints?: readonly string[]
  summary?: (outcome: ShutdownOutcome) => string | undefined
}

/**
 * Records an SDK that is starting (called by startTelemetry before it loads anything): from now on
 * `telemetryReady()` waits for `starting`, which resolves with the running SDK (or undefined when it
 * could not start). A function is a deferred start: called by the first `telemetryReady()`.
 */
export function registerStarting(starting: Promise<RunningTelemetry | undefined> | (() => Promise<RunningTelemetry | undefined>)): void {
  let begun: (started: Promise<RunningTelemetry | undefined>) => void = () => {}
  const current: Slot = {
    ready: new Promise<RunningTelemetry | undefined>((resolve) => (begun = resolve)).then(
      (running) => {
        if (running !== undefined) Object.assign(current, running)
      },
      () => {},
    ),
  }
  if (typeof starting === 'function') {
    current.begin = () => {
      delete current.begin
      begun(starting())
    }
  } else {
    begun(starting)
  }
  ;(globalThis as { [SLOT]?: Slot })[SLOT] = current
}

/** Records a running SDK's shutdown, the endpoints to probe at exit and the summary line to print after it. */
export function registerShutdown(
  shutdown: () => Promise<void>,
  summary?: (outcome: ShutdownOutcome) => string | undefined,
  endpoints?: readonly string[],
): void {
  registerStarting(
    Promise.resolve({ shutdown, ...(summary === undefined ? {} : { summary }), ...(endpoints === undefined ? {} : { endpoints }) }),
  )
}

/** True when an SDK was started (or is starting) in this process (by the preload). */
export function telemetryStarted(): boolean {
  return slot() !== undefined
}

/**
 * Resolves once the SDK the preload started is running (at once without one). A program awaits it
 * before its first traced work: the preload does not hold up the program's own start-up meanwhile.
 * The first call begins loading an SDK the preload deferred: a program calls it where its start-up
 * leaves the main thread waiting (for a worker thread), and awaits it later.
 */
export function telemetryReady(): Promise<void> {
  const current = slot()
  if (current === undefined) return Promise.resolve()
  current.begin?.()
  return current.ready
}

/**
 * Flushes what is buffered (spans, metrics) and stops the SDK, waiting at most `timeoutMs`: an
 * exporter that cannot reach its collector never holds the program up longer than that. With
 * nothing listening on the OTLP endpoint (a refused connection) it does not try at all: one warning,
 * and `unreachable` at once. Safe to call more than once (later calls share the first one's
 * outcome); never rejects.
 */
export function shutdownTelemetry(timeoutMs: number = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<ShutdownOutcome> {
  const current = slot()
  if (current === undefined) return Promise.resolve('no-sdk')
  current.done ??= new Promise<ShutdownOutcome>((settle) => {
    let settled = false
    const resolve = (outcome: ShutdownOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const line = current.summary?.(outcome)
      if (line !== undefined) process.stderr.write(`${line}\n`)
      settle(outcome)
    }
    // Unref'd: the bound must not itself keep a finished program alive.
    const timer = setTimeout(() => {
      // Through the SDK's diagnostic logger: by default it prints one telemetry warning at most.
      void diagnostics().then((diag) => {
        diag.warn(`spans and metrics not flushed within ${timeoutMs} ms, dropped`)
        resolve('timed-out')
      })
    }, timeoutMs)
    timer.unref()
    void flush(current, Math.min(PROBE_TIMEOUT_MS, timeoutMs)).then(resolve)
  })
  return current.done
}

async function flush(current: Slot, probeTimeoutMs: number): Promise<ShutdownOutcome> {
  // A deferred SDK never asked for has recorded nothing: nothing to load, nothing to flush.
  if (current.begin !== undefined) return 'no-sdk'
  await current.ready
  const { shutdown, endpoints = [] } = current
  if (shutdown === undefined) return 'no-sdk'
  const nobody = endpoints.length === 0 ? undefined : await firstUnreachable(endpoints, probeTimeoutMs)
  if (nobody !== undefined) {
    ;(await diagnostics()).warn(`spans and metrics not sent: nothing listening at ${nobody.endpoint} (${nobody.code})`)
    return 'unreachable'
  }
  return shutdown().then(
    (): ShutdownOutcome => 'flushed',
    (): ShutdownOutcome => 'failed',
  )
}
