import { createRng, generateMaze } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { runAgent, type StepEvent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'

describe('random-dfs', () => {
  test('random-dfs is reproducible from its seed', async () => {
    const maze = generateMaze({ width: 25, height: 25, seed: 8 })
    const walk = async (seed: number) => {
      const path: string[] = []
      await runAgent({
        transport: createInProcessTransport(maze),
        strategy: randomDfs,
        seed,
        onStep: (e) => path.push(`${e.to.x},${e.to.y}`),
      })
      return path
    }
    expect(await walk(1)).toEqual(await walk(1))
    expect(await walk(1)).not.toEqual(await walk(2))
  })

  test('random-dfs steps back along its stack when stuck, and gives up when the stack is empty', () => {
    // A 3x1 corridor seen from the middle: both ends are dead ends.
    const explorer = randomDfs.create({ width: 3, height: 1, start: { x: 1, y: 0 }, random: createRng(1) })
    const open = (l: boolean, r: boolean) => [false, r, false, l] as [boolean, boolean, boolean, boolean]
    const first = explorer.next({ x: 1, y: 0, here: 'S', open: open(true, true), hasKey: false, steps: 0 })
    expect([1, 3]).toContain(first)
    const endX = first === 1 ? 2 : 0
    // At the dead end: back towards the middle.
    const back = explorer.next({ x: endX, y: 0, here: ' ', open: open(endX === 2, endX === 0), hasKey: false, steps: 1 })
    expect(back).toBe(first === 1 ? 3 : 1)
    // In the middle again: the other way.
    const other = explorer.next({ x: 1, y: 0, here: 'S', open: open(true, true), hasKey: false, steps: 2 })
    expect(other).toBe(first === 1 ? 3 : 1)
    const otherX = other === 1 ? 2 : 0
    expect(explorer.next({ x: otherX, y: 0, here: ' ', open: open(otherX === 2, otherX === 0), hasKey: false, steps: 3 })).toBe(
      other === 1 ? 3 : 1,
    )
    // Everything visited, back at the root: gives up.
    expect(explorer.next({ x: 1, y: 0, here: 'S', open: open(true, true), hasKey: false, steps: 4 })).toBeNull()
  })

  test('random-dfs starts over once it holds the key: it walks cells it visited before', async () => {
    // Over many seeds, some run must revisit a cell for the first time after the key without
    // backtracking onto it: that only happens when the visited set was cleared.
    let revisitsAfterKey = 0
    for (let seed = 1; seed <= 20; seed++) {
      const maze = generateMaze({ width: 15, height: 15, seed })
      const moves: StepEvent[] = []
      const { result } = await runAgent({ transport: createInProcessTransport(maze), strategy: randomDfs, onStep: (e) => moves.push(e) })
      expect(result.solved).toBe(true)
      const before = new Set(moves.slice(0, result.keyStep!).map((m) => `${m.to.x},${m.to.y}`))
      if (moves.slice(result.keyStep!).some((m) => before.has(`${m.to.x},${m.to.y}`))) revisitsAfterKey++
    }
    expect(revisitsAfterKey).toBeGreaterThan(0)
  })
})
