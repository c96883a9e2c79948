// OpenTelemetry for the agent program, preloaded before anything else is imported:
//   node --import ./packages/agent/src/instrument.ts packages/agent/src/main.ts
// Configured by the OTEL_* variables (see packages/telemetry); OTEL_SDK_DISABLED=true turns it off.
// The SDK is registered here and loaded later, while the strategy's worker starts (main.ts calls
// telemetryReady() then, and awaits it before the first request); main.ts flushes before every
// exit (shutdownTelemetry); the runner makes the `agent.run` span. Its instrumentation (undici)
// listens on diagnostics channels, so it need not be on before undici is loaded, only before it is used.
import { enableCompileCache } from 'node:module'
import { isMainThread } from 'node:worker_threads'

// Node's on-disk module compile cache (the TypeScript stripped and the code compiled), on before
// anything else is loaded: a start after the first one on a machine strips and compiles none of it
// again, about half the CPU time of a start. In os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Never fails a start (a read-only /tmp: no cache). Worker
// threads (the strategy workers, which run without this preload) get it through the variable, which Node reads as a worker starts.
// This file itself is stripped of its types before the cache is on, unless NODE_COMPILE_CACHE was set
// when the process started (scripts/launch.mjs sets it for `pnpm agent`, an image can too).
const compileCache = enableCompileCache()
if (compileCache.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= compileCache.directory

// The preload also runs in the strategy workers: no telemetry there (one SDK per process).
if (isMainThread) {
  const { startTelemetry } = await import('@maze-sim/telemetry')
  // Registered now, loaded from main.ts's first telemetryReady(): not alongside main.ts's own modules.
  void startTelemetry({
    serviceName: 'maze-agent',
    instrumentations: ['undici'],
    deferred: true,
    // The strategy the job was started with, as a resource attribute (a sweep's runs differ by it):
    // with several (--strategy a,b) their list, `a,b`; each run's span names its own. Read through
    // the program's one config reader (loaded by main.ts anyway); a bad configuration is main.ts's
    // to report.
    attributes: async () => {
      try {
        const config = (await import('./config.ts')).readConfig()
        return config.help ? {} : { 'agent.strategy': config.strategies.join(',') }
      } catch {
        return {}
      }
    },
  })
}
