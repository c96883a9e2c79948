import { afterEach, describe, expect, test } from 'vitest'
import { registerShutdown, shutdownTelemetry, telemetryStarted } from '../src/shutdown.ts'

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
