import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { registerShutdown, registerStarting, shutdownTelemetry, telemetryReady, telemetryStarted } from '../src/shutdown.ts'

/** A TCP server on a free port, or (closed) a port nothing listens on. */
async function listening(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { server, endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
}

// startTelemetry records the SDK's shutdown here; these tests record their own and remove it after.
const SLOT = Symbol.for('@maze-sim/telemetry.shutdown')
afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[SLOT]
})

describe('shutdownTelemetry', () => {
  test('without an SDK (unit tests, library users, OTEL_SDK_DISABLED) it resolves at once', async () => {
    expect(telemetryStarted()).toBe(false)
    expect(await shutdownTelemetry(10)).toBe('no-sdk')
  })

  test('waits for the flush when it is quick', async () => {
    let flushed = false
    registerShutdown(async () => {
      await new Promise((r) => setTimeout(r, 20))
      flushed = true
    })
    expect(telemetryStarted()).toBe(true)
    expect(await shutdownTelemetry(1_000)).toBe('flushed')
    expect(flushed).toBe(true)
  })

  test('never waits longer than its bound for a flush that hangs', async () => {
    registerShutdown(() => new Promise(() => {}))
    // A flush that never settles: the answer comes from the bound (it would hang the test otherwise).
    expect(await shutdownTelemetry(100)).toBe('timed-out')
  })

  test('a failing flush is reported, not thrown', async () => {
    registerShutdown(() => Promise.reject(new Error('exporter broke')))
    expect(await shutdownTelemetry(1_000)).toBe('failed')
  })

  test('nothing listening on an OTLP endpoint: no flush at all, one warning, "unreachable"', async () => {
    const { server, endpoint } = await listening()
    await new Promise((resolve) => server.close(resolve))
    const warn = vi.spyOn((await import('@opentelemetry/api')).diag, 'warn').mockImplementation(() => {})
    const shutdown = vi.fn(async () => {})
    registerShutdown(shutdown, undefined, [endpoint])
    // Not a clock: the flush, which would retry against a refused connection, is never started.
    expect(await shutdownTelemetry(1_000)).toBe('unreachable')
    expect(shutdown).not.toHaveBeenCalled()
    expect(warn.mock.calls).toEqual([[`spans and metrics not sent: nothing listening at ${endpoint} (ECONNREFUSED)`]])
    warn.mockRestore()
  })

  test('a collector listening: the flush goes ahead', async () => {
    const { server, endpoint } = await listening()
    const shutdown = vi.fn(async () => {})
    registerShutdown(shutdown, undefined, [endpoint, endpoint])
    expect(await shutdownTelemetry(1_000)).toBe('flushed')
    expect(shutdown).toHaveBeenCalledTimes(1)
    await new Promise((resolve) => server.close(resolve))
  })

  test('telemetryReady waits for an SDK that is starting; the shutdown too', async () => {
    // Without an SDK it is resolved already.
    await telemetryReady()
    let started: (running: { shutdown: () => Promise<void> }) => void = () => {}
    const shutdown = vi.fn(async () => {})
    registerStarting(new Promise((resolve) => (started = resolve)))
    expect(telemetryStarted()).toBe(true)
    let ready = false
    void telemetryReady().then(() => (ready = true))
    const outcome = shutdownTelemetry(1_000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBe(false)
    expect(shutdown).not.toHaveBeenCalled()
    started({ shutdown })
    expect(await outcome).toBe('flushed')
    expect(ready).toBe(true)
    expect(shutdown).toHaveBeenCalledTimes(1)
  })

  test('an SDK that could not start: nothing to flush', async () => {
    registerStarting(Promise.resolve(undefined))
    await telemetryReady()
    expect(await shutdownTelemetry(1_000)).toBe('no-sdk')
  })

  test('later calls share the first one: the SDK is shut down once', async () => {
    let calls = 0
    registerShutdown(async () => {
      calls++
    })
    const outcomes = await Promise.all([shutdownTelemetry(), shutdownTelemetry(), shutdownTelemetry()])
    expect(outcomes).toEqual(['flushed', 'flushed', 'flushed'])
    expect(calls).toBe(1)
  })
})
