import { generateMaze, solve, type Maze } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { runAgent, type StepEvent } from '../src/runner.ts'
import { aStar } from '../src/strategies/astar/astar.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import type { Strategy } from '../src/strategy.ts'

const run = async (maze: Maze, strategy: Strategy, onStep?: (e: StepEvent) => void) =>
  runAgent({ transport: createInProcessTransport(maze), strategy, ...(onStep ? { onStep } : {}) })

describe('astar', () => {
  // Thin (1xN, Nx1, 2xN, Nx2), tiny, square, non-square and one larger maze, a few seeds each.
  const SIZES: ReadonlyArray<readonly [number, number]> = [
    [1, 3],
    [3, 1],
    [1, 40],
    [40, 1],
    [2, 2],
    [2, 30],
    [30, 2],
    [3, 7],
    [7, 3],
    [10, 10],
    [37, 11],
    [11, 37],
    [80, 20],
    [120, 90],
  ]
  const SEEDS = [1, 2, 3, 99, 4242]

  test.each(SIZES.flatMap(([w, h]) => SEEDS.map((seed) => [`${w}x${h}`, seed, w, h] as const)))(
    'astar solves a %s maze (seed %i), only through open sides and inside the grid',
    async (_size, seed, width, height) => {
      const maze = generateMaze({ width, height, seed })
      let at = maze.start
      const { result, outcome } = await run(maze, aStar, (move) => {
        expect(move.from).toEqual(at)
        expect(maze.side(at.x, at.y, move.direction), `moved through a wall at (${at.x}, ${at.y})`).toBe(0)
        expect(maze.isInside(move.to.x, move.to.y), `moved out of the grid at (${at.x}, ${at.y})`).toBe(true)
        at = move.to
      })
      expect(outcome).toBe('solved')
      expect(at).toEqual(maze.exit)
      expect(result.steps).toBeGreaterThanOrEqual(solve(maze).optimalSteps)
    },
  )

  // The runs are deterministic (same seeds, same mazes, same walks), so the figures the README quotes
  // are pinned exactly: any change to how astar explores (its region pruning included) shows here.
  test('over 200 seeded 80x20 mazes: astar 270,800 steps (0.53x random-dfs, 1.67x optimal), 1.14x the optimal key-to-exit leg', async () => {
    const SEED_COUNT = 200
    let astarSteps = 0
    let dfsSteps = 0
    let optimalSteps = 0
    let astarLeg = 0
    let optimalLeg = 0
    let astarSolved = 0
    let dfsSolved = 0
    for (let seed = 1; seed <= SEED_COUNT; seed++) {
      const maze = generateMaze({ width: 80, height: 20, seed })
      const best = solve(maze)
      optimalSteps += best.optimalSteps
      optimalLeg += best.keyToExit
      const a = (await run(maze, aStar)).result
      const d = (await run(maze, randomDfs)).result
      astarSteps += a.steps
      astarLeg += a.steps - a.keyStep!
      dfsSteps += d.steps
      if (a.solved) astarSolved++
      if (d.solved) dfsSolved++
    }
    expect(astarSolved).toBe(SEED_COUNT)
    expect(dfsSolved).toBe(SEED_COUNT)
    expect({ astarSteps, dfsSteps, optimalSteps, astarLeg, optimalLeg }).toEqual({
      astarSteps: 270_800,
      dfsSteps: 511_980,
      optimalSteps: 162_438,
      astarLeg: 85_615,
      optimalLeg: 74_881,
    })
    // The ratios the README quotes, from the pinned totals.
    expect((astarSteps / dfsSteps).toFixed(2)).toBe('0.53')
    expect((astarSteps / optimalSteps).toFixed(2)).toBe('1.67')
    expect((dfsSteps / optimalSteps).toFixed(2)).toBe('3.15')
    expect((astarLeg / optimalLeg).toFixed(2)).toBe('1.14')
  })

  test('astar is deterministic: the same maze gives the same walk, whatever the RNG seed', async () => {
    const maze = generateMaze({ width: 45, height: 30, seed: 17 })
    const walk = async (seed: number) => {
      const cells: string[] = []
      await runAgent({ transport: createInProcessTransport(maze), strategy: aStar, seed, onStep: (e) => cells.push(`${e.to.x},${e.to.y}`) })
      return cells
    }
    const first = await walk(1)
    expect(await walk(1)).toEqual(first)
    expect(await walk(2)).toEqual(first)
  })

  test('astar takes the shortest known path to the exit once it holds the key, if it has seen the exit', async () => {
    // Find mazes where the exit is sensed before the key: from the key on, the walk is optimal.
    let checked = 0
    for (let seed = 1; seed <= 40; seed++) {
      const maze = generateMaze({ width: 30, height: 12, seed })
      const moves: StepEvent[] = []
      const { result } = await run(maze, aStar, (e) => moves.push(e))
      const exitSeenAt = moves.findIndex((m) => m.to.x === maze.exit.x && m.to.y === maze.exit.y)
      if (exitSeenAt < 0 || exitSeenAt + 1 > result.keyStep!) continue
      expect(result.steps - result.keyStep!, `seed ${seed}`).toBe(solve(maze).keyToExit)
      checked++
    }
    expect(checked).toBeGreaterThan(0)
  })
})
