import { MAX_AREA, MAX_SEED, MAX_SIDE, type CellView, type Label, type Point } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import { NO_META, type MazeMeta, type MazeSize } from './transport.ts'

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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

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
  return {
    seed: isInt(value.seed, 0, MAX_SEED) ? value.seed : null,
    optimalSteps: isInt(value.optimalSteps, 0, Number.MAX_SAFE_INTEGER) ? value.optimalSteps : null,
  }
}
