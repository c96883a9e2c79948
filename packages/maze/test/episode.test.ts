import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  defaultMaxSteps,
  Direction,
  distancesFrom,
  DX,
  DY,
  Episode,
  generateMaze,
  Maze,
  MAX_SEED,
  MazeError,
  MazeErrorCode,
  parseDirection,
  parseMoves,
  solve,
  type Point,
} from '../src/index.ts'

const { Up, Right, Down, Left } = Direction

// Wall bytes: bit d set = wall on side d (0 up, 1 right, 2 down, 3 left; no left walls here).
const UP = 1
const RIGHT = 2
const DOWN = 4

/** A 3x1 corridor S K E: the start opens to the left (off the grid), the exit to the right. */
const corridor = (): Maze =>
  new Maze({
    width: 3,
    height: 1,
    seed: 0,
    start: { x: 0, y: 0 },
    key: { x: 1, y: 0 },
    exit: { x: 2, y: 0 },
    walls: Uint8Array.of(UP | DOWN, UP | DOWN, UP | DOWN),
  })

/** A 3x1 corridor S E K: the exit (open upwards) lies between the start and the key. */
const exitFirst = (): Maze =>
  new Maze({
    width: 3,
    height: 1,
    seed: 0,
    start: { x: 0, y: 0 },
    exit: { x: 1, y: 0 },
    key: { x: 2, y: 0 },
    walls: Uint8Array.of(UP | DOWN, DOWN, UP | RIGHT | DOWN),
  })

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof MazeError) return err.code
    throw err
  }
  return undefined
}

/** The shortest walk from `from` to `to`: descend the BFS distances to `to`. */
function shortestPath(maze: Maze, from: Point, to: Point): Direction[] {
  const dist = distancesFrom(maze, to)
  const path: Direction[] = []
  let { x, y } = from
  while (x !== to.x || y !== to.y) {
    const here = dist[maze.index(x, y)]!
    const d = ([Up, Right, Down, Left] as const).find((d) => {
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      return maze.side(x, y, d) === 0 && maze.isInside(nx, ny) && dist[maze.index(nx, ny)] === here - 1
    })
    if (d === undefined) throw new Error(`no way down from (${x}, ${y})`)
    path.push(d)
    x += DX[d]!
    y += DY[d]!
  }
  return path
}

describe('Episode: starting and moving', () => {
  test('starts on S, running, with the classic cell view', () => {
    const maze = corridor()
    const episode = new Episode({ maze, maxSteps: 10 })
    expect(episode.status).toBe('running')
    expect(episode.observation()).toEqual({ ...maze.cell(0, 0), x: 0, y: 0, hasKey: false, steps: 0, done: false, solved: false })
    expect(episode.observation()).toMatchObject({ here: 'S', up: 1, right: 0, down: 1, left: 0 })
    expect(episode.record()).toEqual({ status: 'running', x: 0, y: 0, steps: 0, keyStep: null, bumps: 0, maxSteps: 10, optimalSteps: 2 })
  })

  test('maxSteps defaults to defaultMaxSteps and must be a positive integer', () => {
    expect(defaultMaxSteps(80, 20)).toBe(33_000)
    expect(new Episode({ maze: corridor() }).maxSteps).toBe(defaultMaxSteps(3, 1))
    for (const maxSteps of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => new Episode({ maze: corridor(), maxSteps }))).toBe(MazeErrorCode.BadMaxSteps)
    }
  })

  test('a legal move moves one cell and counts one step', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    const result = episode.move([Right])
    expect(result).toEqual({ applied: 1, bumped: false, observations: [episode.observation()] })
    expect(result.observations[0]).toMatchObject({ x: 1, y: 0, here: 'E', steps: 1 })
  })

  test('a bump into a wall is not made, is counted and stops the batch', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 10 })
    const result = episode.move([Right, Up, Right])
    expect(result.applied).toBe(1)
    expect(result.bumped).toBe(true)
    expect(result.observations.map((o) => [o.x, o.y, o.steps])).toEqual([[1, 0, 1]])
    expect(episode.record()).toMatchObject({ x: 1, y: 0, steps: 1, bumps: 1, status: 'running' })
  })

  test('a bump on the first move applies nothing', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 10 })
    expect(episode.move([Down, Right])).toEqual({ applied: 0, bumped: true, observations: [] })
    expect(episode.record()).toMatchObject({ x: 0, y: 0, steps: 0, bumps: 1 })
  })

  test("going off the grid through the start's opening is a bump", () => {
    const maze = corridor()
    expect(maze.side(0, 0, Left)).toBe(0)
    const episode = new Episode({ maze, maxSteps: 10 })
    expect(episode.move([Left])).toEqual({ applied: 0, bumped: true, observations: [] })
    expect(episode.record()).toMatchObject({ x: 0, y: 0, steps: 0, bumps: 1 })
  })

  test("going off the grid through the exit's opening is a bump", () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    expect(episode.move([Right, Up])).toMatchObject({ applied: 1, bumped: true })
    expect(episode.record()).toMatchObject({ x: 1, y: 0, steps: 1, bumps: 1, status: 'running' })
  })
})

