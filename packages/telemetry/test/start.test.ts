// startTelemetry in a process of its own (it registers global providers): test/fixtures/start-probe.ts.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const PROBE = fileURLToPath(new URL('./fixtures/start-probe.ts', import.meta.url))

async function probe(env: Record<string, string>): Promise<{ report: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, [PROBE], {
    // Nothing exported: no exporter is set up for traces' ended spans, metrics or logs.
    env: {
      PATH: process.env.PATH ?? '',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      ...env,
    },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c))
  child.stderr.on('data', (c: Buffer) => (stderr += c))
  const code = await new Promise((resolve) => child.on('close', resolve))
  expect(code, stderr).toBe(0)
  return { report: JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>, stderr }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('startTelemetry', () => {
  test('starts one SDK per process: spans record; a second call and worker threads start none', async () => {
    const { report, stderr } = await probe({})
    expect(stderr).toBe('')
    expect(report).toMatchObject({
      first: 'started',
      second: 'already-started',
      inWorker: 'worker-thread',
      recording: true,
      apiGlobal: true,
      sdkLoaded: true,
      shutdown: 'flushed',
    })
  })

  test('loads no instrumentation it was not asked for; the OTLP exporters not before an export', async () => {
    const port = await closedPort()
    const { report } = await probe({
      PROBE_INSTRUMENTATIONS: 'undici',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    })
    expect(report).toMatchObject({
      first: 'started',
      recording: true,
      loaded: { http: false, fastify: false, exporters: false },
    })
  })

  test('OTEL_NODE_ENABLED_INSTRUMENTATIONS picks among them', async () => {
    const { report } = await probe({ PROBE_INSTRUMENTATIONS: 'undici', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' })
    expect(report).toMatchObject({ first: 'started', loaded: { http: true, fastify: false } })
  })

  test("a Fastify server's telemetry without @fastify/otel, unless its hook spans are asked for (fastify-hooks)", async () => {
    const own = await probe({ PROBE_INSTRUMENTATIONS: 'fastify' })
    expect(own.report).toMatchObject({ first: 'started', loaded: { http: false, fastify: false } })
    const hooks = await probe({ PROBE_INSTRUMENTATIONS: 'fastify', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'fastify,fastify-hooks' })
    expect(hooks.report).toMatchObject({ first: 'started', loaded: { http: false, fastify: true } })
  })

  test('nothing listening on the OTLP endpoint: the flush is not tried, one warning says so', async () => {
    const port = await closedPort()
    const { report, stderr } = await probe({
      PROBE_INSTRUMENTATIONS: 'undici',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    })
    // 'unreachable': the shutdown answered without waiting for the exporters' retries.
    expect(report).toMatchObject({ shutdown: 'unreachable', loaded: { exporters: false } })
    const lines = stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      new RegExp(`^probe telemetry: spans and metrics not sent: nothing listening at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    )
  })

  test('OTEL_SDK_DISABLED=true: no SDK at all, not even loaded; the API stays a no-op', async () => {
    const { report, stderr } = await probe({ OTEL_SDK_DISABLED: 'true' })
    expect(stderr).toBe('')
    expect(report).toEqual({
      first: 'disabled',
      second: 'disabled',
      inWorker: 'worker-thread',
      recording: false,
      apiGlobal: false,
      sdkLoaded: false,
      loaded: { http: false, fastify: false, exporters: false },
      shutdown: 'no-sdk',
    })
  })
})
