// OpenTelemetry for the maze-model program, preloaded before anything else is imported:
//   node --import ./packages/model/src/instrument.ts packages/model/src/server.ts
// Fastify and node:http must be instrumented before the server module loads them, hence a preload
// rather than a call in server.ts. Configured by the OTEL_* variables (see packages/telemetry);
// OTEL_SDK_DISABLED=true turns it off. server.ts flushes on SIGTERM (shutdownTelemetry).
import { startTelemetry } from '@maze-sim/telemetry'

await startTelemetry({ serviceName: 'maze-model' })