describe('Episode: the key, the exit and the step limit', () => {
  test('stepping on K picks up the key; keyStep is the step count then', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    const { observations } = episode.move([Right, Right])
    expect(observations.map((o) => o.hasKey)).toEqual([false, true])
    expect(observations[1]).toMatchObject({ here: 'K', x: 2 })
    expect(episode.keyStep).toBe(2)
    // Coming back over K does not move keyStep.
    episode.move([Left, Right])
    expect(episode.record().keyStep).toBe(2)
  })

  test('standing on E without the key does not end the episode', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    const { observations } = episode.move([Right])
    expect(observations[0]).toMatchObject({ here: 'E', hasKey: false, done: false, solved: false })
    expect(episode.status).toBe('running')
  })

  test('reaching E holding the key solves it', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    const { observations } = episode.move([Right, Right, Left])
    expect(observations[2]).toMatchObject({ here: 'E', hasKey: true, done: true, solved: true, steps: 3 })
    expect(episode.record()).toEqual({ status: 'solved', x: 1, y: 0, steps: 3, keyStep: 2, bumps: 0, maxSteps: 10, optimalSteps: 3 })
  })

  test('moves after the end in the same batch are dropped', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 10 })
    expect(episode.move([Right, Right, Left, Left])).toMatchObject({ applied: 2, bumped: false })
    expect(episode.record()).toMatchObject({ status: 'solved', x: 2, steps: 2, bumps: 0 })
  })

  test('it ends unsolved when the steps reach maxSteps exactly', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 2 })
    expect(episode.move([Right]).observations[0]!.done).toBe(false)
    const { applied, observations } = episode.move([Right, Left])
    expect(applied).toBe(1)
    expect(observations[0]).toMatchObject({ steps: 2, hasKey: true, done: true, solved: false })
    expect(episode.record()).toMatchObject({ status: 'unsolved', steps: 2, keyStep: 2 })
  })

  test('a last step that solves wins over the step limit', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 2 })
    episode.move([Right, Right])
    expect(episode.status).toBe('solved')
  })

  test('bumps are not steps: they never reach the limit', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 1 })
    for (let i = 0; i < 5; i++) episode.move([Up])
    expect(episode.record()).toMatchObject({ status: 'running', steps: 0, bumps: 5 })
  })
})

describe('Episode: refused moves and abandon', () => {
  test('moves on an ended episode throw MAZE_ERR_EPISODE_ENDED', () => {
    const solved = new Episode({ maze: corridor(), maxSteps: 10 })
    solved.move([Right, Right])
    expect(codeOf(() => solved.move([Left]))).toBe('MAZE_ERR_EPISODE_ENDED')
    const unsolved = new Episode({ maze: corridor(), maxSteps: 1 })
    unsolved.move([Right])
    expect(codeOf(() => unsolved.move([Left]))).toBe(MazeErrorCode.EpisodeEnded)
    const abandoned = new Episode({ maze: corridor(), maxSteps: 10 })
    abandoned.abandon()
    expect(codeOf(() => abandoned.move([Right]))).toBe(MazeErrorCode.EpisodeEnded)
    expect(abandoned.record()).toMatchObject({ status: 'abandoned', steps: 0 })
  })

  test('an empty or malformed move list throws MAZE_ERR_BAD_MOVES and moves nothing', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 10 })
    expect(codeOf(() => episode.move([]))).toBe('MAZE_ERR_BAD_MOVES')
    expect(codeOf(() => episode.move([Right, 4 as Direction]))).toBe(MazeErrorCode.BadMoves)
    expect(codeOf(() => episode.move(['up' as unknown as Direction]))).toBe(MazeErrorCode.BadMoves)
    expect(episode.record()).toMatchObject({ x: 0, steps: 0, bumps: 0 })
  })

  test('abandon ends a running episode once; an ended episode keeps its status', () => {
    const running = new Episode({ maze: corridor(), maxSteps: 10 })
    expect(running.abandon()).toBe(true)
    expect(running.abandon()).toBe(false)
    expect(running.status).toBe('abandoned')
    expect(running.observation()).toMatchObject({ done: true, solved: false })
    const solved = new Episode({ maze: corridor(), maxSteps: 10 })
    solved.move([Right, Right])
    expect(solved.abandon()).toBe(false)
    expect(solved.status).toBe('solved')
  })
})

