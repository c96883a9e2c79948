// AWS Batch's retry decision for a failed attempt: the evaluateOnExit rules in order, the first
// whose every given condition matches decides; when none matches the job is retried (while attempts
// remain). Patterns match exactly, or by prefix when they end with `*`.
import type { RetryStrategy } from '@aws-sdk/client-batch'

/** What Batch knows about a failed attempt. */
export interface AttemptOutcome {
  /** The exit code of the container that failed the job (null: it never ran or has no code). */
  readonly exitCode: number | null
  /** The container's reason (e.g. `CannotPullContainerError: ...`, `OutOfMemoryError: ...`). */
  readonly reason?: string | undefined
  /** The job's status reason (e.g. `Host EC2 (instance i-...) terminated.`, `Essential container in task exited`). */
  readonly statusReason?: string | undefined
}

export const RetryDecision = { Retry: 'RETRY', Exit: 'EXIT' } as const
export type RetryDecision = (typeof RetryDecision)[keyof typeof RetryDecision]

/** A Batch pattern: exact, or a prefix when it ends with `*` (`*` alone matches anything). */
export function matchesPattern(pattern: string, value: string | undefined | null): boolean {
  if (value === undefined || value === null) return false
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern
}

/** RETRY or EXIT for a failed attempt, by the evaluateOnExit rules (ignoring how many attempts are left). */
export function evaluateOnExit(strategy: RetryStrategy | undefined, outcome: AttemptOutcome): RetryDecision {
  for (const rule of strategy?.evaluateOnExit ?? []) {
    const conditions: boolean[] = []
    if (rule.onExitCode !== undefined)
      conditions.push(matchesPattern(rule.onExitCode, outcome.exitCode === null ? null : String(outcome.exitCode)))
    if (rule.onReason !== undefined) conditions.push(matchesPattern(rule.onReason, outcome.reason))
    if (rule.onStatusReason !== undefined) conditions.push(matchesPattern(rule.onStatusReason, outcome.statusReason))
    if (conditions.every(Boolean))
      return (rule.action ?? '').toUpperCase() === RetryDecision.Exit ? RetryDecision.Exit : RetryDecision.Retry
  }
  return RetryDecision.Retry
}

/** Whether attempt number `attempt` (from 1) that failed with `outcome` is followed by another. */
export function shouldRetry(strategy: RetryStrategy | undefined, attempt: number, outcome: AttemptOutcome): boolean {
  const attempts = strategy?.attempts ?? 1
  return attempt < attempts && evaluateOnExit(strategy, outcome) === RetryDecision.Retry
}
