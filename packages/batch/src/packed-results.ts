// The results of a packed job, from the referee: each child's model prints one referee line per
// ended episode and its agent one result line per run. Both are read from every attempt of every
// child (a run that ended in a failed attempt still counts), reconciled (`reconcile` of
// @maze-sim/agent/referee: the referee's figures win, disagreements are reported), and set against
// the runs each child was given (its `childSlice`, job-env.ts), so the runs that never ended are
// known by name and can be played again (`groupRuns` of @maze-sim/maze: `--only-missing`).
// Pure: aws.ts reads the lines from CloudWatch Logs, results.ts from a run-local directory.
import type { KeyValuePair } from '@aws-sdk/client-batch'
import { describeDisagreement, parseRefereeLine, reconcile, type RefereeLine } from '@maze-sim/agent/referee'
import { parseAgentResult, type ParsedAgentResult } from '@maze-sim/agent/result'
import { formatSeedList, type NamedRun } from '@maze-sim/maze'
import { BatchError, BatchErrorCode } from './errors.ts'
import { JobEnvError, packedChildSeeds, readPacking, type Packing } from './job-env.ts'

/** A packed job as read back from its containers' environment: what it plays, and at which size. */
export interface PackedJob extends Packing {
  /** The model's MAZE_WIDTH / MAZE_HEIGHT (null: not set, the model's own default). */
  readonly width: number | null
  readonly height: number | null
  /** The agent's AGENT_MAX_STEPS, carried over to a resubmission (null: not set). */
  readonly maxSteps: number | null
}

const toEnv = (environment: readonly KeyValuePair[] | undefined): Record<string, string> =>
  Object.fromEntries((environment ?? []).map((kv) => [kv.name ?? '', kv.value ?? '']))

const positive = (text: string | undefined): number | null => (text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : null)

/**
 * The packed job whose agent and model containers have these variables (the job definition's with
 * the submission's overrides applied: DescribeJobs shows them so, and run-local keeps both), or null
 * for a job that is not packed. A malformed packing is BATCH_ERR_RESULTS.
 */
export function packedJobOf(agent: readonly KeyValuePair[] | undefined, model: readonly KeyValuePair[] | undefined): PackedJob | null {
  const agentEnv = toEnv(agent)
  const modelEnv = toEnv(model)
  let packing: Packing | null
  try {
    packing = readPacking(agentEnv)
  } catch (err) {
    if (!(err instanceof JobEnvError)) throw err
    throw new BatchError(BatchErrorCode.Results, `the job's packing cannot be read: ${err.message}`, { cause: err })
  }
  if (packing === null) return null
  return {
    ...packing,
    width: positive(modelEnv.MAZE_WIDTH),
    height: positive(modelEnv.MAZE_HEIGHT),
    maxSteps: positive(agentEnv.AGENT_MAX_STEPS),
  }
}

/** The log lines of one attempt of a child: the model's (referee lines among them) and the agent's. */
export interface AttemptLogs {
  readonly attempt: number
  readonly model: readonly string[]
  readonly agent: readonly string[]
}

/** One child of a packed job as found: its id, index, status and the lines of each attempt. */
export interface ChildLogs {
  readonly jobId: string
  /** The array index; null for a packed single job (child 0). */
  readonly arrayIndex: number | null
  readonly status: string
  readonly attempts: readonly AttemptLogs[]
}

/** One line of `results` for a packed job: one run, with the referee's figures in `result`. */
export interface RunRow {
  readonly jobId: string
  readonly arrayIndex: number | null
  /** The child's status. */
  readonly status: string
  /** The child's attempts. */
  readonly attempts: number
  /** The agent's result schema, with the referee's figures (`requests` from the agent's own line). */
  readonly result: ParsedAgentResult
  /** Where the agent's own line said otherwise (`steps: agent 120, referee 118`), when it did. */
  readonly disagreement?: readonly string[]
}

