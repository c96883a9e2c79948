// The walk through an episode (API.md, "Episodes"): the model moves the agent and keeps the score.
// The runner still checks every move before it is sent, and it sends a run of moves through cells
// it has already stood on as one request: it knows what the model said of those cells, so it can
// tell the explorer what it will sense there and ask for the next move at once. A batch ends with
// a move into a cell never sensed (the explorer needs the model's word on it), at the end of the
// run, or at the batch bound. The model's answers are then checked against the predictions: a
// model that contradicts itself fails the run with AGENT_ERR_BAD_RESPONSE, as on the classic routes.
import { randomInt } from 'node:crypto'
import type { Span } from '@opentelemetry/api'
import { DIRECTION_NAMES, DX, DY, type CellView, type Direction, type Point } from '@maze-sim/maze'
import { CellBook, contradiction } from './cell-book.ts'
import { AgentError, AgentErrorCode } from './errors.ts'
import { agentLabel } from './referee.ts'
import type { AgentResult } from './result.ts'
import {
  DEFAULT_MAX_BATCH,
  decide,
  drawMap,
  observe,
  VisitedPath,
  withExplorer,
  type AgentRun,
  type AnyExplorer,
  type EpisodeChoice,
  type RunAgentOptions,
  type RunOutcome,
  type StepEvent,
} from './runner.ts'
import { AgentTelemetry } from './telemetry.ts'
import type { EpisodeCreated, EpisodeMoves, EpisodeObservation, EpisodeRequest, EpisodeRoutes, MazeMeta } from './transport.ts'

/** What the runner hands over once it knows the model offers episodes. */
export interface EpisodePlay {
  readonly options: RunAgentOptions
  readonly routes: EpisodeRoutes
  /** `/maze/meta` when asked (no maze chosen), else null. */
  readonly meta: MazeMeta | null
  readonly span: Span
  readonly startedAt: number
  readonly progress: (steps: number) => void
  readonly checkAborted: () => void
}

/** `POST /episodes`' body for a choice: unset fields take the `/maze/meta` maze (seed and size together), else the model's defaults. */
export function episodeRequest(
  choice: EpisodeChoice,
  meta: MazeMeta | null,
  maxSteps: number | null | undefined,
  strategy: string,
): EpisodeRequest {
  const fromMeta = (choice.seed ?? null) === null && meta !== null && meta.seed !== null
  const seed = choice.seed === 'random' ? undefined : (choice.seed ?? (fromMeta ? meta!.seed! : undefined))
  const width = choice.width ?? (fromMeta ? meta!.width : undefined) ?? undefined
  const height = choice.height ?? (fromMeta ? meta!.height : undefined) ?? undefined
  return {
    ...(seed !== undefined ? { seed } : {}),
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    ...(maxSteps !== null && maxSteps !== undefined ? { maxSteps } : {}),
    agent: agentLabel(strategy, choice.agent),
  }
}

/**
 * Plays one episode: creates it, walks it (batching known paths), reads the referee's record. The
 * episode is abandoned (`DELETE`, best effort, bounded) when the run fails, is aborted or gives up.
 */
export async function playEpisode(play: EpisodePlay): Promise<AgentRun> {
  const { options, routes, meta, span } = play
  const created = await routes.create(episodeRequest(options.episode ?? {}, meta, options.maxSteps, options.strategy.name))
  span.setAttribute(AgentTelemetry.episodeId, created.id)
  try {
    return await walkEpisode(play, created)
  } catch (err) {
    await routes.abandon(created.id)
    throw err
  }
}

/** One move sent (or about to be), with what the runner expects the model to answer. */
interface Pending extends StepEvent {
  /** What the model must say of the cell entered, when the runner knows it already; null for a cell never sensed. */
  readonly predicted: { readonly view: CellView; readonly hasKey: boolean; readonly done: boolean; readonly solved: boolean } | null
}

async function walkEpisode(play: EpisodePlay, created: EpisodeCreated): Promise<AgentRun> {
  const { options, span } = play
  const { width, height, maxSteps, id } = created
  const first = created.observation
  const start: Point = { x: first.x, y: first.y }
  if (first.steps !== 0 || first.done) {
    throw new AgentError(
      AgentErrorCode.BadResponse,
      `POST /episodes answered a new episode that has already begun: ${JSON.stringify(first)}`,
    )
  }
  const rngSeed = options.seed ?? created.seed ?? randomInt(0, 2 ** 32)
  span.setAttributes({
    [AgentTelemetry.width]: width,
    [AgentTelemetry.height]: height,
    [AgentTelemetry.rngSeed]: rngSeed,
    [AgentTelemetry.maxSteps]: maxSteps,
  })
  if (created.seed !== null) span.setAttribute(AgentTelemetry.seed, created.seed)
  options.onStart?.({
    strategy: options.strategy.name,
    width,
    height,
    start,
    seed: created.seed,
    rngSeed,
    maxSteps,
    optimalSteps: created.optimalSteps,
    episodeId: id,
  })
  return withExplorer(options, { width, height, start, rngSeed }, (explorer) => new EpisodeWalk(play, created, explorer).run())
}

