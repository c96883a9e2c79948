// Result lines: the agent's one-line JSON result (packages/agent/src/result.ts), as a sweep appends
// them and as the Batch CLI's `results` prints them (wrapped in a row with `result`). Reading is
// tolerant: blank lines, a truncated last line and unrelated lines are skipped and counted.
import { AGENT_RESULT_KEYS, isFailedResult, parseAgentResult, type AgentResult } from '@maze-sim/agent'
import { runKey } from './plan.ts'

/** One run's result: the agent's result, plus `error` (a stable code) when the run failed. */
export type SweepResult = AgentResult & {
  /** The run stopped with an error (e.g. AGENT_ERR_ILLEGAL_MOVE); `solved` is false. */
  readonly error?: string
  /** The error in words, when the agent said (its failed runs' result lines do). */
  readonly message?: string
}

/** What was read from result lines. */
export interface ParsedResults {
  readonly results: SweepResult[]
  /** Lines that were not results (truncated, not JSON, other shapes). */
  readonly skipped: number
  /** Batch rows without a result (the child failed before printing one), with their array index. */
  readonly missing: ReadonlyArray<{ readonly arrayIndex: number | null; readonly status: string | null }>
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

/**
 * True for the agent's result line of a run that failed before it knew its strategy or the maze's
 * size (a bad configuration, a model that never answered): a failed run that cannot be placed.
 */
export function isUnplacedFailure(value: unknown): boolean {
  const r = parseAgentResult(value)
  return r !== null && isFailedResult(r) && (r.strategy === null || r.width === null || r.height === null)
}

/** The value as a SweepResult (`parseAgentResult` of @maze-sim/agent, placed: strategy and size known), or null. */
export function asResult(value: unknown): SweepResult | null {
  const r = parseAgentResult(value)
  if (r === null || r.strategy === null || r.width === null || r.height === null) return null
  return r as SweepResult
}

/** The result with its keys in the schema's order (and `error`, `message` last, when present). */
export function normalize(r: SweepResult): SweepResult {
  const out: Record<string, unknown> = {}
  for (const k of AGENT_RESULT_KEYS) out[k] = r[k]
  if (r.error !== undefined) out.error = r.error
  if (r.message !== undefined) out.message = r.message
  return out as unknown as SweepResult
}

/** One JSON line (no newline). */
export const formatResultLine = (r: SweepResult): string => JSON.stringify(normalize(r))

/**
 * Results from JSON lines: agent result lines, or Batch `results` rows (`{"jobId", "arrayIndex",
 * "status", ..., "result": {...} | null}`). Anything else is skipped and counted.
 */
export function parseResultLines(text: string): ParsedResults {
  const results: SweepResult[] = []
  const missing: Array<{ arrayIndex: number | null; status: string | null }> = []
  let skipped = 0
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      skipped++
      continue
    }
    const direct = asResult(value)
    if (direct !== null) {
      results.push(direct)
      continue
    }
    // A failed run that never learnt its size: a run without a result for the plan (not solved).
    if (isUnplacedFailure(value)) {
      missing.push({ arrayIndex: null, status: (value as { error: string }).error })
      continue
    }
    if (value !== null && typeof value === 'object' && 'result' in value) {
      const row = value as { result: unknown; arrayIndex?: unknown; status?: unknown }
      const inner = asResult(row.result)
      if (inner !== null) {
        results.push(inner)
        continue
      }
      if (row.result === null || isUnplacedFailure(row.result)) {
        missing.push({
          arrayIndex: isCount(row.arrayIndex) ? row.arrayIndex : null,
          status: typeof row.status === 'string' ? row.status : null,
        })
        continue
      }
    }
    skipped++
  }
  return { results, skipped, missing }
}

/** The key of a result (strategy name, seed, size); null when the seed is unknown. */
export const resultKey = (r: SweepResult): string | null => (r.seed === null ? null : runKey(r.strategy, r.seed, r.width, r.height))

/**
 * One result per key, the first one read (a rerun never duplicates a finished run, but files
 * concatenated by hand may). Results without a seed cannot be paired and are dropped.
 */
export function dedupe(results: readonly SweepResult[]): { results: SweepResult[]; duplicates: number; withoutSeed: number } {
  const seen = new Set<string>()
  const out: SweepResult[] = []
  let duplicates = 0
  let withoutSeed = 0
  for (const r of results) {
    const key = resultKey(r)
    if (key === null) {
      withoutSeed++
      continue
    }
    if (seen.has(key)) {
      duplicates++
      continue
    }
    seen.add(key)
    out.push(r)
  }
  return { results: out, duplicates, withoutSeed }
}
