import { MAX_AREA, MAX_SEED, MAX_SIDE, type CellView, type Label, type Point } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import {
  NO_META,
  type EpisodeCreated,
  type EpisodeMoves,
  type EpisodeObservation,
  type EpisodeRecord,
  type EpisodeStatusName,
  type MazeMeta,
  type MazeSize,
} from './transport.ts'

// Every answer of the model is checked here, whichever transport carried it: a model that breaks
// the contract fails the run with AGENT_ERR_BAD_RESPONSE instead of sending the agent astray.

const LABELS: ReadonlySet<string> = new Set<Label>(['S', 'E', 'K', ' '])
const SIDES = ['up', 'down', 'left', 'right'] as const

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

const bad = (route: string, what: string, value: unknown): AgentError =>
  new AgentError(AgentErrorCode.BadResponse, `${route} answered ${show(value)}: ${what}`)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

export function parseSize(value: unknown, route = 'GET /maze/size'): MazeSize {
  if (!isRecord(value)) throw bad(route, 'expected an object {"width", "height"}', value)
  const { width, height } = value
  if (!isInt(width, 1, MAX_SIDE) || !isInt(height, 1, MAX_SIDE)) {
    throw bad(route, `width and height must be integers from 1 to ${MAX_SIDE}`, value)
  }
  if (width * height > MAX_AREA) throw bad(route, `the area must be at most ${MAX_AREA} cells`, value)
  return { width, height }
}

export function parseStart(value: unknown, size: MazeSize | null, route = 'GET /maze/start'): Point {
  if (!isRecord(value)) throw bad(route, 'expected an object {"x", "y"}', value)
  const { x, y } = value
  const maxX = size ? size.width - 1 : MAX_SIDE
  const maxY = size ? size.height - 1 : MAX_SIDE
  if (!isInt(x, 0, maxX) || !isInt(y, 0, maxY)) {
    throw bad(route, `x must be an integer 0..${maxX} and y 0..${maxY}`, value)
  }
  return { x, y }
}

export function parseCellView(value: unknown, route: string): CellView {
  if (!isRecord(value)) throw bad(route, 'expected an object {"here", "up", "down", "left", "right"}', value)
  const { here } = value
  if (typeof here !== 'string' || !LABELS.has(here)) {
    throw bad(route, '"here" must be one of "S", "E", "K" or " "', value)
  }
  for (const side of SIDES) {
    const v = value[side]
    if (v !== 0 && v !== 1) throw bad(route, `"${side}" must be the integer 0 (open) or 1 (wall)`, value)
  }
  return {
    here: here as Label,
    up: value.up as 0 | 1,
    down: value.down as 0 | 1,
    left: value.left as 0 | 1,
    right: value.right as 0 | 1,
  }
}

export function parseMap(value: unknown, route = 'POST /maze/map'): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(route, 'expected the ASCII map as text', value)
  return value
}

/**
 * The meta extension is optional, so it is read leniently: a field of the wrong type is treated as
 * absent rather than failing a run that does not need it.
 */
export function parseMeta(value: unknown): MazeMeta {
  if (!isRecord(value)) return NO_META
  const sized = isInt(value.width, 1, MAX_SIDE) && isInt(value.height, 1, MAX_SIDE) && value.width * value.height <= MAX_AREA
  return {
    seed: isInt(value.seed, 0, MAX_SEED) ? value.seed : null,
    optimalSteps: isInt(value.optimalSteps, 0, Number.MAX_SAFE_INTEGER) ? value.optimalSteps : null,
    ...(sized ? { width: value.width as number, height: value.height as number } : {}),
  }
}

// The /episodes answers (API.md, "Episodes"), checked as strictly as the classic ones.

const STATUSES: ReadonlySet<string> = new Set<EpisodeStatusName>(['generating', 'running', 'solved', 'unsolved', 'abandoned'])
const ID = /^[A-Za-z0-9_-]{1,128}$/
const nullableInt = (value: unknown, min: number, max: number): value is number | null => value === null || isInt(value, min, max)

