import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { carve } from '../src/carve.ts'
import { createRng, generateMaze, MAX_SEED, MIN_AREA, sizeProblem, solve, type Maze } from '../src/index.ts'
import { borderOpenings, connectivity, manhattan } from './support.ts'

const sizes = fc
  .record({
    width: fc.integer({ min: 1, max: 48 }),
    height: fc.integer({ min: 1, max: 48 }),
    seed: fc.integer({ min: 0, max: MAX_SEED }),
  })
  .filter(({ width, height }) => width * height >= MIN_AREA)
// Edge shapes fast-check may not draw often enough on its own.
const edgeCases: Array<[number, number]> = [
  [3, 1],
  [1, 3],
  [1, 40],
  [40, 1],
  [2, 2],
  [2, 30],
  [30, 2],
  [3, 3],
  [80, 20],
  [5, 97],
]

function checkMaze(maze: Maze): void {
  const { width, height, start, exit, key } = maze
  const area = width * height
  // Perfect: every cell reachable, and a spanning tree has exactly area - 1 open inner sides.
  const c = connectivity(maze)
  expect(c.consistent).toBe(true)
  expect(c.reachable).toBe(area)
  expect(c.openEdges).toBe(area - 1)
  // The border has exactly two openings: the start's and the exit's.
  const openings = borderOpenings(maze)
  expect(openings).toHaveLength(2)
  const cells = openings.map(([x, y]) => `${x},${y}`)
  expect(cells).toContain(`${start.x},${start.y}`)
  expect(cells).toContain(`${exit.x},${exit.y}`)
  expect(exit).not.toEqual(start)
  // The key rule: farther than (w+h)/5 from both start and exit whenever some cell is.
  const minDistance = (width + height) / 5
  let anyEligible = false
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (manhattan({ x, y }, start) > minDistance && manhattan({ x, y }, exit) > minDistance) anyEligible = true
    }
  }
  if (anyEligible) {
    expect(manhattan(key, start)).toBeGreaterThan(minDistance)
    expect(manhattan(key, exit)).toBeGreaterThan(minDistance)
  }
  // Start, key and exit are three cells, so a run can be solved by sensing: the key is never under
  // a label, and the optimal walk visits the key before it reaches the exit.
  expect(key).not.toEqual(start)
  expect(key).not.toEqual(exit)
  expect(maze.isInside(key.x, key.y)).toBe(true)
  expect(solve(maze).optimalSteps).toBeGreaterThanOrEqual(2)
}

describe('generateMaze', () => {
  test('property: perfect maze, two border openings, key and exit rules, over random sizes and seeds', () => {
    fc.assert(
      fc.property(sizes, ({ width, height, seed }) => checkMaze(generateMaze({ width, height, seed }))),
      { numRuns: 400, seed: 20261128 },
    )
  })

  test.each(edgeCases)('edge shape %ix%i over 50 seeds', (width, height) => {
    for (let seed = 0; seed < 50; seed++) checkMaze(generateMaze({ width, height, seed }))
  })

  test('the exit is where the carve meets the border late: never the start, usually far from it', () => {
    let far = 0
    for (let seed = 0; seed < 100; seed++) {
      const maze = generateMaze({ width: 80, height: 20, seed })
      if (manhattan(maze.start, maze.exit) > 20) far++
    }
    expect(far).toBeGreaterThan(50)
  })

  test('same seed and size give the same maze; another seed gives another', () => {
    const a = generateMaze({ width: 37, height: 23, seed: 7 })
    const b = generateMaze({ width: 37, height: 23, seed: 7 })
    const c = generateMaze({ width: 37, height: 23, seed: 8 })
    expect(b.walls).toEqual(a.walls)
    expect([b.start, b.exit, b.key]).toEqual([a.start, a.exit, a.key])
    expect(c.walls).not.toEqual(a.walls)
  })

  test('rejects bad sizes and seeds with stable codes', () => {
    for (const [width, height] of [
      [0, 5],
      [5, 0],
      [-1, 5],
      [1.5, 5],
      [Number.NaN, 5],
      [100_001, 1],
      [20_000, 20_000],
      [1, 1],
      [1, 2],
      [2, 1],
    ]) {
      expect(() => generateMaze({ width: width!, height: height!, seed: 1 })).toThrow(
        expect.objectContaining({ code: 'MAZE_ERR_BAD_SIZE' }),
      )
    }
    for (const seed of [-1, 1.5, MAX_SEED + 1, Number.NaN]) {
      expect(() => generateMaze({ width: 5, height: 5, seed })).toThrow(expect.objectContaining({ code: 'MAZE_ERR_BAD_SEED' }))
    }
  })

  test('one size rule: the smallest maze is 1x3 or 3x1, the largest 100,000,000 cells', () => {
    expect(sizeProblem(1, 3)).toBeNull()
    expect(sizeProblem(3, 1)).toBeNull()
    expect(sizeProblem(10_000, 10_000)).toBeNull()
    for (const [w, h] of [
      [1, 1],
      [1, 2],
      [2, 1],
    ] as const)
      expect(sizeProblem(w, h)).toMatch(/at least 3 cells/)
    expect(sizeProblem(100_001, 1)).toMatch(/width must be an integer from 1 to 100000/)
    expect(sizeProblem(20_000, 20_000)).toMatch(/at most 100,000,000 cells/)
  })
})

