// `--transport http`: the sweep played as on AWS Batch, over real HTTP between real processes.
// M model processes; agent processes, `agents` at a time (one per core), each playing one slice of
// the runs (every strategy of the slice on each of its seeds) against the model with the fewest
// agents. Results are the referee's: each model's referee lines, matched with the agents' result
// lines by the RefereeDesk. A run the referee never saw end is played once more in a later slice,
// then written as failed; a model that dies takes its agents down, and their runs go to the others.
// SIGINT/SIGTERM (the signal): the agents are stopped, what finished is kept, the models stopped.
import type { Disagreement } from '@maze-sim/agent/referee'
import type { NamedRun } from '@maze-sim/maze'
import { type AgentEnd, AgentProcess } from './agent-process.ts'
import { SweepError, SweepErrorCode } from './errors.ts'
import { defaultModels, planSlices, sliceSize, type Slice } from './http-slices.ts'
import { describeEnd, type Ended, ModelProcess } from './model-process.ts'
import { failureOf, REFUSALS, RefereeDesk, type Verdict } from './referee-desk.ts'
import type { SweepResult } from './results.ts'

/** After an agent exits, the longest wait for the referee lines of runs it printed (they are written before the agent's last answer). */
export const REFEREE_GRACE_MS = 2_000
/** Agents in a row that exit with an error without a single result line: they cannot run here, the sweep stops. */
export const MAX_AGENT_START_FAILURES = 3

/** An agent process as the hooks see it. */
export interface AgentInfo {
  readonly pid: number | undefined
  readonly slice: Slice
  readonly model: number
  /** Result lines it printed so far. */
  results(): number
  /** True until it exits. */
  alive(): boolean
  /** SIGKILLs it (tests: an agent that dies mid-slice). */
  kill(): void
}

/** A model process as the hooks see it. */
export interface ModelInfo {
  readonly index: number
  readonly pid: number | undefined
  readonly url: string
}

export interface HttpSweepOptions {
  /** The runs to play (strategy specifiers). */
  readonly runs: readonly NamedRun[]
  /** The sweep's strategy specifiers, in order: slices list their strategies in this order. */
  readonly specifiers: readonly string[]
  /** The strategy name of each specifier. */
  readonly names: ReadonlyMap<string, string>
  /** The directory the sweep was started in: the agents' working directory. */
  readonly cwd: string
  /** Agent processes at once. */
  readonly agents: number
  /** Model processes (default: {@link defaultModels}); never more than agents. */
  readonly models?: number
  /** The environment the children inherit (default process.env; their own variables are set by the sweep). */
  readonly env?: NodeJS.ProcessEnv
  readonly signal?: AbortSignal
  /** Each result, as the referee saw it (a failed run's after its second try). */
  readonly onResult: (result: SweepResult) => void
  /** An agent's line that said otherwise than the referee (the referee's figures were written). */
  readonly onDisagreement?: (disagreement: Disagreement) => void
  /** What went wrong along the way, one line each: a model died, runs are played again. */
  readonly onNote?: (line: string) => void
  /** Called as each agent process starts (tests kill one through it). */
  readonly onAgentStart?: (agent: AgentInfo) => void
  /** Called as each model process is ready. */
  readonly onModelStart?: (model: ModelInfo) => void
  readonly refereeGraceMs?: number
  readonly modelStartTimeoutMs?: number
}

export interface HttpSweepOutcome {
  /** Results written. */
  readonly completed: number
  /** Stopped by the signal before every run had its result. */
  readonly interrupted: boolean
  readonly agentProcesses: number
  readonly modelProcesses: number
  /** Runs played a second time. */
  readonly replayed: number
  /** Failed results written because the referee never saw the run end, in two tries. */
  readonly unrefereed: number
  readonly disagreements: number
  /** Referee lines that matched no run of the sweep. */
  readonly strayRefereeLines: number
}

interface Running {
  readonly agent: AgentProcess
  readonly model: ModelProcess
  /** Resolves once the agent has ended and its runs have their verdicts. */
  readonly done: Promise<void>
}

/** Plays `runs` over HTTP; resolves when all have a result or the signal stopped it; SWEEP_ERR_MODEL / SWEEP_ERR_AGENT when it cannot go on. */
export function runHttpSweep(options: HttpSweepOptions): Promise<HttpSweepOutcome> {
  return new HttpSweep(options).run()
}

