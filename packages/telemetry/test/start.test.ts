// startTelemetry in a process of its own (it registers global providers): test/fixtures/start-probe.ts.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const PROBE = fileURLToPath(new URL('./fixtures/start-probe.ts', import.meta.url))

async function probe(env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [PROBE], {
    // Nothing exported: no exporter is set up for traces' ended spans, metrics or logs.
    env: {
      PATH: process.env.PATH ?? '',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      ...env,
    },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c))
  child.stderr.on('data', (c: Buffer) => (stderr += c))
  const code = await new Promise((resolve) => child.on('close', resolve))
  expect(code, stderr).toBe(0)
  expect(stderr).toBe('')
  return JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>
}

describe('startTelemetry', () => {
  test('starts one SDK per process: spans record; a second call and worker threads start none', async () => {
    expect(await probe({})).toEqual({
      first: 'started',
      second: 'already-started',
      inWorker: 'worker-thread',
      recording: true,
      apiGlobal: true,
      sdkLoaded: true,
      shutdown: 'flushed',
    })
  })

  test('OTEL_SDK_DISABLED=true: no SDK at all, not even loaded; the API stays a no-op', async () => {
    expect(await probe({ OTEL_SDK_DISABLED: 'true' })).toEqual({
      first: 'disabled',
      second: 'disabled',
      inWorker: 'worker-thread',
      recording: false,
      apiGlobal: false,
      sdkLoaded: false,
      shutdown: 'no-sdk',
    })
  })
})
