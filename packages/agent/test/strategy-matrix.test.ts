// One suite over every strategy: register a strategy (or point loadStrategy at it) and it is tested.
import { fileURLToPath } from 'node:url'
import { generateMaze, type Maze } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { loadStrategy } from '../src/load-strategy.ts'
import { strategies } from '../src/registry.ts'
import { runAgent, type StepEvent } from '../src/runner.ts'
import type { Strategy } from '../src/strategy.ts'

const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url))

// Several sizes: thin (1xN, Nx1), tiny (3 cells: smaller mazes have overlapping labels), square,
// non-square, and one larger maze; a few seeds each.
const SIZES: ReadonlyArray<readonly [number, number]> = [
  [1, 3],
  [3, 1],
  [1, 25],
  [25, 1],
  [2, 2],
  [5, 5],
  [12, 12],
  [31, 9],
  [8, 33],
  [60, 45],
]
const SEEDS = [1, 7, 4242]

const mazes: Maze[] = SIZES.flatMap(([width, height]) => SEEDS.map((seed) => generateMaze({ width, height, seed })))

const entries: Array<[string, () => Promise<Strategy>]> = [
  ...Object.entries(strategies).map(([name, s]): [string, () => Promise<Strategy>] => [name, async () => s]),
  ['@maze-sim/example-strategy', () => loadStrategy('@maze-sim/example-strategy', { cwd: AGENT_DIR })],
]

describe.each(entries)('strategy %s', (label, load) => {
  test.each(mazes.map((m) => [`${m.width}x${m.height}`, m.seed, m] as const))(
    `${label} solves a %s maze (seed %i), moving only through open sides`,
    async (_size, _seed, maze) => {
      const strategy = await load()
      const transport = createInProcessTransport(maze)
      const moves: StepEvent[] = []
      const { result, outcome } = await runAgent({ transport, strategy, onStep: (e) => moves.push(e) })

      expect(outcome).toBe('solved')
      expect(result.solved).toBe(true)
      expect(result.strategy).toBe(strategy.name)
      expect(result.steps).toBe(moves.length)
      expect(result.steps).toBeGreaterThanOrEqual(result.optimalSteps!)
      expect(result.keyStep).not.toBeNull()
      let at = maze.start
      for (const move of moves) {
        expect(move.from).toEqual(at)
        expect(maze.side(at.x, at.y, move.direction), `${strategy.name} moved through a wall at (${at.x}, ${at.y})`).toBe(0)
        expect(maze.isInside(move.to.x, move.to.y)).toBe(true)
        at = move.to
      }
      expect(at).toEqual(maze.exit)
    },
  )
})