/** The contract's OBS, inside a `width` x `height` grid. */
export function parseObservation(value: unknown, size: MazeSize, route: string): EpisodeObservation {
  if (!isRecord(value))
    throw bad(
      route,
      'an observation must be an object {"x", "y", "here", "up", "right", "down", "left", "hasKey", "steps", "done", "solved"}',
      value,
    )
  const view = parseCellView(value, route)
  const { x, y, hasKey, steps, done, solved } = value
  if (!isInt(x, 0, size.width - 1) || !isInt(y, 0, size.height - 1)) {
    throw bad(route, `an observation's x must be an integer 0..${size.width - 1} and y 0..${size.height - 1}`, value)
  }
  if (!isInt(steps, 0, Number.MAX_SAFE_INTEGER)) throw bad(route, `an observation's "steps" must be a non-negative integer`, value)
  if (typeof hasKey !== 'boolean' || typeof done !== 'boolean' || typeof solved !== 'boolean') {
    throw bad(route, 'an observation\'s "hasKey", "done" and "solved" must be booleans', value)
  }
  return { x, y, ...view, hasKey, steps, done, solved }
}

/** `POST /episodes`' `201` answer. */
export function parseEpisodeCreated(value: unknown, route = 'POST /episodes'): EpisodeCreated {
  if (!isRecord(value))
    throw bad(route, 'expected an object {"id", "seed", "width", "height", "maxSteps", "optimalSteps", "observation"}', value)
  const { id, seed, maxSteps, optimalSteps, observation } = value
  if (typeof id !== 'string' || !ID.test(id)) throw bad(route, '"id" must be a string of 1 to 128 URL-safe characters', value)
  const size = parseSize({ width: value.width, height: value.height }, route)
  if (!nullableInt(seed, 0, MAX_SEED)) throw bad(route, `"seed" must be null or an integer 0..${MAX_SEED}`, value)
  if (!isInt(maxSteps, 1, Number.MAX_SAFE_INTEGER)) throw bad(route, '"maxSteps" must be a positive integer', value)
  if (!nullableInt(optimalSteps, 0, Number.MAX_SAFE_INTEGER))
    throw bad(route, '"optimalSteps" must be null or a non-negative integer', value)
  return { id, seed, ...size, maxSteps, optimalSteps, observation: parseObservation(observation, size, route) }
}

/** `POST /episodes/:id/moves`' answer: `applied` observations, inside the episode's grid. */
export function parseEpisodeMoves(value: unknown, size: MazeSize, sent: number, route: string): EpisodeMoves {
  if (!isRecord(value)) throw bad(route, 'expected an object {"applied", "bumped", "observations"}', value)
  const { applied, bumped, observations } = value
  if (!isInt(applied, 0, sent)) throw bad(route, `"applied" must be an integer from 0 to the ${sent} moves sent`, value)
  if (typeof bumped !== 'boolean') throw bad(route, '"bumped" must be a boolean', value)
  if (!Array.isArray(observations) || observations.length !== applied)
    throw bad(route, '"observations" must be a list of one observation per applied move', value)
  return { applied, bumped, observations: observations.map((o) => parseObservation(o, size, route)) }
}

/** `GET /episodes/:id`: the referee's record. */
export function parseEpisodeRecord(value: unknown, route: string): EpisodeRecord {
  if (!isRecord(value)) throw bad(route, 'expected the record {"id", "seed", "width", "height", "status", "steps", "keyStep", ...}', value)
  const { id, seed, status, steps, keyStep, bumps, maxSteps, optimalSteps } = value
  if (typeof id !== 'string' || !ID.test(id)) throw bad(route, '"id" must be a string of 1 to 128 URL-safe characters', value)
  const size = parseSize({ width: value.width, height: value.height }, route)
  if (typeof status !== 'string' || !STATUSES.has(status)) throw bad(route, `"status" must be one of ${[...STATUSES].join(', ')}`, value)
  if (!nullableInt(seed, 0, MAX_SEED)) throw bad(route, `"seed" must be null or an integer 0..${MAX_SEED}`, value)
  if (!isInt(steps, 0, Number.MAX_SAFE_INTEGER) || !isInt(bumps, 0, Number.MAX_SAFE_INTEGER))
    throw bad(route, '"steps" and "bumps" must be non-negative integers', value)
  if (!nullableInt(keyStep, 0, steps)) throw bad(route, '"keyStep" must be null or an integer from 0 to "steps"', value)
  if (!isInt(maxSteps, 1, Number.MAX_SAFE_INTEGER)) throw bad(route, '"maxSteps" must be a positive integer', value)
  if (!nullableInt(optimalSteps, 0, Number.MAX_SAFE_INTEGER))
    throw bad(route, '"optimalSteps" must be null or a non-negative integer', value)
  return { id, seed, ...size, status: status as EpisodeStatusName, steps, keyStep, bumps, maxSteps, optimalSteps }
}

/** `GET /episodes?limit=1`, the probe: true when it is the episodes list (`{"episodes": [...]}`). */
export function isEpisodeList(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.episodes)
}
