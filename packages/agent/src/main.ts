#!/usr/bin/env node
// The agent program: reads its config, loads its strategy (in a worker thread, see
// isolated-strategy.ts; several with --seeds and --strategy a,b, each in its own), runs it against
// the model over HTTP: one run (the map and the result line) or many (--episodes, --seeds:
// many-runs.ts, one result line per run). Every exit but --help prints a result line for the run
// in flight, last on stdout: a failed run's has `error` and `message` (result.ts, result-ledger.ts).
// Exit codes are listed in USAGE (config.ts) and the README.
// Telemetry, when preloaded (instrument.ts), loads while the strategies do, is awaited before the
// first request, and is flushed before every exit, within a bound (not even tried when nothing
// listens on the OTLP endpoint).
import { shutdownTelemetry, telemetryReady } from '@maze-sim/telemetry/shutdown'
import { readConfig, USAGE, type AgentConfig } from './config.ts'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import { ExitCode, exitCodeOf, exitCodeOfSignal } from './exit-code.ts'
import { createHttpTransport, type HttpTransport } from './http-transport.ts'
import { closeStrategies, loadIsolatedStrategies, type IsolatedStrategy } from './isolated-strategy.ts'
import { exitedEarly, ResultLedger } from './result-ledger.ts'

const PROGRESS_EVERY_MS = 3_000
/** After a signal, the longest wait for the run to wind down before the program exits anyway. */
const SIGNAL_GRACE_MS = 5_000

const ledger = new ResultLedger(performance.now())

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

// The last resort: any way out that did not print the line of the run in flight (an exit from deep inside) prints one.
process.on('exit', (code) => ledger.fail(exitedEarly(code)))

