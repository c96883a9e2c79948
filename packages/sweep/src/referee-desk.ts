// The HTTP sweep's bookkeeping of who said what about each run: the agent's result line and the
// model's referee line, matched by strategy label, seed and size, then `reconcile`d (the referee's
// figures count). Pure: the processes feed it lines, it answers with verdicts.
//
// A run's verdict:
// - a result: the referee recorded the run as ended (solved, or not solved at the step limit),
//   or as abandoned after an agent line that says the run ended that way (the strategy gave up, or
//   failed with a strategy error: the error is kept, as in-process);
// - played again, once: the referee never recorded it as ended (the agent or the model died, the
//   model stopped answering), or recorded it abandoned without an agent line for it;
// - after its second try, a failed result: the agent's error code, else SWEEP_ERR_UNREFEREED.
import { AgentErrorCode } from '@maze-sim/agent'
import { agentLabel, type Disagreement, reconcile, type RefereeLine } from '@maze-sim/agent/referee'
import { isFailedResult, type ParsedAgentResult } from '@maze-sim/agent/result'
import type { NamedRun } from '@maze-sim/maze'
import type { SweepResult } from './results.ts'
import { sliceRuns, type Slice } from './http-slices.ts'

/** The error code of a run the referee never saw end, after its second try. */
export const UNREFEREED = 'SWEEP_ERR_UNREFEREED'
/** How many times a run is played before it is written as failed (the first try and one more). */
export const MAX_TRIES = 2

/** Agent errors that say the run was cut short from outside, not by the strategy: the run is played again. */
const CUT_SHORT: ReadonlySet<string> = new Set([
  AgentErrorCode.ModelUnreachable,
  AgentErrorCode.BadResponse,
  AgentErrorCode.Aborted,
  AgentErrorCode.Deadline,
  'AGENT_ERR_UNEXPECTED',
])

/** Agent errors that no later try can fix (the agent cannot run the slice at all): the sweep stops. */
export const REFUSALS: ReadonlySet<string> = new Set([AgentErrorCode.Config, AgentErrorCode.StrategyLoad])

export type Verdict =
  | {
      readonly kind: 'result'
      readonly result: SweepResult
      readonly disagreement: Disagreement | null
      /** True for a failed result written because the referee never saw the run end in MAX_TRIES tries. */
      readonly unrefereed: boolean
    }
  | { readonly kind: 'replay'; readonly run: NamedRun; readonly why: string }

interface Attempt {
  readonly run: NamedRun
  readonly name: string
  readonly slice: number
  readonly model: number
  /** When the slice's agent was started (ms since the epoch): older records are of an earlier try. */
  readonly openedAt: number
  agent: ParsedAgentResult | null
  ended: RefereeLine | null
  abandoned: RefereeLine | null
}

const keyOf = (label: string, seed: number | null, width: number, height: number): string => `${label}\t${seed}\t${width}x${height}`

export class RefereeDesk {
  /** Strategy name of each specifier. */
  readonly #names: ReadonlyMap<string, string>
  /** Open runs by key (a run is open in one slice at a time). */
  readonly #open = new Map<string, Attempt>()
  /** Open keys of each slice. */
  readonly #slices = new Map<number, { keys: Set<string>; slice: Slice }>()
  /** Keys already sent to be played again (only those: memory follows the failures, not the sweep). */
  readonly #replayed = new Set<string>()
  /** Referee lines that matched no open run (late lines, episodes of other clients). */
  stray = 0

  constructor(names: ReadonlyMap<string, string>) {
    this.#names = names
  }

