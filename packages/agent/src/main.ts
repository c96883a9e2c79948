#!/usr/bin/env node
// The agent program: reads its config, loads a strategy (in a worker thread, see
// isolated-strategy.ts), runs it against the model over HTTP, prints the map and the result line.
// Every exit but --help prints exactly one result line, last on stdout: a failed run's has `error`
// and `message` (result.ts). Exit codes are listed in USAGE (config.ts) and the README.
// Telemetry, when preloaded (instrument.ts), is flushed before every exit, within a bound.
import { shutdownTelemetry } from '@maze-sim/telemetry/shutdown'
import { readConfig, USAGE, type AgentConfig } from './config.ts'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import { ExitCode, exitCodeOf, exitCodeOfSignal } from './exit-code.ts'
import { createHttpTransport, type HttpTransport } from './http-transport.ts'
import { loadIsolatedStrategy, type IsolatedStrategy } from './isolated-strategy.ts'
import type { AgentFailedResult, AgentResultLine } from './result.ts'
import { runAgent } from './runner.ts'

const PROGRESS_EVERY_MS = 3_000
/** After a signal, the longest wait for the run to wind down before the program exits anyway. */
const SIGNAL_GRACE_MS = 5_000

const startedAt = performance.now()

/** What is known of the run so far: the failed run's result line is made of it. */
const known: {
  strategy: string | null
  width: number | null
  height: number | null
  seed: number | null
  steps: number
  keyStep: number | null
  optimalSteps: number | null
  transport: HttpTransport | undefined
} = { strategy: null, width: null, height: null, seed: null, steps: 0, keyStep: null, optimalSteps: null, transport: undefined }