async function main(): Promise<number> {
  let config: AgentConfig
  try {
    config = readConfig()
  } catch (err) {
    report(err, false)
    ledger.fail(err)
    return exitCodeOf(err)
  }
  if (config.help) {
    ledger.settle()
    process.stdout.write(USAGE)
    return ExitCode.Solved
  }
  // Before the strategies load, the run in flight is the first run: the first strategy's, as configured.
  ledger.strategy = config.strategies[0]!
  const many = config.episodes !== null || config.seeds !== null
  if (config.seeds !== null) ledger.expectSeed(config.seeds[0]!.from)

  const log = (line: string): void => {
    if (!config.quiet) process.stderr.write(`maze-agent: ${line}\n`)
  }
  const warn = (line: string): void => void process.stderr.write(`maze-agent: ${line}\n`)
  const abort = new AbortController()
  let signalName: 'SIGINT' | 'SIGTERM' | null = null
  const stopped = (): AgentError => new AgentError(AgentErrorCode.Aborted, `stopped by ${signalName}`)
  const onSignal = (name: NodeJS.Signals): void => {
    const first = signalName === null
    if (first) signalName = name === 'SIGINT' ? 'SIGINT' : 'SIGTERM'
    const exitNow = (): never => {
      ledger.fail(stopped())
      process.exit(exitCodeOfSignal(signalName!))
    }
    if (!first) exitNow()
    log(`${name}: stopping`)
    abort.abort(stopped())
    // The run winds down at once (the strategy runs in a worker, requests are aborted); if anything
    // holds it up, the program still ends within the bound, with the line of the run in flight.
    setTimeout(exitNow, SIGNAL_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  // The whole program's budget (one run or many) is an abort with a reason of its own: requests,
  // the strategy's pending decision and the runner all stop on it.
  const deadline = new AbortController()
  const over = `the ${many ? 'runs' : 'run'} took longer than ${many ? 'their' : 'its'} budget of ${config.deadlineMs} ms (AGENT_DEADLINE_MS)`
  const deadlineTimer =
    config.deadlineMs === null
      ? undefined
      : setTimeout(() => deadline.abort(new AgentError(AgentErrorCode.Deadline, over)), config.deadlineMs)
  deadlineTimer?.unref()
  const signal = AbortSignal.any([abort.signal, deadline.signal])

  let strategies: IsolatedStrategy[] = []
  let transport: HttpTransport | undefined
  try {
    // Every strategy is loaded before the first run. A failure to load is the first seed's line,
    // naming the strategy that did not load (it could play none of its runs).
    const loading = loadIsolatedStrategies(config.strategies, { decisionTimeoutMs: config.decisionTimeoutMs, signal }, (specifier) => {
      ledger.strategy = specifier
    })
    // While the strategy's worker starts on another core (a Node.js instance of its own), this
    // thread, which would only wait, loads the rest: the telemetry SDK the preload registered (on
    // before the first request, which is the run's: its span, the undici instrumentation's client
    // spans and traceparent), the runs' modules, and the HTTP client (undici).
    const telemetry = telemetryReady()
    const runner = many ? undefined : import('./runner.ts')
    const manyRuns = many ? import('./many-runs.ts') : undefined
    try {
      transport = createHttpTransport({
        url: config.url,
        startupTimeoutMs: config.startupTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        signal,
      })
      ledger.transport = transport
    } finally {
      // Even when the transport could not be made: the loaded strategies must be closed (below).
      strategies = await loading
    }
    ledger.strategy = strategies[0]!.name
    await telemetry
    if (manyRuns !== undefined) {
      const { playMany } = await manyRuns
      const code = await playMany({ config, strategies, transport, signal, ledger, log, warn, progressEveryMs: PROGRESS_EVERY_MS })
      if (signalName !== null) process.stderr.write(`maze-agent: ${AgentErrorCode.Aborted}: stopped by ${signalName}\n`)
      return signalName !== null ? exitCodeOfSignal(signalName) : code
    }
    // One run plays one strategy (readConfig refuses a list without --seeds).
    return await playOne(config, strategies[0]!, transport, signal, log, (await runner!).runAgent)
  } catch (err) {
    const failure = signalName !== null ? stopped() : err
    if (signalName !== null) process.stderr.write(`maze-agent: ${AgentErrorCode.Aborted}: stopped by ${signalName}\n`)
    else report(err, config.debug)
    ledger.fail(failure)
    return signalName !== null ? exitCodeOfSignal(signalName) : exitCodeOf(err)
  } finally {
    clearTimeout(deadlineTimer)
    await closeStrategies(strategies)
    await transport?.close().catch(() => {})
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** One run: the model's map of the walk (when the maze is the model's own), then its result line. */
async function playOne(
  config: AgentConfig,
  strategy: IsolatedStrategy,
  t: HttpTransport,
  signal: AbortSignal,
  log: (line: string) => void,
  runAgent: typeof import('./runner.ts').runAgent,
): Promise<number> {
  log(`strategy ${strategy.name}, model ${t.url}`)
  let lastProgress = Date.now()
  const played = await runAgent({
    transport: t,
    strategy,
    protocol: config.protocol,
    maxSteps: config.maxSteps,
    seed: config.seed,
    signal,
    onStart: (info) => {
      ledger.started(info)
      log(
        `maze ${info.width}x${info.height} from (${info.start.x}, ${info.start.y}), ` +
          `maze seed ${info.seed ?? 'unknown'}, rng seed ${info.rngSeed}, step limit ${info.maxSteps}, ` +
          (info.episodeId !== null ? `episode ${info.episodeId}` : 'classic routes'),
      )
    },
    onStep: (event) => {
      ledger.step(event)
      const now = Date.now()
      if (now - lastProgress < PROGRESS_EVERY_MS) return
      lastProgress = now
      log(`${event.steps} steps, ${t.requests} requests, ${event.observation.hasKey ? 'has the key' : 'looking for the key'}`)
    },
  })
  log(`${played.outcome}: ${played.result.steps} steps, ${played.result.requests} requests, ${played.result.elapsedMs} ms`)
  // The map is a nicety: without it the run's outcome and exit code stand (see the README). No map
  // and no error: the episode was not the model's own maze, so there is no map to draw.
  if (played.map !== null) process.stdout.write(played.map.endsWith('\n') ? played.map : `${played.map}\n`)
  else if (played.mapError !== null) process.stderr.write(`maze-agent: no map: ${played.mapError.code}: ${played.mapError.message}\n`)
  ledger.print(played.result, false)
  return played.result.solved ? ExitCode.Solved : ExitCode.NotSolved
}

process.exitCode = await main()
// Every way out of main() comes here, signals included (they abort the run): the spans of a short
// run would be lost otherwise. Bounded, and not even tried with nothing listening on the OTLP
// endpoint ('unreachable'). In either case an exporter's retry timers could keep the process
// alive, hence the explicit exit then.
const telemetry = await shutdownTelemetry()
if (telemetry === 'timed-out' || telemetry === 'unreachable') process.exit()