  #key(run: NamedRun): string {
    return keyOf(agentLabel(this.#names.get(run.strategy) ?? run.strategy), run.seed, run.width, run.height)
  }

  /** Opens a slice's runs, played by an agent started at `openedAt` on model `model`. */
  open(id: number, slice: Slice, model: number, openedAt: number): void {
    const keys = new Set<string>()
    for (const run of sliceRuns(slice)) {
      const key = this.#key(run)
      keys.add(key)
      this.#open.set(key, {
        run,
        name: this.#names.get(run.strategy) ?? run.strategy,
        slice: id,
        model,
        openedAt,
        agent: null,
        ended: null,
        abandoned: null,
      })
    }
    this.#slices.set(id, { keys, slice })
  }

  /** A referee line from model `model`; the run's verdict when that completes it. */
  referee(model: number, record: RefereeLine): Verdict | null {
    const key = keyOf(record.agent, record.seed, record.width, record.height)
    const attempt = this.#open.get(key)
    if (attempt === undefined || attempt.model !== model || Date.parse(record.startedAt) < attempt.openedAt) {
      this.stray++
      return null
    }
    if (record.status === 'abandoned') {
      // A placeholder of a retried creation, or the run given up: an ended record wins.
      if (attempt.ended === null) attempt.abandoned = record
      return null
    }
    attempt.ended = record
    return attempt.agent === null ? null : this.#close(key, attempt)
  }

  /** A result line of slice `id`'s agent; the run's verdict when that completes it. */
  agentLine(id: number, line: ParsedAgentResult): Verdict | null {
    const entry = this.#slices.get(id)
    if (entry === undefined || line.strategy === null) return null
    // A run that failed before its episode existed does not know its size: the slice's.
    const key = keyOf(agentLabel(line.strategy), line.seed, line.width ?? entry.slice.width, line.height ?? entry.slice.height)
    const attempt = this.#open.get(key)
    if (attempt === undefined || attempt.slice !== id) return null
    attempt.agent = line
    return attempt.ended === null ? null : this.#close(key, attempt)
  }

  /** Runs of slice `id` whose agent line came but whose referee line may still be on its way. */
  awaitingReferee(id: number): number {
    let n = 0
    for (const key of this.#slices.get(id)?.keys ?? []) {
      const a = this.#open.get(key)!
      if (a.agent === null || a.ended !== null) continue
      // Not solved, and the referee saw the episode abandoned where the agent stopped: complete (given
      // up, or a strategy error). An abandoned record of other steps may be a retried creation's placeholder.
      if (a.abandoned !== null && !a.agent.solved && a.abandoned.steps === a.agent.steps) continue
      n++
    }
    return n
  }

  /** Runs of slice `id` still open. */
  openRuns(id: number): number {
    return this.#slices.get(id)?.keys.size ?? 0
  }

  /**
   * Closes slice `id`: the verdict of every run still open. `interrupted`: the sweep is stopping, so
   * runs without a result are left for the rerun (no replay, no failed result).
   */
  settle(id: number, interrupted: boolean): Verdict[] {
    const entry = this.#slices.get(id)
    if (entry === undefined) return []
    const verdicts: Verdict[] = []
    for (const key of [...entry.keys]) {
      const verdict = this.#close(key, this.#open.get(key)!)
      if (verdict.kind === 'replay' && interrupted) continue
      verdicts.push(verdict)
    }
    this.#slices.delete(id)
    return verdicts
  }

  #close(key: string, attempt: Attempt): Verdict {
    this.#open.delete(key)
    this.#slices.get(attempt.slice)?.keys.delete(key)
    const { agent, ended, abandoned } = attempt
    if (ended !== null) return fromReferee(ended, agent)
    const failure = agent === null ? null : failureOf(agent)
    if (agent !== null && abandoned !== null && !agent.solved && (failure === null || !CUT_SHORT.has(failure.error))) {
      // The agent stopped the episode (gave up, or its strategy failed) and the referee saw it stop there.
      const { result, disagreement } = fromReferee({ ...abandoned, status: 'unsolved' }, agent)
      return { kind: 'result', result: { ...result, ...failure }, disagreement, unrefereed: false }
    }
    const why =
      agent === null
        ? abandoned === null
          ? 'no result line and no referee line (the agent or the model stopped)'
          : 'the referee abandoned the episode and the agent printed no result line'
        : failure !== null
          ? `${failure.error}${failure.message !== undefined ? `: ${failure.message}` : ''}`
          : 'the agent printed a result the referee never recorded'
    if (!this.#replayed.has(key)) {
      this.#replayed.add(key)
      return { kind: 'replay', run: attempt.run, why }
    }
    return { kind: 'result', result: failedResult(attempt, why), disagreement: null, unrefereed: true }
  }
}

/** The error code and message of a failed run's line, or null for a run that ended. */
export function failureOf(line: ParsedAgentResult): { error: string; message?: string } | null {
  if (!isFailedResult(line)) return null
  return line.message === undefined ? { error: line.error } : { error: line.error, message: line.message }
}

/** The result of an ended record (and the agent's own line, when it came): `reconcile`'s. */
function fromReferee(record: RefereeLine, agent: ParsedAgentResult | null): Extract<Verdict, { kind: 'result' }> {
  const { results, disagreements } = reconcile([record], agent === null ? [] : [agent])
  return { kind: 'result', result: results[0] as SweepResult, disagreement: disagreements[0] ?? null, unrefereed: false }
}

/** A run tried MAX_TRIES times without a referee's record of its end. */
function failedResult(attempt: Attempt, why: string): SweepResult {
  const { run, agent, abandoned } = attempt
  return {
    strategy: attempt.name,
    width: run.width,
    height: run.height,
    seed: run.seed,
    solved: false,
    steps: abandoned?.steps ?? agent?.steps ?? 0,
    keyStep: abandoned?.keyStep ?? agent?.keyStep ?? null,
    requests: agent?.requests ?? 0,
    elapsedMs: abandoned?.elapsedMs ?? agent?.elapsedMs ?? 0,
    optimalSteps: abandoned?.optimalSteps ?? agent?.optimalSteps ?? null,
    error: (agent === null ? null : failureOf(agent))?.error ?? UNREFEREED,
    message: `played ${MAX_TRIES} times without a referee's record of its end; last: ${why}`,
  }
}