let printed = false
/** Prints the result line, once: the last line of stdout (stdout is a pipe or a file: written at once). */
function printResult(line: AgentResultLine): void {
  if (printed) return
  printed = true
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

function failedResult(err: unknown): AgentFailedResult {
  return {
    strategy: known.strategy,
    width: known.width,
    height: known.height,
    seed: known.seed,
    solved: false,
    steps: known.steps,
    keyStep: known.keyStep,
    requests: known.transport?.requests ?? 0,
    elapsedMs: Math.round(performance.now() - startedAt),
    optimalSteps: known.optimalSteps,
    error: err instanceof AgentError ? err.code : 'AGENT_ERR_UNEXPECTED',
    message: err instanceof AgentError ? err.message : describeError(err),
  }
}

function report(err: unknown, debug: boolean): void {
  const code = err instanceof AgentError ? err.code : 'AGENT_ERR_UNEXPECTED'
  process.stderr.write(`maze-agent: ${code}: ${err instanceof AgentError ? err.message : describeError(err)}\n`)
  if (!debug) return
  let e: unknown = err
  while (e !== undefined) {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    e = e instanceof Error ? e.cause : undefined
    if (e !== undefined) process.stderr.write('caused by: ')
  }
}

let help = false
// The last resort: any way out that did not print the result line (an exit from deep inside) prints one.
process.on('exit', (code) => {
  if (!help) printResult(failedResult(new AgentError(AgentErrorCode.Aborted, `the agent exited (code ${code}) before the run ended`)))
})

async function main(): Promise<number> {
  let config: AgentConfig
  try {
    config = readConfig()
  } catch (err) {
    report(err, false)
    printResult(failedResult(err))
    return exitCodeOf(err)
  }
  if (config.help) {
    help = true
    process.stdout.write(USAGE)
    return ExitCode.Solved
  }
  known.strategy = config.strategy

  const log = (line: string): void => {
    if (!config.quiet) process.stderr.write(`maze-agent: ${line}\n`)
  }
  const abort = new AbortController()
  let signalName: 'SIGINT' | 'SIGTERM' | null = null
  const stopped = (): AgentError => new AgentError(AgentErrorCode.Aborted, `stopped by ${signalName}`)
  const onSignal = (name: NodeJS.Signals): void => {
    const first = signalName === null
    if (first) signalName = name === 'SIGINT' ? 'SIGINT' : 'SIGTERM'
    const exitNow = (): never => {
      printResult(failedResult(stopped()))
      process.exit(exitCodeOfSignal(signalName!))
    }
    if (!first) exitNow()
    log(`${name}: stopping`)
    abort.abort(stopped())
    // The run winds down at once (the strategy runs in a worker, requests are aborted); if anything
    // holds it up, the program still ends within the bound, with its result line.
    setTimeout(exitNow, SIGNAL_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  // The whole run's budget is an abort with a reason of its own: requests, the strategy's pending
  // decision and the runner all stop on it.
  const deadline = new AbortController()
  const deadlineTimer =
    config.deadlineMs === null
      ? undefined
      : setTimeout(() => deadline.abort(new AgentError(AgentErrorCode.Deadline, `the run took longer than its budget of ${config.deadlineMs} ms (AGENT_DEADLINE_MS)`)), config.deadlineMs)
  deadlineTimer?.unref()
  const signal = AbortSignal.any([abort.signal, deadline.signal])

  let strategy: IsolatedStrategy | undefined
  try {
    strategy = await loadIsolatedStrategy(config.strategy, { decisionTimeoutMs: config.decisionTimeoutMs, signal })
    known.strategy = strategy.name
    known.transport = createHttpTransport({
      url: config.url,
      startupTimeoutMs: config.startupTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      signal,
    })
    const t = known.transport
    log(`strategy ${strategy.name}, model ${t.url}`)
    let lastProgress = Date.now()
    const run = await runAgent({
      transport: t,
      strategy,
      maxSteps: config.maxSteps,
      seed: config.seed,
      signal,
      onStart: (info) => {
        Object.assign(known, { width: info.width, height: info.height, seed: info.seed, optimalSteps: info.optimalSteps })
        log(
          `maze ${info.width}x${info.height} from (${info.start.x}, ${info.start.y}), ` +
            `maze seed ${info.seed ?? 'unknown'}, rng seed ${info.rngSeed}, step limit ${info.maxSteps}`,
        )
      },
      onStep: (event) => {
        known.steps = event.steps
        if (known.keyStep === null && event.observation.hasKey) known.keyStep = event.observation.steps
        const now = Date.now()
        if (now - lastProgress < PROGRESS_EVERY_MS) return
        lastProgress = now
        log(`${event.steps} steps, ${t.requests} requests, ${event.observation.hasKey ? 'has the key' : 'looking for the key'}`)
      },
    })
    log(`${run.outcome}: ${run.result.steps} steps, ${run.result.requests} requests, ${run.result.elapsedMs} ms`)
    // The map is a nicety: without it the run's outcome and exit code stand (see the README).
    if (run.map !== null) process.stdout.write(run.map.endsWith('\n') ? run.map : `${run.map}\n`)
    else process.stderr.write(`maze-agent: no map: ${run.mapError?.code ?? AgentErrorCode.BadResponse}: ${run.mapError?.message ?? 'POST /maze/map failed'}\n`)
    printResult(run.result)
    return run.result.solved ? ExitCode.Solved : ExitCode.NotSolved
  } catch (err) {
    const failure = signalName !== null ? stopped() : err
    if (signalName !== null) process.stderr.write(`maze-agent: ${AgentErrorCode.Aborted}: stopped by ${signalName}\n`)
    else report(err, config.debug)
    printResult(failedResult(failure))
    return signalName !== null ? exitCodeOfSignal(signalName) : exitCodeOf(err)
  } finally {
    clearTimeout(deadlineTimer)
    await strategy?.close().catch(() => {})
    await known.transport?.close().catch(() => {})
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

process.exitCode = await main()
// Every way out of main() comes here, signals included (they abort the run): the spans of a short
// run would be lost otherwise. Bounded: with no collector listening, the exporter retries until the
// bound and its timers would keep the process alive, hence the explicit exit then.
if ((await shutdownTelemetry()) === 'timed-out') process.exit()
