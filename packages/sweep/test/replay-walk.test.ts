// `pnpm render --replay`'s reading of a replay: the walk it describes, checked against the maze.
import { DX, DY, Episode, generateMaze, type Direction, type Maze, type Point } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { optimalPath } from '../src/maze-svg.ts'
import { walkReplay } from '../src/replay-walk.ts'

/** The directions of a walk of neighbouring cells. */
const directionsOf = (points: readonly Point[]): Direction[] =>
  points.slice(1).map((p, k) => ([0, 1, 2, 3] as const).find((d) => points[k]!.x + DX[d]! === p.x && points[k]!.y + DY[d]! === p.y)!)

/** The NDJSON of GET /episodes/:id/replay, from the referee itself. */
function replayOf(maze: Maze, moves: Direction[]): string {
  const episode = new Episode({ maze })
  episode.move(moves)
  return [...episode.replay()].map((entry) => `${JSON.stringify(entry)}\n`).join('')
}

const maze = generateMaze({ seed: 5, width: 14, height: 9 })
const optimal = optimalPath(maze)

describe('walkReplay', () => {
  test('the walk of a replay: every cell from the start, the key step, solved', () => {
    const walk = walkReplay(maze, replayOf(maze, directionsOf(optimal)))
    expect(walk.points).toEqual(optimal)
    expect(walk.steps).toBe(optimal.length - 1)
    expect(walk.solved).toBe(true)
    expect(walk.keyStep).toBe(optimal.findIndex((p) => p.x === maze.key.x && p.y === maze.key.y))
  })

  test('an unfinished replay is not solved; an empty one is the start alone', () => {
    const half = walkReplay(maze, replayOf(maze, directionsOf(optimal.slice(0, 4))))
    expect(half).toMatchObject({ steps: 3, solved: false, keyStep: null })
    expect(walkReplay(maze, '')).toEqual({ points: [maze.start], steps: 0, keyStep: null, solved: false })
  })

  test('a replay that does not fit the maze is refused, naming the line', () => {
    const good = replayOf(maze, directionsOf(optimal)).split('\n')
    const refuse = (text: string, message: RegExp) => {
      expect(() => walkReplay(maze, text)).toThrow(message)
      try {
        walkReplay(maze, text)
      } catch (error) {
        expect((error as { code?: string }).code).toBe('SWEEP_ERR_REPLAY')
      }
    }
    // Through a wall: the first closed side of the start.
    const wall = ([0, 1, 2, 3] as const).find(
      (d) => maze.side(maze.start.x, maze.start.y, d) === 1 && maze.isInside(maze.start.x + DX[d]!, maze.start.y + DY[d]!),
    )
    if (wall !== undefined) {
      const to = { x: maze.start.x + DX[wall]!, y: maze.start.y + DY[wall]! }
      const name = ['up', 'right', 'down', 'left'][wall]
      refuse(`{"step":1,"direction":"${name}","x":${to.x},"y":${to.y}}\n`, /line 1: step 1 goes \w+ from .* through a wall/)
    }
    // Off the grid: out through the start's outer opening (open, but outside).
    const out = ([0, 1, 2, 3] as const).find((d) => !maze.isInside(maze.start.x + DX[d]!, maze.start.y + DY[d]!))!
    refuse(`{"step":1,"direction":"${['up', 'right', 'down', 'left'][out]}","x":-1,"y":-1}\n`, /off the 14x9 grid/)
    refuse([good[0], good[2]].join('\n'), /line 2 is step 3, expected step 2/)
    refuse(good[0]!.replace(/"x":\d+/, '"x":13'), /but the replay says \(13,/)
    refuse(`${good[0]}\nnot json\n`, /line 2 is not JSON/)
    refuse('{"step":1,"direction":"north","x":0,"y":0}', /line 1 is not a replay entry/)
    refuse(
      `${good.join('\n')}${good[0]!.replace(/"step":1/, `"step":${optimal.length}`)}\n`,
      /a move after step \d+, where the episode ended solved/,
    )
  })

  test('the same replay on another maze (a wrong seed) is refused', () => {
    const other = generateMaze({ seed: 6, width: 14, height: 9 })
    expect(() => walkReplay(other, replayOf(maze, directionsOf(optimal)))).toThrow(/through a wall|off the|but the replay says/)
  })
})
