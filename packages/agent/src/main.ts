#!/usr/bin/env node
// The agent program: reads its config, loads a strategy, runs it against the model over HTTP,
// prints the map and the result line. Exit codes are listed in USAGE (config.ts) and the README.
// Telemetry, when preloaded (instrument.ts), is flushed before every exit, within a bound.
import { shutdownTelemetry } from '@maze-sim/telemetry/shutdown'
import { readConfig, ExitCode, USAGE, type AgentConfig } from './config.ts'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import { createHttpTransport, type HttpTransport } from './http-transport.ts'
import { loadStrategy } from './load-strategy.ts'
import { runAgent } from './runner.ts'

const PROGRESS_EVERY_MS = 3_000

const exitCodeOf = (err: unknown, signalName: string | null): number => {
  if (signalName === 'SIGINT') return ExitCode.Interrupted
  if (signalName === 'SIGTERM') return ExitCode.Terminated
  if (!(err instanceof AgentError)) return ExitCode.StrategyFailed
  switch (err.code) {
    case AgentErrorCode.Config:
    case AgentErrorCode.StrategyLoad:
      return ExitCode.BadConfig
    case AgentErrorCode.ModelUnreachable:
    case AgentErrorCode.BadResponse:
      return ExitCode.ModelUnreachable
    case AgentErrorCode.Aborted:
      return ExitCode.Terminated
    default:
      return ExitCode.StrategyFailed
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

async function main(): Promise<number> {
  let config: AgentConfig
  try {
    config = readConfig()
  } catch (err) {
    report(err, false)
    return exitCodeOf(err, null)
  }
  if (config.help) {
    process.stdout.write(USAGE)
    return ExitCode.Solved
  }

  const log = (line: string): void => {
    if (!config.quiet) process.stderr.write(`maze-agent: ${line}\n`)
  }
  const abort = new AbortController()
  let signalName: string | null = null
  const onSignal = (name: NodeJS.Signals): void => {
    if (signalName !== null) process.exit(name === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated)
    signalName = name
    log(`${name}: stopping`)
    abort.abort(new AgentError(AgentErrorCode.Aborted, `stopped by ${name}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  let transport: HttpTransport | undefined
  try {
    const strategy = await loadStrategy(config.strategy)
    transport = createHttpTransport({
      url: config.url,
      startupTimeoutMs: config.startupTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      signal: abort.signal,
    })
    const t = transport
    log(`strategy ${strategy.name}, model ${t.url}`)
    let lastProgress = Date.now()
    const run = await runAgent({
      transport: t,
      strategy,
      maxSteps: config.maxSteps,
      seed: config.seed,
      signal: abort.signal,
      onStart: (info) =>
        log(
          `maze ${info.width}x${info.height} from (${info.start.x}, ${info.start.y}), ` +
            `maze seed ${info.seed ?? 'unknown'}, rng seed ${info.rngSeed}, step limit ${info.maxSteps}`,
        ),
      onStep: (event) => {
        const now = Date.now()
        if (now - lastProgress < PROGRESS_EVERY_MS) return
        lastProgress = now
        log(`${event.steps} steps, ${t.requests} requests, ${event.observation.hasKey ? 'has the key' : 'looking for the key'}`)
      },
    })
    log(`${run.outcome}: ${run.result.steps} steps, ${run.result.requests} requests, ${run.result.elapsedMs} ms`)
    process.stdout.write(run.map.endsWith('\n') ? run.map : `${run.map}\n`)
    process.stdout.write(`${JSON.stringify(run.result)}\n`)
    return run.result.solved ? ExitCode.Solved : ExitCode.NotSolved
  } catch (err) {
    if (signalName !== null) process.stderr.write(`maze-agent: ${AgentErrorCode.Aborted}: stopped by ${signalName}\n`)
    else report(err, config.debug)
    return exitCodeOf(err, signalName)
  } finally {
    await transport?.close().catch(() => {})
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

process.exitCode = await main()
// Every way out of main() comes here, signals included (they abort the run): the spans of a short
// run would be lost otherwise. Bounded: with no collector listening, the exporter retries until the
// bound and its timers would keep the process alive, hence the explicit exit then.
if ((await shutdownTelemetry()) === 'timed-out') process.exit()
