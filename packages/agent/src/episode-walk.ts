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
import type { EpisodeCreated, EpisodeObservation, EpisodeRequest, EpisodeRoutes, MazeMeta } from './transport.ts'

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

const AGENT_LABEL = /[^A-Za-z0-9._:@/+-]/g

/** The `agent` label of the referee's record: the given one, else `maze-agent:<strategy>`, within the contract's characters and 64 of them. */
export const agentLabel = (strategy: string, given?: string | null): string =>
  (given ?? `maze-agent:${strategy}`).replace(AGENT_LABEL, '_').slice(0, 64) || 'maze-agent'

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
  return withExplorer(options, { width, height, start, rngSeed }, (explorer) => walkWith(play, created, explorer))
}

async function walkWith(play: EpisodePlay, created: EpisodeCreated, explorer: AnyExplorer): Promise<AgentRun> {
  const { options, routes, span, progress, checkAborted } = play
  const { transport, strategy, onStep } = options
  const { width, height, maxSteps, id } = created
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH)
  const route = `POST /episodes/${id}/moves`
  const cells = new CellBook(width, height)
  const path = new VisitedPath(width, height)

  const first = created.observation
  let x = first.x
  let y = first.y
  let steps = 0
  let view: CellView = first
  cells.record(x, y, first, 'POST /episodes')
  path.visit(x, y)
  // A hand-made maze may hide the key under the start: the model then says so at once.
  let hasKey = first.hasKey
  let keyStep: number | null = hasKey ? 0 : null
  let outcome: RunOutcome

  // The rules of standing on a cell, as the model applies them: the key is picked up on its cell;
  // the run is solved on the exit with the key, else over at the step limit.
  const arrive = (): void => {
    if (view.here !== 'K' || hasKey) return
    hasKey = true
    keyStep = steps
    span.addEvent(AgentTelemetry.keyEvent, { [AgentTelemetry.steps]: steps })
  }
  const solvedHere = (): boolean => view.here === 'E' && hasKey

  let pending: Pending[] = []
  /** Sends the pending moves as one request and checks the answer; returns the last observation. */
  const flush = async (): Promise<EpisodeObservation | null> => {
    if (pending.length === 0) return null
    const sent = pending
    pending = []
    const answer = await routes.move(
      id,
      sent.map((p) => p.direction),
    )
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
      cells.record(o.x, o.y, o, route)
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
    for (const p of sent) {
      progress(p.steps)
      onStep?.({ from: p.from, direction: p.direction, to: p.to, steps: p.steps, observation: p.observation })
    }
    return answer.observations[sent.length - 1]!
  }

  for (;;) {
    checkAborted()
    if (solvedHere()) {
      outcome = 'solved'
      break
    }
    if (steps >= maxSteps) {
      outcome = 'step-limit'
      break
    }
    const observation = observe(x, y, view, hasKey, steps)
    const direction = await decide(explorer, strategy.name, observation, width, height)
    if (direction === null) {
      outcome = 'gave-up'
      break
    }
    const from = { x, y }
    x += DX[direction as Direction]!
    y += DY[direction as Direction]!
    steps++
    path.visit(x, y)
    const to = { x, y }
    if (cells.known(x, y)) {
      // Known ground: the runner says what the model will answer, and the explorer moves on.
      view = cells.view(x, y)
      arrive()
      const solved = solvedHere()
      pending.push({ from, direction, to, steps, observation, predicted: { view, hasKey, solved, done: solved || steps >= maxSteps } })
      if (pending.length >= maxBatch) await flush()
      continue
    }
    // A cell never sensed: the batch goes now, this move last; the model's answer is the cell's word.
    pending.push({ from, direction, to, steps, observation, predicted: null })
    checkAborted()
    const last = (await flush())!
    view = last
    arrive()
    const solved = solvedHere()
    const done = solved || steps >= maxSteps
    if (last.hasKey !== hasKey || last.done !== done || last.solved !== solved) {
      throw contradiction(
        route,
        x,
        y,
        `at step ${steps} it answered hasKey ${last.hasKey}, done ${last.done}, solved ${last.solved}; its answers mean hasKey ${hasKey}, done ${done}, solved ${solved}`,
      )
    }
  }
  // Moves decided before the end (known ground) still go: the referee counts them.
  checkAborted()
  await flush()
  checkAborted()

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
  const seed = record.seed ?? created.seed
  const optimalSteps = record.optimalSteps ?? created.optimalSteps
  if (seed !== null) span.setAttribute(AgentTelemetry.seed, seed)

  // The model draws maps of its own maze only: the episode's walk is drawn when it is that maze.
  const meta = play.meta
  const onModelMaze = meta !== null && seed !== null && meta.seed === seed && meta.width === width && meta.height === height
  const { map, mapError } = onModelMaze ? await drawMap(transport, path, span, checkAborted) : { map: null, mapError: null }
  const result: AgentResult = {
    strategy: strategy.name,
    width,
    height,
    seed,
    solved: record.status === 'solved',
    steps: record.steps,
    keyStep: record.keyStep,
    requests: transport.requests,
    elapsedMs: Math.round(performance.now() - play.startedAt),
    optimalSteps,
  }
  return { result, map, mapError, outcome }
}
