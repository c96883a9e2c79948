// The pictures, parsed as XML: a solved maze (walls, the walk, S/K/E) and the leaderboard chart.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { strategies } from '@maze-sim/agent'
import { generateMaze, solve } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { renderRatioChart } from '../src/chart.ts'
import { buildLeaderboard } from '../src/leaderboard.ts'
import { optimalPath, renderMazeSvg } from '../src/maze-svg.ts'
import { svgToPng } from '../src/png.ts'
import type { SweepResult } from '../src/results.ts'
import { walkMaze } from '../src/walk.ts'

type Node = Record<string, unknown>
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: false,
  isArray: (name) => ['g', 'polyline', 'circle', 'text', 'path', 'line', 'rect'].includes(name),
})

/** Strict well-formedness (fast-xml-parser's validator), then the document tree. */
function parseSvg(svg: string): Node {
  expect(XMLValidator.validate(svg)).toBe(true)
  const doc = parser.parse(svg) as { svg: Node }
  expect(doc.svg).toBeDefined()
  expect(doc.svg.xmlns).toBe('http://www.w3.org/2000/svg')
  return doc.svg
}

/** Every element below `node` (depth first) with its tag. */
function* elements(node: unknown, tag = 'svg'): Generator<[string, Node]> {
  if (node === null || typeof node !== 'object') return
  yield [tag, node as Node]
  for (const [k, v] of Object.entries(node as Node)) {
    if (Array.isArray(v)) for (const child of v) yield* elements(child, k)
    else if (typeof v === 'object') yield* elements(v, k)
  }
}

const byId = (root: Node, id: string): [string, Node] | undefined => [...elements(root)].find(([, e]) => e.id === id)
const points = (e: Node): Array<[number, number]> =>
  String(e.points)
    .trim()
    .split(/\s+/)
    .map((p) => p.split(',').map(Number) as [number, number])

describe('renderMazeSvg', () => {
  test('a solved maze: walls, the walk (to the key, then to the exit), the optimal path, and S, K, E', async () => {
    const { result, points: walk } = await walkMaze(strategies.astar, 42, 24, 8)
    expect(result.solved).toBe(true)
    const maze = generateMaze({ width: 24, height: 8, seed: 42 })
    const cell = 14
    const svg = renderMazeSvg(maze, { walk, keyStep: result.keyStep, cell, caption: 'astar <&> seed 42' })
    const root = parseSvg(svg)

    const [wallsTag, walls] = byId(root, 'walls')!
    expect(wallsTag).toBe('path')
    // Every wall segment is a move and a line: at least the border minus the two openings.
    const segments = String(walls.d).match(/M/g)!.length
    expect(segments).toBeGreaterThan(24)
    expect(String(walls.d)).toMatch(/^M[\d.]+ [\d.]+[HV][\d.]+/)

    const [, toKey] = byId(root, 'walk-to-key')!
    const [, toExit] = byId(root, 'walk-to-exit')!
    const pad = 16
    const centre = (p: { x: number; y: number }): [number, number] => [pad + p.x * cell + cell / 2, pad + p.y * cell + cell / 2]
    expect(points(toKey)).toHaveLength(result.keyStep! + 1)
    expect(points(toKey)[0]).toEqual(centre(maze.start))
    expect(points(toKey).at(-1)).toEqual(centre(maze.key))
    expect(points(toExit)[0]).toEqual(centre(maze.key))
    expect(points(toExit).at(-1)).toEqual(centre(maze.exit))
    expect(points(toKey).length + points(toExit).length - 1).toBe(result.steps + 1)

    const [, optimal] = byId(root, 'optimal')!
    expect(points(optimal)).toHaveLength(solve(maze).optimalSteps + 1)

    for (const [id, label, at] of [
      ['start', 'S', maze.start],
      ['key', 'K', maze.key],
      ['exit', 'E', maze.exit],
    ] as const) {
      const [tag, marker] = byId(root, id)!
      expect(tag).toBe('g')
      const circle = (marker.circle as Node[])[0]!
      expect([Number(circle.cx), Number(circle.cy)]).toEqual(centre(at))
      expect((marker.text as Node[])[0]!['#text']).toBe(label)
    }
    expect(svg).toContain('astar &lt;&amp;&gt; seed 42')
  })

  test('the optimal path is a walk through open sides from S via K to E', () => {
    const maze = generateMaze({ width: 31, height: 9, seed: 7 })
    const path = optimalPath(maze)
    expect(path[0]).toEqual(maze.start)
    expect(path.at(-1)).toEqual(maze.exit)
    expect(path).toContainEqual(maze.key)
    expect(path).toHaveLength(solve(maze).optimalSteps + 1)
    for (let i = 1; i < path.length; i++) {
      const [a, b] = [path[i - 1]!, path[i]!]
      const d = [
        [0, -1],
        [1, 0],
        [0, 1],
        [-1, 0],
      ].findIndex(([dx, dy]) => a.x + dx! === b.x && a.y + dy! === b.y)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(maze.side(a.x, a.y, d as 0 | 1 | 2 | 3)).toBe(0)
    }
  })

  test('PNG through resvg', async () => {
    const png = await svgToPng(renderMazeSvg(generateMaze({ width: 10, height: 4, seed: 1 })))
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  })
})

describe('renderRatioChart', () => {
  const results: SweepResult[] = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) =>
    ['random-dfs', 'astar', 'team <x>'].map((strategy, k) => ({
      strategy,
      width: 20,
      height: 6,
      seed,
      solved: true,
      steps: 100 + seed * 10 * (3 - k),
      keyStep: 5,
      requests: 200,
      elapsedMs: 1,
      optimalSteps: 90,
    })),
  )

  test('one box per strategy and size, axis labels and a legend, escaped names', () => {
    const board = buildLeaderboard([...results, ...results.map((r) => ({ ...r, width: 30 }))])
    const root = parseSvg(renderRatioChart(board))
    const boxes = [...elements(root)].filter(([, e]) => e.class === 'box')
    expect(boxes.map(([, b]) => `${b['data-strategy']}@${b['data-size']}`).sort()).toEqual(
      ['astar@20x6', 'astar@30x6', 'random-dfs@20x6', 'random-dfs@30x6', 'team <x>@20x6', 'team <x>@30x6'].sort(),
    )
    for (const [, b] of boxes) expect((b.rect as Node[]).length).toBe(1)
    const texts = [...elements(root)].flatMap(([tag, e]) => (tag === 'text' ? [String(e['#text'] ?? '')] : []))
    expect(texts.some((t) => t.includes('steps ÷ optimal'))).toBe(true)
    expect(texts.some((t) => t.startsWith('strategy'))).toBe(true)
    expect(texts).toContain('team <x> (16/16 solved)')
    expect(byId(root, 'legend')).toBeDefined()
    expect(byId(root, 'optimal-line')).toBeDefined()
    expect(texts.some((t) => t.includes('log scale'))).toBe(false) // ratios 1.1× to 3.8×: linear
  })

  test('a long tail of ratios gets a log scale', () => {
    const tail = results.map((r, i) => ({ ...r, steps: r.optimalSteps! * (1 + (i % 12) * 1.7) }))
    const root = parseSvg(renderRatioChart(buildLeaderboard(tail)))
    const texts = [...elements(root)].flatMap(([tag, e]) => (tag === 'text' ? [String(e['#text'] ?? '')] : []))
    expect(texts.some((t) => t.includes('log scale'))).toBe(true)
    for (const tick of ['1×', '2×', '5×', '10×', '20×']) expect(texts).toContain(tick)
  })
})
