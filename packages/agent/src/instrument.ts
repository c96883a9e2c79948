// OpenTelemetry for the agent program, preloaded before anything else is imported:
//   node --import ./packages/agent/src/instrument.ts packages/agent/src/main.ts
// Configured by the OTEL_* variables (see packages/telemetry); OTEL_SDK_DISABLED=true turns it off.
// The SDK loads in the background while the program starts (its strategy worker, its HTTP client):
// main.ts awaits telemetryReady() before the first request and flushes before every exit
// (shutdownTelemetry); the runner makes the `agent.run` span. Its instrumentation (undici) listens
// on diagnostics channels, so it need not be on before undici is loaded, only before it is used.
import { isMainThread } from 'node:worker_threads'

// The preload also runs in the strategy workers: no telemetry there (one SDK per process).
if (isMainThread) {
  const { startTelemetry } = await import('@maze-sim/telemetry')
  // Registered now (telemetryReady() waits for it), loaded without holding up main.ts.
  void startTelemetry({
    serviceName: 'maze-agent',
    instrumentations: ['undici'],
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