/** What the model must say of a cell entered, once the runner knows it. */
type Prediction = NonNullable<Pending['predicted']>

/**
 * One walk through a created episode: where the agent stands as the runner tracks it, the moves
 * decided but not yet sent (a batch), and the cells the model has described so far.
 */
class EpisodeWalk {
  readonly #play: EpisodePlay
  readonly #created: EpisodeCreated
  readonly #explorer: AnyExplorer
  readonly #maxBatch: number
  /** The route a batch goes to, for messages. */
  readonly #route: string
  readonly #cells: CellBook
  readonly #path: VisitedPath
  #x: number
  #y: number
  #steps = 0
  #view: CellView
  #hasKey: boolean
  #keyStep: number | null
  #pending: Pending[] = []

  constructor(play: EpisodePlay, created: EpisodeCreated, explorer: AnyExplorer) {
    const { width, height, id } = created
    this.#play = play
    this.#created = created
    this.#explorer = explorer
    this.#maxBatch = Math.max(1, play.options.maxBatch ?? DEFAULT_MAX_BATCH)
    this.#route = `POST /episodes/${id}/moves`
    this.#cells = new CellBook(width, height)
    this.#path = new VisitedPath(width, height)
    const first = created.observation
    this.#x = first.x
    this.#y = first.y
    this.#view = first
    this.#cells.record(first.x, first.y, first, 'POST /episodes')
    this.#path.visit(first.x, first.y)
    // A hand-made maze may hide the key under the start: the model then says so at once.
    this.#hasKey = first.hasKey
    this.#keyStep = first.hasKey ? 0 : null
  }

  /** Walks to the end (solved, step limit or given up), sends what is left, and checks the referee's record. */
  async run(): Promise<AgentRun> {
    const { checkAborted } = this.#play
    const outcome = await this.#walk()
    // Moves decided before the end (known ground) still go: the referee counts them.
    checkAborted()
    await this.#flush()
    checkAborted()
    return this.#finish(outcome)
  }