/** A run the job was given that has no referee record of an end (solved or unsolved). */
export interface MissingRun extends NamedRun {
  /** The child that was to play it (its array index; null: a packed single job). */
  readonly arrayIndex: number | null
}

/** What results found for a packed job. */
export interface PackedResults {
  /** The job's strategies, in its order. */
  readonly strategies: readonly string[]
  readonly rows: readonly RunRow[]
  /** The runs the finished children were given. */
  readonly expected: number
  readonly missing: readonly MissingRun[]
  /** One line per disagreement between an agent's line and the referee's record. */
  readonly disagreements: readonly string[]
  /** Agent lines of runs the referee has no end for (not results). */
  readonly unrefereed: number
  /** Episodes the referee abandoned (an agent that stopped playing). */
  readonly abandoned: number
  /** Children not finished yet (AWS: not SUCCEEDED or FAILED): their runs are neither results nor missing. */
  readonly pending: readonly number[]
  /** The children's statuses, counted. */
  readonly children: Readonly<Record<string, number>>
}

const runKey = (strategy: string, seed: number | null): string => `${strategy}\t${seed}`

/** The runs packed child `index` was given, in the order it plays them (seeds outer, strategies inner). */
export function expectedRuns(job: PackedJob, index: number): NamedRun[] {
  const strategies = job.strategies.length > 0 ? job.strategies : ['(default)']
  return packedChildSeeds(job, index).flatMap((seed) =>
    strategies.map((strategy) => ({ strategy, seed, width: job.width ?? 0, height: job.height ?? 0 })),
  )
}

/**
 * Reconciles every child's referee and agent lines (all attempts) and sets them against the runs the
 * children were given. `children` are the children found; `pending` the indices of those not
 * finished yet. A child neither found nor pending played nothing: all its runs are missing.
 */
export function packedResults(job: PackedJob, children: readonly ChildLogs[], pending: readonly number[] = []): PackedResults {
  const rows: RunRow[] = []
  const disagreements: string[] = []
  const found = new Set<string>()
  let unrefereed = 0
  let abandoned = 0
  const statuses: Record<string, number> = {}
  const byIndex = new Map<number, ChildLogs>()
  for (const child of children) {
    byIndex.set(child.arrayIndex ?? 0, child)
    statuses[child.status] = (statuses[child.status] ?? 0) + 1
    const referee: RefereeLine[] = []
    const agent: ParsedAgentResult[] = []
    for (const attempt of [...child.attempts].sort((a, b) => a.attempt - b.attempt)) {
      for (const line of attempt.model) {
        const record = parseRefereeLine(line)
        if (record !== null) referee.push(record)
      }
      for (const line of attempt.agent) {
        const result = parseAgentResult(line)
        if (result !== null) agent.push(result)
      }
    }
    const reconciled = reconcile(referee, agent)
    unrefereed += reconciled.unrefereed.length
    abandoned += reconciled.abandoned.length
    const disagreeing = new Map(reconciled.disagreements.map((d) => [runKey(d.strategy, d.seed), d]))
    for (const d of reconciled.disagreements) disagreements.push(`child ${child.arrayIndex ?? 0}: ${describeDisagreement(d)}`)
    // In the order the child plays them; runs it was not given (none, normally) after them.
    const order = new Map(expectedRuns(job, child.arrayIndex ?? 0).map((r, i) => [runKey(r.strategy, r.seed), i]))
    const results = [...reconciled.results].sort(
      (a, b) =>
        (order.get(runKey(a.strategy ?? '', a.seed)) ?? Number.MAX_SAFE_INTEGER) -
        (order.get(runKey(b.strategy ?? '', b.seed)) ?? Number.MAX_SAFE_INTEGER),
    )
    for (const result of results) {
      const key = runKey(result.strategy ?? '', result.seed)
      found.add(key)
      const d = disagreeing.get(key)
      rows.push({
        jobId: child.jobId,
        arrayIndex: child.arrayIndex,
        status: child.status,
        attempts: child.attempts.length,
        result,
        ...(d !== undefined ? { disagreement: d.fields } : {}),
      })
    }
  }
  const waiting = new Set(pending)
  const missing: MissingRun[] = []
  let expected = 0
  const single = job.children === 1 && children.every((c) => c.arrayIndex === null)
  for (let index = 0; index < job.children; index++) {
    if (waiting.has(index)) continue
    for (const run of expectedRuns(job, index)) {
      expected++
      if (!found.has(runKey(run.strategy, run.seed))) missing.push({ ...run, arrayIndex: single ? null : index })
    }
    if (!byIndex.has(index)) statuses['NOT FOUND'] = (statuses['NOT FOUND'] ?? 0) + 1
  }
  return {
    strategies: job.strategies,
    rows,
    expected,
    missing,
    disagreements,
    unrefereed,
    abandoned,
    pending: [...waiting].sort((a, b) => a - b),
    children: statuses,
  }
}

