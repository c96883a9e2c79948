// OpenTelemetry for the agent program, preloaded before anything else is imported:
//   node --import ./packages/agent/src/instrument.ts packages/agent/src/main.ts
// Configured by the OTEL_* variables (see packages/telemetry); OTEL_SDK_DISABLED=true turns it off.
// main.ts flushes before every exit (shutdownTelemetry); the runner makes the `agent.run` span.
import { startTelemetry } from '@maze-sim/telemetry'
import { readConfig } from './config.ts'

// The strategy the job was started with, as a resource attribute (a sweep's runs differ by it):
// with several (--strategy a,b) their list, `a,b`; each run's span names its own.
// Read through the program's one config reader; a bad configuration is main.ts's to report.
let strategy: string | undefined
try {
  const config = readConfig()
  if (!config.help) strategy = config.strategies.join(',')
} catch {
  strategy = undefined
}

await startTelemetry({ serviceName: 'maze-agent', attributes: strategy === undefined ? {} : { 'agent.strategy': strategy } })
