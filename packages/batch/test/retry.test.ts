import { describe, expect, test } from 'vitest'
import { evaluateOnExit, matchesPattern, shouldRetry } from '../src/retry.ts'
import { render } from '../src/template.ts'

const strategy = render({ local: true }).retryStrategy

describe("the job definition's retry strategy, evaluated as Batch does", () => {
  test('patterns: exact, or a prefix with a trailing *', () => {
    expect(matchesPattern('Host EC2*', 'Host EC2 (instance i-0abc) terminated.')).toBe(true)
    expect(matchesPattern('Host EC2*', 'host EC2 (instance i-0abc) terminated.')).toBe(false)
    expect(matchesPattern('1', '1')).toBe(true)
    expect(matchesPattern('1', '13')).toBe(false)
    expect(matchesPattern('*', '')).toBe(true)
    expect(matchesPattern('*', undefined)).toBe(false)
  })

  test('a lost host or a Spot reclaim is retried, up to 3 attempts', () => {
    const hostLost = { exitCode: null, statusReason: 'Host EC2 (instance i-0123456789abcdef0) terminated.' }
    expect(evaluateOnExit(strategy, hostLost)).toBe('RETRY')
    expect(shouldRetry(strategy, 1, hostLost)).toBe(true)
    expect(shouldRetry(strategy, 3, hostLost)).toBe(false)
    expect(evaluateOnExit(strategy, { exitCode: null, statusReason: 'Your Spot Task was interrupted.' })).toBe('RETRY')
  })

  test("the agent's failure (any exit code) and a bad image are not retried", () => {
    expect(evaluateOnExit(strategy, { exitCode: 1, statusReason: 'Essential container in task exited' })).toBe('EXIT')
    expect(
      evaluateOnExit(strategy, {
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
        statusReason: 'Essential container in task exited',
      }),
    ).toBe('EXIT')
    expect(
      evaluateOnExit(strategy, { exitCode: null, reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' }),
    ).toBe('EXIT')
    expect(shouldRetry(strategy, 1, { exitCode: 1 })).toBe(false)
  })

  test('when no rule matches, Batch retries (a failure without exit code or known reason)', () => {
    expect(evaluateOnExit(strategy, { exitCode: null, reason: 'ResourceInitializationError: failed to validate logger args' })).toBe(
      'RETRY',
    )
    expect(shouldRetry(undefined, 1, { exitCode: 1 })).toBe(false)
  })
})
