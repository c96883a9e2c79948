// The model's referee lines (one JSON line on its stdout per ended episode: the record of
// `GET /episodes/:id` plus `elapsedMs`, ../shared API "Episodes") read back, and reconciled with
// the agent's own result lines: the referee's figures win, and where the agent said otherwise the
// disagreement is reported. Pure: the sweep and the Batch CLI read the lines from wherever they are.
import { isCount, isNullableCount, jsonObjectLine, type ParsedAgentResult } from './result.ts'

const AGENT_LABEL = /[^A-Za-z0-9._:@/+-]/g

/** The `agent` label of the referee's record: the given one, else `maze-agent:<strategy>`, within the contract's characters and 64 of them. */
export const agentLabel = (strategy: string, given?: string | null): string =>
  (given ?? `maze-agent:${strategy}`).replace(AGENT_LABEL, '_').slice(0, 64) || 'maze-agent'

/** The record of an ended episode, as the model prints it. */
export interface RefereeLine {
  readonly id: string
  readonly seed: number | null
  readonly width: number
  readonly height: number
  readonly agent: string
  readonly status: 'solved' | 'unsolved' | 'abandoned'
  readonly steps: number
  readonly keyStep: number | null
  readonly bumps: number
  readonly maxSteps: number
  readonly optimalSteps: number | null
  readonly startedAt: string
  readonly endedAt: string
  readonly elapsedMs: number
}

/** The `agent` of a record whose episode was created without a label. */
export const UNLABELLED = '(unlabelled)'

const ENDED = new Set(['solved', 'unsolved', 'abandoned'])

/**
 * A referee line, read back from a line of the model's stdout (or its JSON already parsed); null for
 * anything else: the model's log lines, an agent's result line, a truncated line.
 */
export function parseRefereeLine(input: unknown): RefereeLine | null {
  const v = jsonObjectLine(input, '{"id"')
  if (v === null) return null
  // An episode created without a label has `agent: null` (another team's agent may not send one).
  const agent = v.agent === null ? UNLABELLED : v.agent
  if (typeof v.id !== 'string' || typeof agent !== 'string' || typeof v.status !== 'string' || !ENDED.has(v.status)) return null
  if (!isCount(v.width) || !isCount(v.height) || !isCount(v.steps) || !isCount(v.bumps) || !isCount(v.maxSteps)) return null
  if (!isNullableCount(v.seed) || !isNullableCount(v.keyStep) || !isNullableCount(v.optimalSteps) || !isCount(v.elapsedMs)) return null
  if (typeof v.startedAt !== 'string' || typeof v.endedAt !== 'string') return null
  return {
    id: v.id,
    seed: v.seed as number | null,
    width: v.width,
    height: v.height,
    agent,
    status: v.status as RefereeLine['status'],
    steps: v.steps,
    keyStep: v.keyStep as number | null,
    bumps: v.bumps,
    maxSteps: v.maxSteps,
    optimalSteps: v.optimalSteps as number | null,
    startedAt: v.startedAt,
    endedAt: v.endedAt,
    elapsedMs: v.elapsedMs,
  }
}

/** The strategy a record was played by: its `agent` label without our agent's `maze-agent:` prefix. */
export const strategyOfLabel = (label: string): string => (label.startsWith('maze-agent:') ? label.slice('maze-agent:'.length) : label)

/** Where an agent's line and the referee's record of one run differ. */
export interface Disagreement {
  readonly strategy: string
  readonly seed: number | null
  readonly width: number
  readonly height: number
  /** `steps: agent 120, referee 118`, one per field that differs. */
  readonly fields: readonly string[]
}

