// The agent's one-line JSON result, found in a container's log (CloudWatch Logs or a local run's
// files), and the rows `results` and `run-local` print: one JSON line per run. A run-local
// directory also holds the job as it was run (definition.json, submission.json), so the results of
// a packed job can be set against the runs each child was given (packed-results.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput } from '@aws-sdk/client-batch'
import { AGENT_RESULT_KEYS, isFailedResult, parseAgentResult, type ParsedAgentResult } from '@maze-sim/agent/result'
import { BatchError, BatchErrorCode } from './errors.ts'
import { applySubmission } from './overrides.ts'
import { packedJobOf, type AttemptLogs, type ChildLogs, type PackedJob } from './packed-results.ts'

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

/** The job definition a local run ran (before the submission's overrides). */
export const localDefinitionFile = (runDir: string): string => join(runDir, 'definition.json')
/** The SubmitJob input a local run ran. */
export const localSubmissionFile = (runDir: string): string => join(runDir, 'submission.json')

const assertRunDir = (runDir: string): void => {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new BatchError(BatchErrorCode.Results, `${runDir} is not a directory: pass the run directory run-local printed (…/<job id>)`)
  }
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new BatchError(BatchErrorCode.Results, `cannot read ${file}: ${(err as Error).message}`, { cause: err })
  }
}

/** The job a run directory ran: its definition and submission (null for a directory from before they were kept). */
export function readLocalJob(runDir: string): { definition: RegisterJobDefinitionCommandInput; submission: SubmitJobCommandInput } | null {
  assertRunDir(runDir)
  if (!existsSync(localDefinitionFile(runDir)) || !existsSync(localSubmissionFile(runDir))) return null
  return {
    definition: readJson(localDefinitionFile(runDir)) as RegisterJobDefinitionCommandInput,
    submission: readJson(localSubmissionFile(runDir)) as SubmitJobCommandInput,
  }
}

/** The packed job a run directory ran, or null (not packed, or a directory without definition.json). */
export function localPackedJob(runDir: string, agent = 'agent', model = 'model'): PackedJob | null {
  const job = readLocalJob(runDir)
  if (job === null) return null
  const containers = applySubmission(job.definition, job.submission).ecsProperties?.taskProperties?.[0]?.containers ?? []
  return packedJobOf(containers.find((c) => c.name === agent)?.environment, containers.find((c) => c.name === model)?.environment)
}

const summaryRows = (runDir: string): ResultRow[] =>
  existsSync(localSummaryFile(runDir))
    ? readFileSync(localSummaryFile(runDir), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as ResultRow]
          } catch {
            return [] // a line cut short by a killed run
          }
        })
    : []

const attemptsOf = (childDir: string): number[] =>
  existsSync(childDir)
    ? readdirSync(childDir)
        .map((d) => /^attempt-(\d+)$/.exec(d)?.[1])
        .filter((d): d is string => d !== undefined)
        .map(Number)
        .sort((a, b) => a - b)
    : []

const linesOf = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [])

/**
 * The children of a packed local run, with the model's and the agent's lines of every attempt: every
 * child with a status row (status.jsonl, written as children finish) or a directory of its own (a
 * run stopped before it finished: status UNKNOWN).
 */
export function packedChildrenFromDirectory(runDir: string, job: PackedJob, agent = 'agent', model = 'model'): ChildLogs[] {
  assertRunDir(runDir)
  const rows = new Map(summaryRows(runDir).map((r) => [r.arrayIndex, r]))
  const single = job.children === 1 && existsSync(join(runDir, 'job'))
  const out: ChildLogs[] = []
  for (let i = 0; i < job.children; i++) {
    const arrayIndex = single ? null : i
    const childDir = join(runDir, arrayIndex === null ? 'job' : `child-${arrayIndex}`)
    const row = rows.get(arrayIndex)
    const attempts: AttemptLogs[] = attemptsOf(childDir).map((attempt) => ({
      attempt,
      model: linesOf(localLogFile(runDir, arrayIndex, attempt, model)),
      agent: linesOf(localLogFile(runDir, arrayIndex, attempt, agent)),
    }))
    if (row === undefined && attempts.length === 0) continue
    out.push({
      jobId: row?.jobId ?? `${runDir.split('/').pop()}${arrayIndex === null ? '' : `:${arrayIndex}`}`,
      arrayIndex,
      status: row?.status ?? 'UNKNOWN',
      attempts,
    })
  }
  return out
}

/**
 * Results of a local run directory (what `run-local` printed, re-read from its files): the status
 * of each run from status.jsonl, the result from the last attempt's log of `container`.
 */
export function resultsFromDirectory(runDir: string, container = 'agent'): ResultRow[] {
  const summary = localSummaryFile(runDir)
  assertRunDir(runDir)
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