/** `child 3: astar seeds 157-170, random-dfs seeds 156-170`: one child's missing runs by strategy. */
function describeChild(arrayIndex: number | null, runs: readonly MissingRun[], strategies: readonly string[]): string {
  const byStrategy = new Map<string, number[]>(strategies.map((s) => [s, []]))
  for (const r of runs) byStrategy.set(r.strategy, [...(byStrategy.get(r.strategy) ?? []), r.seed])
  const parts = [...byStrategy]
    .filter(([, seeds]) => seeds.length > 0)
    .map(([strategy, seeds]) => `${strategy} seed${seeds.length === 1 ? '' : 's'} ${formatSeedList(seeds)}`)
  return `${arrayIndex === null ? 'the job' : `child ${arrayIndex}`}: ${parts.join(', ')}`
}

/**
 * The missing runs for people, by child and strategy:
 * `missing 23 runs: child 3: astar seeds 157-170, random-dfs seeds 156-170`; `nothing missing` when none.
 * Strategies in the order of `strategies` (the job's), then as met; at most `maxChildren` children are named.
 */
export function formatMissing(missing: readonly MissingRun[], strategies: readonly string[] = [], maxChildren = 10): string {
  if (missing.length === 0) return 'nothing missing'
  const byChild = new Map<number | null, MissingRun[]>()
  for (const r of missing) byChild.set(r.arrayIndex, [...(byChild.get(r.arrayIndex) ?? []), r])
  const named = [...byChild].slice(0, maxChildren).map(([index, runs]) => describeChild(index, runs, strategies))
  const more = byChild.size - named.length
  return `missing ${missing.length} run${missing.length === 1 ? '' : 's'}: ${named.join('; ')}${more > 0 ? `; and ${more} more children` : ''}`
}

/** The summary line: runs refereed of those expected, solved, mean steps; the children's statuses. */
export function summarizePacked(r: PackedResults): string {
  const solved = r.rows.filter((row) => row.result.solved)
  const mean = solved.length === 0 ? 0 : Math.round(solved.reduce((s, row) => s + row.result.steps, 0) / solved.length)
  const statuses = Object.entries(r.children)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
  const extra = [
    r.unrefereed > 0 ? `${r.unrefereed} agent line${r.unrefereed === 1 ? '' : 's'} without a referee record (not counted)` : '',
    r.abandoned > 0 ? `${r.abandoned} abandoned episode${r.abandoned === 1 ? '' : 's'}` : '',
    r.disagreements.length > 0
      ? `${r.disagreements.length} disagreement${r.disagreements.length === 1 ? '' : 's'} (the referee's figures count)`
      : '',
    r.pending.length > 0 ? `${r.pending.length} children not finished yet (their runs are not counted)` : '',
  ].filter((s) => s !== '')
  return `${r.rows.length} runs refereed of ${r.expected} expected: ${solved.length} solved${solved.length > 0 ? ` (mean ${mean} steps)` : ''}, ${r.rows.length - solved.length} not; children: ${statuses || 'none'}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`
}
