#!/usr/bin/env node
// The maze-model program: read config once, listen, generate in a worker, serve; stop cleanly on
// SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 failure (listen, generation), 2 bad configuration.
// Telemetry, when preloaded (instrument.ts), is flushed after the server has closed, within a bound.
import { shutdownTelemetry } from '@maze-sim/telemetry/shutdown'
import { ConfigError } from './errors.ts'
import { readModelConfig, usage, type ModelConfig } from './config.ts'
import { startModel, type RunningModel } from './start.ts'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(usage())
  process.exit(0)
}

let config: ModelConfig
try {
  config = readModelConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  process.stderr.write(`maze-model: bad configuration (${error.code}):\n${error.problems.map((p) => `  ${p}\n`).join('')}`)
  process.stderr.write('Run with --help to see every variable and its default.\n')
  process.exit(2)
}

// A reader of stdout or stderr that went away: nothing more can be written there, and nothing is
// lost by going on (the model keeps serving; a signal still stops it). Anything else is a bug.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

let model: RunningModel
try {
  model = await startModel({
    port: config.port,
    host: config.host,
    width: config.width,
    height: config.height,
    seed: config.seed,
    seedWasRandom: config.seedWasRandom,
    // process.stdout, not pino's own destination: when the reader of stdout is gone (a parent killed,
    // `| head`), pino's destination retries the failed write for ever as it flushes at exit, and
    // the model could never stop. Write errors on stdout are dropped below.
    logger: { level: config.logLevel, stream: process.stdout },
    logRequests: config.logRequests,
    closeTimeoutMs: config.shutdownTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    episodes: { limits: config.episodeLimits },
    ...(config.sealed !== undefined ? { sealed: config.sealed } : {}),
  })
} catch (error) {
  process.stderr.write(`maze-model: could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
const { app } = model

let stopping = false
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    app.log.warn({ signal }, 'second signal: exiting now')
    process.exit(1)
  }
  stopping = true
  app.log.info({ signal }, 'shutting down: finishing in-flight requests')
  await model.close()
  // After the close: the spans of the last requests have ended and are in the batch by now.
  // 'no-sdk', 'flushed', or 'timed-out' (nothing listening: the SDK has already warned once).
  const telemetry = await shutdownTelemetry()
  app.log.info({ telemetry }, 'stopped')
  process.exit(0)
}
process.on('SIGTERM', (signal) => void stop(signal))
process.on('SIGINT', (signal) => void stop(signal))

model.ready.catch(async (error: unknown) => {
  if (stopping) return // generation was aborted by the shutdown
  app.log.fatal({ err: error }, 'maze generation failed: stopping')
  await model.close().catch(() => {})
  await shutdownTelemetry()
  process.exit(1)
})