describe('Episode: the replay', () => {
  test('the replay lists every applied move with the position after it', () => {
    const episode = new Episode({ maze: exitFirst(), maxSteps: 10 })
    episode.move([Right, Up])
    episode.move([Right, Left])
    expect([...episode.replay()]).toEqual([
      { step: 1, direction: 'right', x: 1, y: 0 },
      { step: 2, direction: 'right', x: 2, y: 0 },
      { step: 3, direction: 'left', x: 1, y: 0 },
    ])
  })

  test('the replay grows past its first buffer, stays capped by maxSteps and is a snapshot', () => {
    const maxSteps = 1001
    const episode = new Episode({ maze: exitFirst(), maxSteps })
    expect(episode.replayBytes).toBe(0)
    const expected: Array<[string, number]> = []
    let snapshot: Iterator<unknown> | undefined
    for (let i = 0; i < 500; i++) {
      // Right then left keeps it between S and E, never on K, so it never ends before the limit.
      episode.move([Right, Left])
      expected.push(['right', 1], ['left', 0])
      if (i === 10) snapshot = episode.replay()
    }
    expect(episode.replayBytes).toBe(Math.ceil(maxSteps / 4))
    const entries = [...episode.replay()]
    expect(entries).toHaveLength(episode.steps)
    expect(entries.map((e) => [e.direction, e.x])).toEqual(expected)
    expect(entries.map((e) => e.step)).toEqual(expected.map((_, i) => i + 1))
    let count = 0
    while (!snapshot!.next().done) count++
    expect(count).toBe(22)
  })

  test('the replay of a short limit never takes more than maxSteps / 4 bytes', () => {
    const episode = new Episode({ maze: corridor(), maxSteps: 5 })
    episode.move([Right])
    expect(episode.replayBytes).toBe(2)
  })
})

describe('parseDirection and parseMoves', () => {
  test('parseDirection and parseMoves read the wire words', () => {
    expect(['up', 'right', 'down', 'left'].map(parseDirection)).toEqual([Up, Right, Down, Left])
    for (const bad of ['Up', 'north', '', 0, null, undefined, {}]) expect(parseDirection(bad)).toBeNull()
    expect(parseMoves(['left', 'down'])).toEqual([Left, Down])
    expect(codeOf(() => parseMoves([]))).toBe(MazeErrorCode.BadMoves)
    expect(codeOf(() => parseMoves('up'))).toBe(MazeErrorCode.BadMoves)
    expect(() => parseMoves(['up', 'north'])).toThrow(/move 1 is "north"/)
  })
})

describe('Episode: properties', () => {
  test('property: the optimal S→K→E walk solves in exactly optimalSteps with no bump', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: MAX_SEED }),
        fc.integer({ min: 1, max: 40 }),
        (w, h, seed, batch) => {
          fc.pre(w * h >= 3)
          const maze = generateMaze({ width: w, height: h, seed })
          const path = [...shortestPath(maze, maze.start, maze.key), ...shortestPath(maze, maze.key, maze.exit)]
          const { startToKey, optimalSteps } = solve(maze)
          const episode = new Episode({ maze })
          expect(episode.optimalSteps).toBe(optimalSteps)
          for (let i = 0; i < path.length; i += batch) {
            expect(episode.move(path.slice(i, i + batch)).bumped).toBe(false)
          }
          expect(episode.record()).toMatchObject({ status: 'solved', steps: optimalSteps, keyStep: startToKey, bumps: 0, ...maze.exit })
        },
      ),
      { numRuns: 200, seed: 11 },
    )
  })

  test('property: random moves only go through open sides, and steps and bumps add up', () => {
    const direction = fc.constantFrom<Direction>(Up, Right, Down, Left)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: MAX_SEED }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.array(direction, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 60 }),
        (w, h, seed, maxSteps, batches) => {
          fc.pre(w * h >= 3)
          const maze = generateMaze({ width: w, height: h, seed })
          const episode = new Episode({ maze, maxSteps })
          let { x, y } = maze.start
          let steps = 0
          let bumps = 0
          for (const moves of batches) {
            if (episode.done) {
              expect(codeOf(() => episode.move(moves))).toBe(MazeErrorCode.EpisodeEnded)
              continue
            }
            const { applied, bumped, observations } = episode.move(moves)
            expect(observations).toHaveLength(applied)
            for (let i = 0; i < applied; i++) {
              const d = moves[i]!
              expect(maze.side(x, y, d)).toBe(0)
              x += DX[d]!
              y += DY[d]!
              expect(maze.isInside(x, y)).toBe(true)
              steps++
              const o = observations[i]!
              expect(o).toEqual({ ...maze.cell(x, y), x, y, steps, hasKey: o.hasKey, done: o.done, solved: o.solved })
              // Only the last observation of a batch may be the end.
              expect(o.done).toBe(i === applied - 1 && episode.done)
            }
            if (bumped) {
              bumps++
              const d = moves[applied]!
              expect(maze.side(x, y, d) === 1 || !maze.isInside(x + DX[d]!, y + DY[d]!)).toBe(true)
            } else {
              expect(applied === moves.length || episode.done).toBe(true)
            }
          }
          const record = episode.record()
          expect(record).toMatchObject({ x, y, steps, bumps })
          expect(record.steps).toBeLessThanOrEqual(maxSteps)
          expect(record.status === 'unsolved').toBe(record.steps === maxSteps && record.status !== 'solved')
          expect(record.steps + record.bumps).toBeLessThanOrEqual(batches.flat().length)
          if (record.keyStep !== null) expect(record.keyStep).toBeLessThanOrEqual(record.steps)
          const replay = [...episode.replay()]
          expect(replay).toHaveLength(record.steps)
          expect(replay.at(-1) ?? maze.start).toMatchObject({ x, y })
        },
      ),
      { numRuns: 300, seed: 5 },
    )
  })
})
