import { generateMaze, renderMapBytes, visitedMask } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { MAP_PIECE_BYTES, MapStream } from '../src/map-stream.ts'

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