/** Referee lines and agent lines of the same runs, reconciled. */
export interface Reconciled {
  /** One result line per refereed run that ended (abandoned ones are not results), the referee's figures. */
  readonly results: ParsedAgentResult[]
  /** Runs where the agent's own line said something else. */
  readonly disagreements: Disagreement[]
  /** Agent lines of runs the referee never recorded as ended (e.g. the model died first): not results. */
  readonly unrefereed: ParsedAgentResult[]
  /** Episodes the referee abandoned (an agent that stopped playing): not results. */
  readonly abandoned: RefereeLine[]
}

const keyOf = (agent: string, seed: number | null, width: number, height: number): string => `${agent}\t${seed}\t${width}x${height}`

/** An agent line's key, as its referee record's would be; null when it does not know its strategy or size. */
const keyOfLine = (line: ParsedAgentResult): string | null =>
  line.strategy === null || line.width === null || line.height === null
    ? null
    : keyOf(agentLabel(line.strategy), line.seed, line.width, line.height)

/**
 * The runs as the referee saw them. Each ended (solved or unsolved) referee record is one result
 * line in the agent's schema: strategy from the matching agent line (else from the label), every
 * figure the referee keeps from the record (solved, steps, keyStep, optimalSteps, elapsedMs), and
 * `requests` from the agent's line (0 without one; only the agent counts its requests). An agent
 * line is matched to a record by label, seed and size; the last record of a key wins (a retried run).
 */
export function reconcile(referee: readonly RefereeLine[], agentLines: readonly ParsedAgentResult[]): Reconciled {
  const byKey = new Map<string, ParsedAgentResult>()
  for (const line of agentLines) {
    const key = keyOfLine(line)
    if (key !== null) byKey.set(key, line)
  }
  const ended = new Map<string, RefereeLine>()
  const abandoned: RefereeLine[] = []
  for (const record of referee) {
    if (record.status === 'abandoned') abandoned.push(record)
    else ended.set(keyOf(record.agent, record.seed, record.width, record.height), record)
  }
  const results: ParsedAgentResult[] = []
  const disagreements: Disagreement[] = []
  for (const [key, record] of ended) {
    const own = byKey.get(key)
    byKey.delete(key)
    const strategy = own?.strategy ?? strategyOfLabel(record.agent)
    const solved = record.status === 'solved'
    results.push({
      strategy,
      width: record.width,
      height: record.height,
      seed: record.seed,
      solved,
      steps: record.steps,
      keyStep: record.keyStep,
      requests: own?.requests ?? 0,
      elapsedMs: record.elapsedMs,
      optimalSteps: record.optimalSteps,
    })
    if (own === undefined) continue
    const fields: string[] = []
    if (own.solved !== solved) fields.push(`solved: agent ${own.solved}, referee ${solved}`)
    if (own.steps !== record.steps) fields.push(`steps: agent ${own.steps}, referee ${record.steps}`)
    if (own.keyStep !== record.keyStep) fields.push(`keyStep: agent ${own.keyStep}, referee ${record.keyStep}`)
    if (own.optimalSteps !== null && record.optimalSteps !== null && own.optimalSteps !== record.optimalSteps)
      fields.push(`optimalSteps: agent ${own.optimalSteps}, referee ${record.optimalSteps}`)
    if (fields.length > 0) disagreements.push({ strategy, seed: record.seed, width: record.width, height: record.height, fields })
  }
  // In the order given: a line without a key (a failed run that did not know its strategy or size
  // yet: the model unreachable, a strategy that did not load) cannot be a refereed run's, so it is
  // unrefereed, not lost; of a key, the last line, unless a record matched it.
  const unrefereed = agentLines.filter((line) => {
    const key = keyOfLine(line)
    return key === null || byKey.get(key) === line
  })
  return { results, disagreements, unrefereed, abandoned }
}

/** One line per disagreement, for stderr: `astar seed 7 80x20: steps: agent 120, referee 118 (the referee's figures count)`. */
export const describeDisagreement = (d: Disagreement): string =>
  `${d.strategy} seed ${d.seed ?? '?'} ${d.width}x${d.height}: ${d.fields.join('; ')} (the referee's figures count)`
