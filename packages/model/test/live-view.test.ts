import { Writable } from 'node:stream'
import { DIRECTIONS, distancesFrom, DX, DY, generateMaze, solve, type Maze } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { LiveView } from '../src/view/live-view.ts'
import { parseEventStream, ViewReplica } from '../src/view/view-protocol.ts'

/** A viewer's socket: reads everything, or (stuck) accepts bytes and never sends them on. */
class FakeSink extends Writable {
  text = ''
  stuck: boolean
  #held: (() => void)[] = []
  constructor(stuck = false) {
    super()
    this.stuck = stuck
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8')
    if (this.stuck) this.#held.push(() => callback())
    else callback()
  }
  /** The peer starts reading again: everything held is sent. */
  release(): void {
    this.stuck = false
    for (const done of this.#held.splice(0)) done()
  }
}

const maze: Maze = generateMaze({ width: 24, height: 8, seed: 42 })
const optimal = solve(maze).optimalSteps
const at = (p: { x: number; y: number }): number => maze.index(p.x, p.y)

/** The cells of the shortest walk from cell `from` to cell `to`, both included. */
function walkTo(from: number, to: number): number[] {
  const dist = distancesFrom(maze, { x: to % maze.width, y: Math.floor(to / maze.width) })
  const path = [from]
  for (let i = from; i !== to; ) {
    const x = i % maze.width
    const y = (i - x) / maze.width
    const d = DIRECTIONS.find((d) => maze.side(x, y, d) === 0 && dist[(y + DY[d]!) * maze.width + x + DX[d]!] === dist[i]! - 1)!
    i = (y + DY[d]!) * maze.width + x + DX[d]!
    path.push(i)
  }
  return path
}

const toKey = walkTo(at(maze.start), at(maze.key))
const toExit = walkTo(at(maze.key), at(maze.exit))
const solution = [...toKey, ...toExit.slice(1)]

describe('LiveView: what the requests mean', () => {
  test('a step is a change of position; the key, then the exit, then POST /maze/map', () => {
    const view = new LiveView()
    view.setMaze(maze, optimal)
    view.startRun()
    for (const i of solution) {
      view.visit(i)
      view.visit(i) // sensing the same cell again is not a move
    }
    expect(view.stats()).toMatchObject({ run: 1, steps: optimal, done: false, drawable: true })
    view.finishRun()
    expect(view.stats()).toMatchObject({ steps: optimal, done: true })
  })

  test('the exit before the key is not the end; GET /maze/start after a run starts the next one', () => {
    const view = new LiveView()
    view.setMaze(maze, optimal)
    const sink = new FakeSink()
    view.addViewer(sink)
    const viewer = new ViewReplica()
    const exitFirst = walkTo(at(maze.start), at(maze.exit))
    for (const i of exitFirst) view.visit(i)
    view.flush()
    viewer.write(sink.text)
    expect(viewer).toMatchObject({ run: 1, steps: exitFirst.length - 1, keyStep: null, exitStep: null })
    view.startRun()
    view.flush()
    const replay = new ViewReplica()
    replay.write(sink.text)
    expect(replay).toMatchObject({ run: 2, steps: 0, pos: null, visited: 0 })
    view.startRun() // nothing moved yet in run 2: still run 2
    expect(view.stats().run).toBe(2)
    view.close()
  })
})

describe('LiveView: viewers', () => {
  test('several viewers and a late joiner end up seeing the same run, equal to the walk', () => {
    const view = new LiveView()
    view.setMaze(maze, optimal)
    const early = [new FakeSink(), new FakeSink()]
    for (const sink of early) view.addViewer(sink)
    const half = solution.length >> 1
    for (const i of solution.slice(0, half)) view.visit(i)
    view.flush()
    const late = new FakeSink()
    view.addViewer(late)
    // Moves made before the late joiner's next batch must not be counted twice.
    for (const i of solution.slice(half, half + 3)) view.visit(i)
    const lateJoin = parseEventStream(late.text).events.map((e) => e.event)
    expect(lateJoin).toEqual(['maze', 'state'])
    for (const i of solution.slice(half + 3)) view.visit(i)
    view.finishRun()
    view.flush()

    const expected = new Uint8Array(maze.area)
    for (const i of solution) expected[i]!++
    for (const sink of [...early, late]) {
      const replica = new ViewReplica()
      replica.write(sink.text)
      expect(replica).toMatchObject({
        run: 1,
        steps: optimal,
        pos: at(maze.exit),
        keyStep: toKey.length - 1,
        exitStep: optimal,
        done: true,
      })
      expect(replica.counts).toEqual(expected)
      expect(replica.visited).toBe(expected.filter((c) => c > 0).length)
    }
    expect(view.stats().viewers).toBe(3)
    view.close()
    expect(view.stats().viewers).toBe(0)
  })

  test('more moves than the pending buffer holds: the batch becomes a snapshot', () => {
    const view = new LiveView({ pendingCapacity: 4 })
    view.setMaze(maze, optimal)
    const sink = new FakeSink()
    view.addViewer(sink)
    for (const i of solution) view.visit(i)
    view.flush()
    const events = parseEventStream(sink.text).events.map((e) => e.event)
    expect(events).toEqual(['maze', 'state', 'state'])
    const replica = new ViewReplica()
    replica.write(sink.text)
    expect(replica.steps).toBe(optimal)
    expect(replica.sensedCells).toBe(new Set(solution).size)
    view.close()
  })
})

describe('LiveView: slow viewers', () => {
  test('a viewer that stops reading is skipped, its buffer stays bounded, and it is dropped', async () => {
    const view = new LiveView({ bufferLimitBytes: 4096, staleViewerMs: 30, pendingCapacity: 64 })
    view.setMaze(maze, optimal)
    const stuck = new FakeSink(true)
    const reader = new FakeSink()
    view.addViewer(stuck)
    view.addViewer(reader)
    let closed = false
    stuck.once('close', () => (closed = true))
    for (let round = 0; round < 200 && !closed; round++) {
      for (const i of solution) view.visit(i)
      for (const i of [...solution].reverse()) view.visit(i)
      view.flush()
      const { maxBufferedBytes, bufferLimitBytes, largestWriteBytes } = view.stats()
      expect(maxBufferedBytes).toBeLessThanOrEqual(bufferLimitBytes + largestWriteBytes)
      await new Promise((r) => setTimeout(r, 2))
    }
    expect(closed).toBe(true)
    expect(view.stats()).toMatchObject({ dropped: 1, viewers: 1 })
    expect(stuck.writableLength).toBeLessThanOrEqual(4096 + view.stats().largestWriteBytes)
    // The reader saw every move.
    const replica = new ViewReplica()
    replica.write(reader.text)
    expect(replica.steps).toBe(view.stats().steps)
    view.close()
  })

  test('a slow viewer that catches up gets one snapshot for everything it skipped', () => {
    const view = new LiveView({ bufferLimitBytes: 1024, staleViewerMs: 60_000, pendingCapacity: 64 })
    view.setMaze(maze, optimal)
    const slow = new FakeSink(true)
    view.addViewer(slow)
    for (let round = 0; round < 20; round++) {
      for (const i of solution.slice(0, 40)) view.visit(i)
      for (const i of solution.slice(0, 40).reverse()) view.visit(i)
      view.flush()
    }
    const before = parseEventStream(slow.text).events.length
    expect(before).toBeLessThan(20) // skipped while over the limit
    slow.release()
    view.flush()
    const after = parseEventStream(slow.text).events
    expect(after.at(-1)!.event).toBe('state')
    const replica = new ViewReplica()
    replica.write(slow.text)
    expect(replica.steps).toBe(view.stats().steps)
    expect(view.stats().dropped).toBe(0)
    view.close()
  })
})

describe('LiveView: viewers and the maze', () => {
  test('no room: addViewer refuses and ends the sink', () => {
    const view = new LiveView({ maxViewers: 1 })
    expect(view.addViewer(new FakeSink())).toBe(true)
    const refused = new FakeSink()
    expect(view.hasRoom).toBe(false)
    expect(view.addViewer(refused)).toBe(false)
    expect(refused.writableEnded).toBe(true)
    view.close()
  })

  test('before the maze, a viewer waits; setMaze sends it the maze and the state', () => {
    const view = new LiveView()
    const sink = new FakeSink()
    view.addViewer(sink)
    expect(parseEventStream(sink.text).events).toEqual([])
    view.setMaze(maze, optimal)
    const replica = new ViewReplica()
    replica.write(sink.text)
    expect(replica.maze).toMatchObject({ width: 24, height: 8, seed: 42, optimalSteps: optimal, drawable: true })
    expect(replica.maze?.key).toEqual([maze.key.x, maze.key.y])
    // The walls decode to the maze's.
    const packed = Buffer.from(replica.maze!.walls!, 'base64')
    for (let i = 0; i < maze.area; i++) expect((packed[i >> 1]! >> ((i & 1) * 4)) & 15).toBe(maze.walls[i]! & 15)
    view.close()
  })

  test('a maze too large to draw: no walls, no counts, only the counters and the position', () => {
    const view = new LiveView({ maxDrawableCells: 100 })
    view.setMaze(maze, optimal)
    const sink = new FakeSink()
    view.addViewer(sink)
    for (const i of solution) view.visit(i)
    view.flush()
    const replica = new ViewReplica()
    replica.write(sink.text)
    expect(replica.maze).toMatchObject({ drawable: false, walls: null })
    expect(replica).toMatchObject({ steps: optimal, pos: at(maze.exit), exitStep: optimal })
    expect(replica.counts).toBeUndefined()
    view.close()
  })
})
