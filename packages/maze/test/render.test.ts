import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  Direction,
  generateMaze,
  mapByteLength,
  mapLineCount,
  mapLineLength,
  MAX_SEED,
  renderMap,
  renderMapBytes,
  renderMapLines,
  VisitedCells,
  visitedMask,
  type Maze,
} from '../src/index.ts'

function checkFormat(maze: Maze, map: string, visited: Set<string>): void {
  const { width, height } = maze
  expect(map.endsWith('\n')).toBe(true)
  const lines = map.slice(0, -1).split('\n')
  expect(lines).toHaveLength(2 * height + 1)
  for (const [py, line] of lines.entries()) {
    expect(line).toHaveLength(2 * width + 1)
    for (let px = 0; px < line.length; px++) {
      const ch = line[px]!
      const x = px >> 1
      const y = py >> 1
      if (py % 2 === 0) {
        if (px % 2 === 0) expect(ch).toBe('+')
        else {
          const wall = y < height ? maze.side(x, y, Direction.Up) : maze.side(x, height - 1, Direction.Down)
          expect(ch).toBe(wall ? '-' : ' ')
        }
      } else if (px % 2 === 0) {
        const wall = x < width ? maze.side(x, y, Direction.Left) : maze.side(width - 1, y, Direction.Right)
        expect(ch).toBe(wall ? '|' : ' ')
      } else {
        const label = maze.label(x, y)
        expect(ch).toBe(label === ' ' && visited.has(`${x},${y}`) ? '*' : label)
      }
    }
  }
}

describe('renderMap', () => {
  test('the 4x3 example shape of API.md', () => {
    const map = renderMap(generateMaze({ width: 4, height: 3, seed: 1 }))
    const lines = map.split('\n')
    expect(lines).toHaveLength(8) // 7 lines and the empty string after the last "\n"
    expect(lines[0]).toMatch(/^\+([- ]\+){4}$/)
    expect(lines[1]).toMatch(/^[| ]([SEK *][| ]){4}$/)
  })

  test('property: the map format holds, with labels and a * overlay for moves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: MAX_SEED }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
        (width, height, seed, raw) => {
          const maze = generateMaze({ width, height, seed })
          const moves = raw.map(([x, y]) => [x % width, y % height] as const)
          checkFormat(maze, renderMap(maze), new Set())
          checkFormat(maze, renderMap(maze, moves), new Set(moves.map(([x, y]) => `${x},${y}`)))
        },
      ),
      { numRuns: 300, seed: 42 },
    )
  })

  test('labels S, E and K each appear once on a maze of at least 3 cells', () => {
    const map = renderMap(generateMaze({ width: 80, height: 20, seed: 3 }))
    for (const label of ['S', 'E', 'K']) expect(map.split(label)).toHaveLength(2)
  })

  test('a move outside the grid is refused with MAZE_ERR_OUT_OF_BOUNDS', () => {
    const maze = generateMaze({ width: 5, height: 5, seed: 1 })
    for (const move of [
      [5, 0],
      [0, 5],
      [-1, 0],
      [1.5, 0],
    ] as const) {
      expect(() => renderMap(maze, [move])).toThrow(expect.objectContaining({ code: 'MAZE_ERR_OUT_OF_BOUNDS' }))
    }
  })

  test('golden: the 80x20 maze of seed 42 is the same on every machine and every release', () => {
    // If this changes, seeded mazes changed for every user: bump it only on purpose.
    const map = renderMap(generateMaze({ width: 80, height: 20, seed: 42 }))
    expect(createHash('sha256').update(map).digest('hex')).toBe('2615785f1b34a38ea5db7c6140b9633b1157663b952cc29dba4e4005fa4bf692')
  })

  test('renderMapLines: any split into line ranges concatenates to renderMapBytes', () => {
    const maze = generateMaze({ width: 13, height: 7, seed: 5 })
    const visited = visitedMask(maze, [
      [1, 1],
      [2, 1],
      [12, 6],
    ])
    const whole = renderMapBytes(maze, visited)
    expect(mapLineCount(maze) * mapLineLength(maze)).toBe(mapByteLength(maze))
    for (const step of [1, 2, 3, 7, mapLineCount(maze)]) {
      const parts: Uint8Array[] = []
      for (let from = 0; from < mapLineCount(maze); from += step) {
        const to = Math.min(from + step, mapLineCount(maze))
        const out = new Uint8Array(step * mapLineLength(maze))
        const written = renderMapLines(maze, from, to, out, visited)
        expect(written).toBe((to - from) * mapLineLength(maze))
        parts.push(out.subarray(0, written))
      }
      expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true)
    }
  })
})

describe('visited cells', () => {
  test('visitedMask is a bitset: one bit per cell, whatever cells it holds', () => {
    const maze = generateMaze({ width: 3000, height: 3000, seed: 1 })
    // One move per row: a byte per cell would touch every page of 9 MB.
    const visited = visitedMask(
      maze,
      Array.from({ length: 3000 }, (_, y) => [y, y] as const),
    )
    expect(visited).toBeInstanceOf(VisitedCells)
    expect(visited.bits.byteLength).toBe(1_125_000)
    for (const [x, y, has] of [
      [0, 0, true],
      [2999, 2999, true],
      [1, 0, false],
      [0, 1, false],
    ] as const) {
      expect(visited.has(y * 3000 + x)).toBe(has)
    }
    let count = 0
    for (const byte of visited.bits) for (let b = byte; b > 0; b &= b - 1) count++
    expect(count).toBe(3000)
  })

  test('VisitedCells: bit i & 7 of byte i >> 3, any area', () => {
    for (const area of [0, 1, 7, 8, 9, 64, 65]) {
      const cells = new VisitedCells(area)
      expect(cells.bits.byteLength).toBe(Math.ceil(area / 8))
      expect(VisitedCells.byteLength(area)).toBe(Math.ceil(area / 8))
      for (let i = 0; i < area; i += 3) cells.add(i)
      for (let i = 0; i < area; i++) {
        expect(cells.has(i)).toBe(i % 3 === 0)
        expect((cells.bits[i >> 3]! >> (i & 7)) & 1).toBe(i % 3 === 0 ? 1 : 0)
      }
    }
    expect(() => new VisitedCells(-1)).toThrow(RangeError)
    expect(() => new VisitedCells(1.5)).toThrow(RangeError)
  })

  test('renderMapLines refuses a set of visited cells of another size', () => {
    const maze = generateMaze({ width: 4, height: 3, seed: 1 })
    expect(() => renderMapBytes(maze, new VisitedCells(13))).toThrow(RangeError)
  })

  test('renderMapLines refuses lines outside the map or a buffer too small', () => {
    const maze = generateMaze({ width: 4, height: 3, seed: 1 })
    const out = new Uint8Array(mapByteLength(maze))
    expect(() => renderMapLines(maze, 0, mapLineCount(maze) + 1, out)).toThrow(RangeError)
    expect(() => renderMapLines(maze, 2, 1, out)).toThrow(RangeError)
    expect(() => renderMapLines(maze, 0, 2, new Uint8Array(mapLineLength(maze)))).toThrow(RangeError)
  })
})
