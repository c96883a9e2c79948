// A replay of the model's episodes (GET /episodes/:id/replay: one {"step","direction","x","y"} per
// applied move) as a walk through its maze, checked move by move against the maze's walls: what
// `pnpm render --replay` draws.
import { DIRECTION_NAMES, DX, DY, type Direction, type Maze, type Point } from '@maze-sim/maze'
import { SweepError, SweepErrorCode } from './errors.ts'

export interface ReplayWalk {
  /** The start, then the cell after every step. */
  readonly points: Point[]
  readonly steps: number
  /** The step on which the key was picked up, null if never. */
  readonly keyStep: number | null
  /** Whether the walk ends on the exit holding the key (the referee's "solved"). */
  readonly solved: boolean
}

const replayError = (message: string): SweepError => new SweepError(SweepErrorCode.Replay, message)

/**
 * Follows the replay `text` (NDJSON) through `maze` from its start. Throws SWEEP_ERR_REPLAY naming
 * the line when a line is not a replay entry, a step is out of order, a move goes through a wall or
 * off the grid, the position it gives is not where the move leads, or a move follows the end.
 */
export function walkReplay(maze: Maze, text: string): ReplayWalk {
  const points: Point[] = [{ x: maze.start.x, y: maze.start.y }]
  let { x, y } = maze.start
  let keyStep: number | null = null
  let solved = false
  let steps = 0
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim()
    if (line === '') continue
    const where = `line ${n + 1}`
    let entry: unknown
    try {
      entry = JSON.parse(line)
    } catch (error) {
      throw new SweepError(SweepErrorCode.Replay, `${where} is not JSON: ${(error as Error).message}`, { cause: error })
    }
    const { step, direction, x: ex, y: ey } = (entry ?? {}) as Record<string, unknown>
    const index = DIRECTION_NAMES.indexOf(direction as never)
    if (
      typeof entry !== 'object' ||
      entry === null ||
      index < 0 ||
      !Number.isInteger(step) ||
      !Number.isInteger(ex) ||
      !Number.isInteger(ey)
    ) {
      throw replayError(`${where} is not a replay entry {"step","direction","x","y"}: ${line.slice(0, 80)}`)
    }
    const d = index as Direction
    if (solved) throw replayError(`${where}: a move after step ${steps}, where the episode ended solved`)
    if (step !== steps + 1) throw replayError(`${where} is step ${String(step)}, expected step ${steps + 1}`)
    const nx = x + DX[d]!
    const ny = y + DY[d]!
    if (!maze.isInside(nx, ny)) {
      throw replayError(`${where}: step ${steps + 1} goes ${direction} from (${x}, ${y}), off the ${maze.width}x${maze.height} grid`)
    }
    if (maze.side(x, y, d) === 1) {
      throw replayError(
        `${where}: step ${steps + 1} goes ${direction} from (${x}, ${y}) through a wall of this maze (is it the right seed and size?)`,
      )
    }
    if (ex !== nx || ey !== ny) {
      throw replayError(
        `${where}: step ${steps + 1} goes ${direction} from (${x}, ${y}) to (${nx}, ${ny}), but the replay says (${String(ex)}, ${String(ey)})`,
      )
    }
    x = nx
    y = ny
    steps++
    points.push({ x, y })
    if (keyStep === null && x === maze.key.x && y === maze.key.y) keyStep = steps
    if (keyStep !== null && x === maze.exit.x && y === maze.exit.y) solved = true
  }
  return { points, steps, keyStep, solved }
}