  /** Asks the explorer for moves until the run ends; returns how it ended. */
  async #walk(): Promise<RunOutcome> {
    const { checkAborted } = this.#play
    const { strategy } = this.#play.options
    const { width, height, maxSteps } = this.#created
    for (;;) {
      checkAborted()
      if (this.#solvedHere()) return 'solved'
      if (this.#steps >= maxSteps) return 'step-limit'
      const observation = observe(this.#x, this.#y, this.#view, this.#hasKey, this.#steps)
      const direction = await decide(this.#explorer, strategy.name, observation, width, height)
      if (direction === null) return 'gave-up'
      await this.#move(direction, observation)
    }
  }

  /** Makes one move: onto known ground it joins the batch; into a cell never sensed it sends the batch. */
  async #move(direction: Direction, observation: StepEvent['observation']): Promise<void> {
    const from = { x: this.#x, y: this.#y }
    this.#x += DX[direction]!
    this.#y += DY[direction]!
    this.#steps++
    this.#path.visit(this.#x, this.#y)
    const to = { x: this.#x, y: this.#y }
    const steps = this.#steps
    if (this.#cells.known(this.#x, this.#y)) {
      // Known ground: the runner says what the model will answer, and the explorer moves on.
      this.#view = this.#cells.view(this.#x, this.#y)
      this.#pending.push({ from, direction, to, steps, observation, predicted: this.#predict() })
      if (this.#pending.length >= this.#maxBatch) await this.#flush()
      return
    }
    // A cell never sensed: the batch goes now, this move last; the model's answer is the cell's word.
    this.#pending.push({ from, direction, to, steps, observation, predicted: null })
    this.#play.checkAborted()
    const last = (await this.#flush())!
    this.#view = last
    const want = this.#predict()
    if (last.hasKey !== want.hasKey || last.done !== want.done || last.solved !== want.solved) {
      throw contradiction(
        this.#route,
        this.#x,
        this.#y,
        `at step ${steps} it answered hasKey ${last.hasKey}, done ${last.done}, solved ${last.solved}; its answers mean hasKey ${want.hasKey}, done ${want.done}, solved ${want.solved}`,
      )
    }
  }

  /** Stands on the current cell (picking up the key there) and says what the model must answer of it. */
  #predict(): Prediction {
    this.#arrive()
    const solved = this.#solvedHere()
    return { view: this.#view, hasKey: this.#hasKey, solved, done: solved || this.#steps >= this.#created.maxSteps }
  }

  // The rules of standing on a cell, as the model applies them: the key is picked up on its cell;
  // the run is solved on the exit with the key, else over at the step limit.
  #arrive(): void {
    if (this.#view.here !== 'K' || this.#hasKey) return
    this.#hasKey = true
    this.#keyStep = this.#steps
    this.#play.span.addEvent(AgentTelemetry.keyEvent, { [AgentTelemetry.steps]: this.#steps })
  }

  #solvedHere(): boolean {
    return this.#view.here === 'E' && this.#hasKey
  }

  /** Sends the pending moves as one request and checks the answer; returns the last observation. */
  async #flush(): Promise<EpisodeObservation | null> {
    if (this.#pending.length === 0) return null
    const sent = this.#pending
    this.#pending = []
    const answer = await this.#play.routes.move(
      this.#created.id,
      sent.map((p) => p.direction),
    )
    this.#checkBatch(sent, answer)
    const { progress } = this.#play
    const { onStep } = this.#play.options
    for (const p of sent) {
      progress(p.steps)
      onStep?.({ from: p.from, direction: p.direction, to: p.to, steps: p.steps, observation: p.observation })
    }
    return answer.observations[sent.length - 1]!
  }

  /** Checks the model's answer to a batch: every move made, to the cells and steps expected, as predicted. */
  #checkBatch(sent: readonly Pending[], answer: EpisodeMoves): void {
    const route = this.#route
    if (answer.bumped || answer.applied !== sent.length) {
      const p = sent[answer.applied]!
      throw new AgentError(
        AgentErrorCode.BadResponse,
        `${route}: the model ${answer.bumped ? 'reported a bump on' : 'did not make'} move ${answer.applied + 1} of ${sent.length} (${DIRECTION_NAMES[p.direction]} from (${p.from.x}, ${p.from.y}), step ${p.steps}), ` +
          `through a side it had said was open, before the episode ended: the model contradicts itself`,
      )
    }
    for (let i = 0; i < sent.length; i++) {
      const p = sent[i]!
      const o = answer.observations[i]!
      if (o.x !== p.to.x || o.y !== p.to.y || o.steps !== p.steps) {
        throw new AgentError(
          AgentErrorCode.BadResponse,
          `${route}: move ${i + 1} of ${sent.length} (${DIRECTION_NAMES[p.direction]} from (${p.from.x}, ${p.from.y})) leads to (${p.to.x}, ${p.to.y}) at step ${p.steps}, ` +
            `but the model answered (${o.x}, ${o.y}) at step ${o.steps}: the model contradicts itself`,
        )
      }
      // A cell seen before must be the same; a new one must agree with its known neighbours.
      this.#cells.record(o.x, o.y, o, route)
      const want = p.predicted
      if (want !== null && (o.hasKey !== want.hasKey || o.done !== want.done || o.solved !== want.solved)) {
        throw contradiction(
          route,
          o.x,
          o.y,
          `at step ${o.steps} it answered hasKey ${o.hasKey}, done ${o.done}, solved ${o.solved}; its earlier answers mean hasKey ${want.hasKey}, done ${want.done}, solved ${want.solved}`,
        )
      }
    }
  }

  /** Reads the referee's record, frees a run given up, checks the record against the walk, and draws the map. */
  async #finish(outcome: RunOutcome): Promise<AgentRun> {
    const { routes, span, checkAborted } = this.#play
    const { transport, strategy } = this.#play.options
    const { width, height, id } = this.#created
    const steps = this.#steps
    const keyStep = this.#keyStep
    const record = await routes.record(id)
    // A run the explorer gave up is still live on the model: free it.
    if (record.status === 'running') await routes.abandon(id)
    const status = outcome === 'solved' ? 'solved' : outcome === 'step-limit' ? 'unsolved' : 'running'
    if (record.steps !== steps || record.keyStep !== keyStep || record.status !== status) {
      throw new AgentError(
        AgentErrorCode.BadResponse,
        `GET /episodes/${id}: the referee's record (${record.status}, ${record.steps} steps, key at ${record.keyStep}) disagrees with its own answers ` +
          `(${status}, ${steps} steps, key at ${keyStep}): the model contradicts itself`,
      )
    }
    const seed = record.seed ?? this.#created.seed
    const optimalSteps = record.optimalSteps ?? this.#created.optimalSteps
    if (seed !== null) span.setAttribute(AgentTelemetry.seed, seed)

    // The model draws maps of its own maze only: the episode's walk is drawn when it is that maze.
    const meta = this.#play.meta
    const onModelMaze = meta !== null && seed !== null && meta.seed === seed && meta.width === width && meta.height === height
    const { map, mapError } = onModelMaze ? await drawMap(transport, this.#path, span, checkAborted) : { map: null, mapError: null }
    const result: AgentResult = {
      strategy: strategy.name,
      width,
      height,
      seed,
      solved: record.status === 'solved',
      steps: record.steps,
      keyStep: record.keyStep,
      requests: transport.requests,
      elapsedMs: Math.round(performance.now() - this.#play.startedAt),
      optimalSteps,
    }
    return { result, map, mapError, outcome }
  }
}
