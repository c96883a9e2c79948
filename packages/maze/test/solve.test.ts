import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { DIRECTIONS, DX, DY, generateMaze, MAX_SEED, solve, type Maze, type Point } from '../src/index.ts'

/** The unique tree path length between two cells, by plain recursive-free DFS with parent links. */
function treeDistance(maze: Maze, from: Point, to: Point): number {
  const stack: Array<[number, number, number, number]> = [[from.x, from.y, -1, 0]]
  while (stack.length > 0) {
    const [x, y, parent, depth] = stack.pop()!
    if (x === to.x && y === to.y) return depth
    for (const d of DIRECTIONS) {
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      if (maze.side(x, y, d) === 1 || !maze.isInside(nx, ny)) continue
      const n = maze.index(nx, ny)
      if (n !== parent) stack.push([nx, ny, maze.index(x, y), depth + 1])
    }
  }
  throw new Error('unreachable')
}

describe('solve', () => {
  test('property: optimal S→K→E equals the tree distances', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 25 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: MAX_SEED }), (w, h, seed) => {
        const maze = generateMaze({ width: w, height: h, seed })
        const s = solve(maze)
        expect(s.startToKey).toBe(treeDistance(maze, maze.start, maze.key))
        expect(s.keyToExit).toBe(treeDistance(maze, maze.key, maze.exit))
        expect(s.optimalSteps).toBe(s.startToKey + s.keyToExit)
      }),
      { numRuns: 200, seed: 7 },
    )
  })
})
