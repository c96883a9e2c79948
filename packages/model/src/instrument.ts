// OpenTelemetry for the maze-model program, preloaded before anything else is imported:
//   node --import ./packages/model/src/instrument.ts packages/model/src/server.ts
// Configured by the OTEL_* variables (see packages/telemetry); OTEL_SDK_DISABLED=true turns it off.
// The SDK is registered here and loaded later, once the maze generation has begun (a big maze's
// worker starts meanwhile): startModel (start.ts) calls telemetryReady() then, and awaits it before
// it makes the Fastify instance, which @fastify/otel and the request metrics hook as it is made.
// server.ts flushes on SIGTERM (shutdownTelemetry).
import { enableCompileCache } from 'node:module'
import { isMainThread } from 'node:worker_threads'

// Node's on-disk module compile cache (the TypeScript stripped and the code compiled), on before
// anything else is loaded: a start after the first one on a machine strips and compiles none of it
// again, about half the CPU time of a start. In os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Never fails a start (a read-only /tmp: no cache). Worker
// threads (the maze generation worker) get it through the variable, which Node reads as a worker starts.
// This file itself is stripped of its types before the cache is on, unless NODE_COMPILE_CACHE was set
// when the process started (scripts/launch.mjs sets it for `pnpm model`, an image can too).
const compileCache = enableCompileCache()
if (compileCache.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= compileCache.directory

// The preload also runs in the generation worker: no telemetry there (one SDK per process).
if (isMainThread) {
  const { startTelemetry } = await import('@maze-sim/telemetry')
  void startTelemetry({ serviceName: 'maze-model', instrumentations: ['fastify'], deferred: true })
}
