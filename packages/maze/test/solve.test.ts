import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ALL_WALLS, DIRECTIONS, Direction, distancesFrom, DX, DY, generateMaze, Maze, MAX_SEED, solve, type Point } from '../src/index.ts'
import { searchSolution } from '../src/solve.ts'

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
        // The same maze rebuilt from its data is searched, not remembered: same answer.
        expect(solve(new Maze(maze.toData()))).toEqual(s)
        expect(searchSolution(maze)).toEqual(s)
      }),
      { numRuns: 200, seed: 7 },
    )
  })

  test('agrees with distancesFrom from the key', () => {
    for (const [width, height, seed] of [
      [300, 200, 1],
      [500, 500, 2],
      [1, 900, 3],
      [900, 2, 4],
    ] as const) {
      const maze = generateMaze({ width, height, seed })
      const fromKey = distancesFrom(maze, maze.key)
      const startToKey = fromKey[maze.index(maze.start.x, maze.start.y)]!
      const keyToExit = fromKey[maze.index(maze.exit.x, maze.exit.y)]!
      const expected = { startToKey, keyToExit, optimalSteps: startToKey + keyToExit }
      expect(solve(maze)).toEqual(expected)
      expect(searchSolution(maze)).toEqual(expected)
    }
  })

  test('on a 2000x2000 maze, the remembered solution and the search agree, in well under a byte per cell', { timeout: 60_000 }, () => {
    const area = 2000 * 2000
    const maze = generateMaze({ width: 2000, height: 2000, seed: 11 })
    const remembered = solve(maze)
    const copy = new Maze(maze.toData())
    const before = process.memoryUsage().arrayBuffers
    const searched = solve(copy)
    const grown = process.memoryUsage().arrayBuffers - before
    expect(searched).toEqual(remembered)
    expect(remembered.optimalSteps).toBeGreaterThan(2000)
    // distancesFrom would take 8 bytes per cell; the search keeps 2 bits per step of its path.
    expect(grown / area).toBeLessThan(0.5)
  })

  test('the answer is a copy: changing it changes nothing', () => {
    const maze = generateMaze({ width: 20, height: 10, seed: 1 })
    const first = solve(maze)
    first.optimalSteps = -5
    expect(solve(maze).optimalSteps).toBe(first.startToKey + first.keyToExit)
  })

  test('a maze with loops is solved through distancesFrom', () => {
    // 5x5 with every inner wall open: shortest paths are Manhattan distances.
    const width = 5
    const height = 5
    const walls = new Uint8Array(width * height)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let w = 0
        if (y === 0) w |= 1 << Direction.Up
        if (x === width - 1) w |= 1 << Direction.Right
        if (y === height - 1) w |= 1 << Direction.Down
        if (x === 0) w |= 1 << Direction.Left
        walls[y * width + x] = w
      }
    }
    const maze = new Maze({ width, height, seed: 0, start: { x: 0, y: 0 }, key: { x: 4, y: 4 }, exit: { x: 4, y: 0 }, walls })
    expect(solve(maze)).toEqual({ startToKey: 8, keyToExit: 4, optimalSteps: 12 })
  })

  test('a start or exit out of reach of the key is -1, as with distancesFrom', () => {
    // 3x1: the key in the middle, walled off from the start on its left, open to the exit on its right.
    const walls = new Uint8Array([ALL_WALLS, ALL_WALLS & ~(1 << Direction.Right), ALL_WALLS & ~(1 << Direction.Left)])
    const maze = new Maze({ width: 3, height: 1, seed: 0, start: { x: 0, y: 0 }, key: { x: 1, y: 0 }, exit: { x: 2, y: 0 }, walls })
    expect(solve(maze)).toEqual({ startToKey: -1, keyToExit: 1, optimalSteps: 0 })
  })
})
