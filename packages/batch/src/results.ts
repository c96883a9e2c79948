// The agent's one-line JSON result, found in a container's log (CloudWatch Logs or a local run's
// files), and the rows `results` and `run-local` print: one JSON line per run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { AGENT_RESULT_KEYS, isFailedResult, parseAgentResult, type ParsedAgentResult } from '@maze-sim/agent/result'
import { BatchError, BatchErrorCode } from './errors.ts'

/** The agent's result keys, in the order it prints them (its own schema, not a copy). */
export const RESULT_KEYS = AGENT_RESULT_KEYS

/** The agent's result line, as read back: a finished run's, or a failed run's (with `error`). */
export type RunResult = ParsedAgentResult

/** One line of `results` / `run-local` output. */
export interface ResultRow {
  readonly jobId: string
  /** The child's index in its array job; null for a single job. */
  readonly arrayIndex: number | null
  readonly status: string
  /** The result container's exit code (null when it did not run or Batch has none). */
  readonly exitCode: number | null
  readonly statusReason?: string | undefined
  readonly attempts?: number | undefined
  readonly result: RunResult | null
}

/**
 * The last result line of a log (`parseAgentResult` of @maze-sim/agent: a failed run's line, with
 * `error` and `message`, is a result too). The agent prints it as the last line of stdout, but a log
 * that mixes stdout and stderr (CloudWatch, `docker logs`) can have stderr lines after it.
 */
export function findResult(log: string | readonly string[]): RunResult | null {
  const lines = typeof log === 'string' ? log.split('\n') : log
  for (let i = lines.length - 1; i >= 0; i--) {
    const result = parseAgentResult(lines[i]!)
    if (result !== null) return result
  }
  return null
}

/** The file the local runner writes a container's log to. */
export const localLogFile = (runDir: string, arrayIndex: number | null, attempt: number, container: string): string =>
  join(runDir, arrayIndex === null ? 'job' : `child-${arrayIndex}`, `attempt-${attempt}`, `${container}.log`)

/** The file with the local run's summary rows (one JSON line per run). */
export const localSummaryFile = (runDir: string): string => join(runDir, 'status.jsonl')

/**
 * Results of a local run directory (what `run-local` printed, re-read from its files): the status
 * of each run from status.jsonl, the result from the last attempt's log of `container`.
 */
export function resultsFromDirectory(runDir: string, container = 'agent'): ResultRow[] {
  const summary = localSummaryFile(runDir)
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new BatchError(BatchErrorCode.Results, `${runDir} is not a directory: pass the run directory run-local printed (…/<job id>)`)
  }
  if (!existsSync(summary))
    throw new BatchError(BatchErrorCode.Results, `${summary} does not exist: is ${runDir} a run-local directory, and did the run finish?`)
  const rows = readFileSync(summary, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ResultRow)
  return rows.map((row) => {
    const childDir = join(runDir, row.arrayIndex === null ? 'job' : `child-${row.arrayIndex}`)
    const attempts = existsSync(childDir)
      ? readdirSync(childDir)
          .map((d) => /^attempt-(\d+)$/.exec(d)?.[1])
          .filter((d): d is string => d !== undefined)
          .map(Number)
      : []
    const last = attempts.length > 0 ? Math.max(...attempts) : undefined
    const file = last === undefined ? undefined : localLogFile(runDir, row.arrayIndex, last, container)
    const result = file !== undefined && existsSync(file) ? findResult(readFileSync(file, 'utf8')) : null
    return { ...row, result }
  })
}

/** Counts for the summary line: solved / runs, and mean steps of the solved runs. */
export function summarizeResults(rows: readonly ResultRow[]): string {
  const withResult = rows.filter((r) => r.result !== null)
  const solved = withResult.filter((r) => r.result!.solved)
  const failed = withResult.filter((r) => isFailedResult(r.result!))
  const meanSteps = solved.length === 0 ? 0 : Math.round(solved.reduce((s, r) => s + r.result!.steps, 0) / solved.length)
  const succeeded = rows.filter((r) => r.status === 'SUCCEEDED').length
  return `${rows.length} run${rows.length === 1 ? '' : 's'}: ${succeeded} succeeded, ${rows.length - succeeded} not; ${withResult.length} with a result, ${solved.length} solved${solved.length > 0 ? ` (mean ${meanSteps} steps)` : ''}${failed.length > 0 ? `, ${failed.length} failed with an error` : ''}`
}
