import { generateMaze, renderMapBytes, visitedMask } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { BudgetShares, ByteBudget, MAP_ANSWERS_BUDGET_BYTES, MAP_PIECE_BYTES, mapAnswerBytes, MapStream } from '../src/map-stream.ts'

async function collect(stream: MapStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('MapStream', () => {
  test.each([
    [13, 7],
    [200, 300], // many lines per piece
    [40_000, 2], // a line longer than a piece: one line per piece
  ])('%ix%i: the bytes of renderMapBytes, with prefix, suffix and * marks', async (width, height) => {
    const maze = generateMaze({ width, height, seed: 3 })
    const visited = visitedMask(maze, [
      [0, 0],
      [width - 1, height - 1],
      [1, 1],
    ])
    const expected = Buffer.concat([Buffer.from('<pre>'), Buffer.from(renderMapBytes(maze, visited)), Buffer.from('</pre>')])
    const streamed = await collect(new MapStream(maze, { visited, prefix: '<pre>', suffix: '</pre>' }))
    expect(streamed.equals(expected)).toBe(true)
    expect(MapStream.byteLength(maze, '<pre>', '</pre>')).toBe(expected.length)
    expect((await collect(new MapStream(maze))).equals(Buffer.from(renderMapBytes(maze)))).toBe(true)
  })

  test('renders only as it is read: an unread stream holds about one piece, not the map', async () => {
    const maze = generateMaze({ width: 1000, height: 1000, seed: 1 }) // a 4 MB map
    const stream = new MapStream(maze)
    let rendered = 0
    stream.on('data', (chunk: Buffer) => {
      rendered += chunk.length
      stream.pause()
    })
    // Let it run for a while without reading past the first piece.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(rendered).toBeLessThanOrEqual(MAP_PIECE_BYTES)
    expect(stream.readableLength).toBeLessThanOrEqual(2 * MAP_PIECE_BYTES)
    stream.destroy()
  })
})

describe('the budget of POST /maze/map answers in flight', () => {
  test('an answer costs its visited cells (a bit each) and a few pieces of its map, or the whole map when smaller', () => {
    const large = generateMaze({ width: 3000, height: 3000, seed: 1 })
    expect(mapAnswerBytes(large)).toBe(1_125_000 + 3 * MAP_PIECE_BYTES)
    expect(Math.floor(MAP_ANSWERS_BUDGET_BYTES / mapAnswerBytes(large))).toBe(50)
    const small = generateMaze({ width: 80, height: 20, seed: 1 })
    expect(mapAnswerBytes(small)).toBe(200 + MapStream.byteLength(small))
  })

  test('BudgetShares grows in map pieces while the budget lets it, never alone past it, and gives it all back', () => {
    const budget = new ByteBudget(4 * MAP_PIECE_BYTES)
    const answer = budget.take(MAP_PIECE_BYTES)!
    const kept = new BudgetShares(budget)
    expect(kept.cover(1)).toBe(true)
    expect(budget.used).toBe(2 * MAP_PIECE_BYTES)
    expect(kept.cover(2 * MAP_PIECE_BYTES + 1)).toBe(true)
    expect(budget.used).toBe(4 * MAP_PIECE_BYTES)
    expect(kept.cover(3 * MAP_PIECE_BYTES + 1)).toBe(false)
    kept.release()
    expect(budget.used).toBe(MAP_PIECE_BYTES)
    answer()
    // Unlike an answer, kept bytes never take a budget alone past its limit.
    expect(new BudgetShares(new ByteBudget(MAP_PIECE_BYTES - 1)).cover(1)).toBe(false)
  })

  test('ByteBudget takes while it fits, always one, and gives back each share once', () => {
    const budget = new ByteBudget(100)
    const releases = [budget.take(40), budget.take(40)]
    expect(releases.every((r) => r !== undefined)).toBe(true)
    expect(budget.take(40)).toBeUndefined()
    expect(budget.used).toBe(80)
    releases[0]!()
    releases[0]!() // a second call gives nothing back
    expect(budget.used).toBe(40)
    const third = budget.take(60)
    expect(budget.used).toBe(100)
    third!()
    releases[1]!()
    expect(budget.used).toBe(0)
    // One answer larger than the whole budget is still served, alone.
    const huge = budget.take(1000)
    expect(huge).toBeDefined()
    expect(budget.take(1)).toBeUndefined()
    huge!()
    expect(budget.used).toBe(0)
  })
})