describe('generateMaze on large mazes', () => {
  // Digests of mazes made by the earlier implementation (carve order in an Int32Array, union-find
  // over it): the low-memory carve must give the very same mazes, jump after the exit included.
  test.each([
    [1000, 1000, 1, '78b42d7afde408e5422fe6d1ca019ccbfe9f98b7b36603db4204c5515eadffdb', [790, 999], [791, 999], [45, 18], 135463],
    [1500, 400, 7, '67a1f85d71155e23b5827187eb7476f19adcdf2fef3d80427b52f05e5f70b0db', [541, 399], [547, 399], [1062, 116], 480226],
    [3, 3000, 5, '2624f0c7132fce79f42d5404001bd0ba4e7379b925eb80d8915b10e5120591df', [2, 1998], [2, 2779], [1, 1344], 3535],
    [640, 480, MAX_SEED, '7f0f18e1ee7f1f43af40bed2ddbf0a1f738c0f39b2b3e374d0cc3b373c0770b7', [13, 479], [40, 479], [379, 237], 418499],
    [97, 31, 123456, 'e1b9623a070a43e6bdd898cff8dd562d4b3a4e42471dca5b8d21d0a04840c814', [92, 30], [96, 14], [33, 21], 3006],
  ] as const)('golden: %ix%i seed %i is the maze it always was', (width, height, seed, digest, start, exit, key, optimalSteps) => {
    const maze = generateMaze({ width, height, seed })
    expect(createHash('sha256').update(maze.walls).digest('hex')).toBe(digest)
    expect([maze.start, maze.exit, maze.key]).toEqual([start, exit, key].map(([x, y]) => ({ x, y })))
    expect(solve(maze).optimalSteps).toBe(optimalSteps)
  })

  test('a 2000x2000 carve needs under a tenth of a byte per cell besides the walls', { timeout: 60_000 }, () => {
    const area = 2000 * 2000
    for (const seed of [1, 2]) {
      const carved = carve(2000, 2000, createRng(seed))
      expect(carved.walls.length).toBe(area)
      expect(carved.scratchBytes / area).toBeLessThan(0.1)
    }
  })

  test('generating a 2000x2000 maze adds about one byte per cell of array buffers: its walls', { timeout: 60_000 }, () => {
    const area = 2000 * 2000
    generateMaze({ width: 300, height: 300, seed: 1 }) // warm up: the first call allocates nothing extra
    // A garbage collection in between can only lower the count; nothing else allocates here.
    const before = process.memoryUsage().arrayBuffers
    const maze = generateMaze({ width: 2000, height: 2000, seed: 3 })
    const grown = process.memoryUsage().arrayBuffers - before
    expect(maze.walls.byteLength).toBe(area)
    // 1 byte of walls plus scratch; the carve order and its union-find made it 9.
    expect(grown / area).toBeLessThan(1.25)
  })
})
