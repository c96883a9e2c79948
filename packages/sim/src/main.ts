#!/usr/bin/env node
// `npm start`: the whole simulation on one machine, no Docker. The model is the real HTTP service
// (started in this process, on localhost); the agent is the real runner with its undici client.
import { randomInt } from 'node:crypto'
import {
  createHttpTransport,
  ExitCode,
  exitCodeOf,
  isAgentError,
  loadStrategy,
  runAgent,
  slowedTransport,
  type Strategy,
} from '@maze-sim/agent'
import { startModel } from '@maze-sim/model'
import { readSimConfig, SimConfigError, USAGE, type SimConfig } from './config.ts'

const PROGRESS_EVERY_MS = 2_000

async function main(): Promise<number> {
  let config: SimConfig
  try {
    config = readSimConfig()
  } catch (err) {
    if (!(err instanceof SimConfigError)) throw err
    process.stderr.write(`maze-sim: ${err.code}: ${err.message}\n`)
    return ExitCode.BadConfig
  }
  if (config.help) {
    process.stdout.write(USAGE)
    return ExitCode.Solved
  }
  const log = (line: string): void => {
    if (!config.quiet) process.stderr.write(`maze-sim: ${line}\n`)
  }
  const seed = config.seed ?? randomInt(0, 2 ** 32)
  let strategy: Strategy
  try {
    strategy = await loadStrategy(config.strategy)
  } catch (err) {
    process.stderr.write(`maze-sim: ${isAgentError(err) ? `${err.code}: ` : ''}${(err as Error).message}\n`)
    return exitCodeOf(err)
  }

  const model = await listen(config, seed)
  log(`maze model on ${model.url} — ${config.width}x${config.height}, seed ${seed}${config.seed === null ? ' (random)' : ''}`)
  log(`view: ${model.url}/ — the maze and the agent live in a browser${config.linger ? '' : ' (--linger keeps it up after the run)'}`)
  const http = createHttpTransport({ url: model.url })
  const transport = config.stepDelayMs > 0 ? slowedTransport(http, config.stepDelayMs) : http
  try {
    // The agent would wait out the 503s itself (Retry-After: 1); waiting here keeps a short run short.
    await model.ready
    let lastProgress = Date.now()
    const run = await runAgent({
      transport,
      strategy,
      onStep: (event) => {
        const now = Date.now()
        if (now - lastProgress < PROGRESS_EVERY_MS) return
        lastProgress = now
        log(`${event.steps} steps, ${event.observation.hasKey ? 'has the key, looking for the exit' : 'looking for the key'}`)
      },
    })
    const { result } = run
    // As the agent program: the map is a nicety, the run's outcome stands without it.
    if (run.map !== null) process.stdout.write(run.map.endsWith('\n') ? run.map : `${run.map}\n`)
    else log(`no map: ${run.mapError?.code}: ${run.mapError?.message}`)
    const ratio = result.optimalSteps ? ` — ${(result.steps / result.optimalSteps).toFixed(2)}x the optimal ${result.optimalSteps}` : ''
    log(
      `${strategy.name} ${run.outcome} in ${result.steps} steps${ratio} (key at step ${result.keyStep ?? '-'}), ${result.requests} requests, ${result.elapsedMs} ms`,
    )
    process.stdout.write(`${JSON.stringify(result)}\n`)
    if (config.linger) {
      // Ctrl-C (or SIGTERM) ends the wait; the result's exit code stands.
      process.stderr.write(`maze-sim: view: ${model.url}/ stays up — press Ctrl-C to stop\n`)
      await untilSignal()
    }
    return result.solved ? ExitCode.Solved : ExitCode.NotSolved
  } catch (err) {
    const code = (err as { code?: unknown }).code
    process.stderr.write(`maze-sim: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`)
    // The agent program's table: a strategy bug is 4, the model's fault 3 (exit-code.ts).
    return exitCodeOf(err)
  } finally {
    await transport.close()
    await model.close()
  }
}

/** Resolves at the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
  })
}

/** Starts the model on the configured port; the default port falls back to a free one when taken. */
async function listen(config: SimConfig, seed: number): Promise<Awaited<ReturnType<typeof startModel>>> {
  // stdout is the map and the agent's result line, which carries the referee's figures already:
  // the model's own referee line is not printed here.
  const episodes = { writeResult: () => {} }
  const options = { host: '127.0.0.1', width: config.width, height: config.height, seed, logger: false as const, episodes }
  try {
    return await startModel({ ...options, port: config.port })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !config.portIsDefault) throw err
    return startModel({ ...options, port: 0 })
  }
}

process.exitCode = await main()