/** One HTTP sweep: its models, its agents at work, the queue of slices and the referee desk. */
class HttpSweep {
  readonly #options: HttpSweepOptions
  readonly #env: NodeJS.ProcessEnv
  readonly #agentsAtOnce: number
  readonly #queue: Slice[]
  readonly #desk: RefereeDesk
  readonly #running = new Set<Running>()
  /** Every live child, killed if the sweep's process exits (a second Ctrl-C is process.exit). */
  readonly #children = new Set<{ kill(): void }>()
  readonly #stats = { completed: 0, agentProcesses: 0, replayed: 0, disagreements: 0, unrefereed: 0 }
  #models: ModelProcess[] = []
  #stopping = false
  #failure: SweepError | null = null
  #startFailures = 0
  #nextSlice = 0

  constructor(options: HttpSweepOptions) {
    this.#options = options
    this.#env = options.env ?? process.env
    this.#agentsAtOnce = Math.max(1, options.agents)
    this.#queue = planSlices(options.runs, options.specifiers, this.#agentsAtOnce)
    this.#desk = new RefereeDesk(options.names)
  }

  async run(): Promise<HttpSweepOutcome> {
    const { signal } = this.#options
    if (this.#queue.length === 0 || signal?.aborted) return this.#outcome()
    const onAbort = (): void => this.#stopAll(null)
    const killChildren = (): void => {
      for (const child of this.#children) child.kill()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    process.on('exit', killChildren)
    try {
      await this.#startModels()
      await this.#playQueue()
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.#stopping = true
      await Promise.all([...this.#running].map((r) => r.agent.stop().then(() => r.done)))
      await Promise.all(this.#models.map((m) => m.stop()))
      process.off('exit', killChildren)
    }
    if (this.#failure !== null) throw this.#failure
    return this.#outcome()
  }

  #outcome(): HttpSweepOutcome {
    return {
      ...this.#stats,
      interrupted: this.#stats.completed < this.#options.runs.length,
      modelProcesses: this.#models.length,
      strayRefereeLines: this.#desk.stray,
    }
  }

  /** Starts the models, all at once; SWEEP_ERR_MODEL if any cannot start. */
  async #startModels(): Promise<void> {
    const count = Math.max(1, Math.min(this.#options.models ?? defaultModels(this.#agentsAtOnce), this.#agentsAtOnce))
    const maxArea = this.#options.runs.reduce((max, r) => Math.max(max, r.width * r.height), 0)
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        ModelProcess.start({
          index,
          maxArea,
          agents: Math.ceil(this.#agentsAtOnce / count),
          env: this.#env,
          onSpawn: (child) => this.#children.add(child),
          // A verdict from a referee line is always a result: replays come from settle().
          onReferee: (record) => void this.#take([this.#desk.referee(index, record)]),
          ...(this.#options.modelStartTimeoutMs !== undefined ? { startTimeoutMs: this.#options.modelStartTimeoutMs } : {}),
        }),
      ),
    )
    this.#models = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    for (const model of this.#models) {
      void model.ended.then((end) => this.#onModelEnd(model, end))
    }
    const refused = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (refused !== undefined) throw refused.reason
    for (const m of this.#models) this.#options.onModelStart?.({ index: m.index, pid: m.pid, url: m.url })
  }

  /** One agent per free place, on the live model with the fewest agents, until the queue is empty and every agent done. */
  async #playQueue(): Promise<void> {
    for (;;) {
      while (!this.#stopping && this.#running.size < this.#agentsAtOnce && this.#queue.length > 0) {
        const live = this.#models.filter((m) => m.alive)
        if (live.length === 0) break
        const load = (m: ModelProcess): number => [...this.#running].filter((r) => r.model === m).length
        this.#running.add(
          this.#play(
            this.#queue.shift()!,
            live.reduce((a, b) => (load(b) < load(a) ? b : a)),
          ),
        )
      }
      if (this.#running.size === 0) return
      const finished = await Promise.race([...this.#running].map((r) => r.done.then(() => r)))
      this.#running.delete(finished)
    }
  }

  /** Starts an agent on `slice` against `model`. */
  #play(slice: Slice, model: ModelProcess): Running {
    const id = this.#nextSlice++
    this.#desk.open(id, slice, model.index, Date.now())
    const replays: NamedRun[] = []
    const agent = new AgentProcess({
      slice,
      url: model.url,
      cwd: this.#options.cwd,
      env: this.#env,
      onResult: (line) => {
        const failure = failureOf(line)
        if (failure !== null && REFUSALS.has(failure.error)) {
          const why = `${failure.error}${failure.message !== undefined ? `: ${failure.message}` : ''}`
          this.#stopAll(new SweepError(SweepErrorCode.Agent, `the agent refused its work: ${why}`))
          return
        }
        replays.push(...this.#take([this.#desk.agentLine(id, line)]))
      },
    })
    this.#stats.agentProcesses++
    this.#children.add(agent)
    this.#options.onAgentStart?.({
      pid: agent.pid,
      slice,
      model: model.index,
      results: () => agent.results,
      alive: () => agent.alive,
      kill: () => agent.kill(),
    })
    const done = agent.closed.then(async (end) => {
      this.#children.delete(agent)
      await this.#awaitReferee(id, model)
      replays.push(...this.#take(this.#desk.settle(id, this.#stopping)))
      this.#countStartFailure(end, model)
      if (replays.length === 0 || this.#stopping) return
      this.#stats.replayed += replays.length
      this.#queue.push(...planSlices(replays, this.#options.specifiers, this.#agentsAtOnce))
      this.#note(
        `agent pid ${agent.pid} (${describeEnd(end)}): ${replays.length} of its ${sliceSize(slice)} runs have no referee's record of their end; they are played once more` +
          (end.stderr.length > 0 ? ` (${end.stderr.at(-1)})` : ''),
      )
    })
    return { agent, model, done }
  }

  /** The referee lines of an agent's last runs may still be in the model's pipe: a bounded wait for them. */
  async #awaitReferee(id: number, model: ModelProcess): Promise<void> {
    const until = Date.now() + (this.#options.refereeGraceMs ?? REFEREE_GRACE_MS)
    while (model.alive && this.#desk.awaitingReferee(id) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
  }

  /** Agents that keep failing before their first run cannot run here: after MAX_AGENT_START_FAILURES in a row, the sweep stops. */
  #countStartFailure(end: AgentEnd, model: ModelProcess): void {
    if (end.results > 0) {
      this.#startFailures = 0
      return
    }
    if ((end.code === 0 && end.signal === null) || this.#stopping || !model.alive) return
    if (++this.#startFailures < MAX_AGENT_START_FAILURES) return
    const why = end.stderr.slice(-3).join(' | ') || 'no output'
    this.#stopAll(
      new SweepError(
        SweepErrorCode.Agent,
        `${this.#startFailures} agent processes in a row ended (${describeEnd(end)}) without a result line: ${why}`,
      ),
    )
  }

  /** A model that dies: its agents are stopped (their runs are played again elsewhere); with none left, the sweep stops. */
  #onModelEnd(model: ModelProcess, end: Ended): void {
    if (model.stopping) return
    const live = this.#models.filter((m) => m.alive)
    const tail = model.stderrTail().slice(-3).join(' | ')
    this.#note(
      `model ${model.index} (pid ${model.pid}) died (${describeEnd(end)})${tail ? `: ${tail}` : ''}; ` +
        (live.length > 0 ? "its agents' unfinished runs are played again on the other model(s)" : 'no model is left'),
    )
    for (const r of this.#running) if (r.model === model) void r.agent.stop()
    if (live.length === 0)
      this.#stopAll(
        new SweepError(SweepErrorCode.Model, 'every model process died; what finished is in the results file: run the same command again'),
      )
  }

  /** Writes the results among `verdicts`; returns the runs to play again. */
  #take(verdicts: Iterable<Verdict | null>): NamedRun[] {
    const replays: NamedRun[] = []
    for (const verdict of verdicts) {
      if (verdict === null) continue
      if (verdict.kind === 'replay') {
        replays.push(verdict.run)
        continue
      }
      this.#options.onResult(verdict.result)
      this.#stats.completed++
      if (verdict.unrefereed) this.#stats.unrefereed++
      if (verdict.disagreement !== null) {
        this.#stats.disagreements++
        this.#options.onDisagreement?.(verdict.disagreement)
      }
    }
    return replays
  }

  /** Stops handing out slices and stops the agents; `error` (the first one) is thrown at the end. */
  #stopAll(error: SweepError | null): void {
    if (error !== null && this.#failure === null) this.#failure = error
    if (this.#stopping) return
    this.#stopping = true
    for (const r of this.#running) void r.agent.stop()
  }

  #note(line: string): void {
    this.#options.onNote?.(line)
  }
}
