import { createInProcessTransport, runAgent } from '@maze-sim/agent'
import { describe, expect, test } from 'vitest'
import wallFollower from '../src/index.ts'

describe('wall-follower', () => {
  test('has a stable name and description', () => {
    expect(wallFollower.name).toBe('wall-follower')
    expect(wallFollower.description).not.toBe('')
  })

  for (const [width, height, seed] of [
    [10, 10, 1],
    [25, 7, 2],
    [1, 12, 3],
    [12, 1, 4],
    [40, 40, 5],
  ] as const) {
    test(`wall-follower solves a ${width}x${height} maze (seed ${seed})`, async () => {
      const transport = createInProcessTransport({ width, height, seed })
      const { result } = await runAgent({ transport, strategy: wallFollower, seed })
      expect(result.solved).toBe(true)
      expect(result.steps).toBeGreaterThanOrEqual(result.optimalSteps ?? 0)
    })
  }

  test('wall-follower keeps the left hand on the wall: turns left first', () => {
    const explorer = wallFollower.create({
      width: 3,
      height: 3,
      start: { x: 1, y: 1 },
      random: { nextUint32: () => 0, float: () => 0, int: () => 0 },
    })
    // Heading up initially; all sides open: left of up is left (3).
    expect(explorer.next({ x: 1, y: 1, here: ' ', open: [true, true, true, true], hasKey: false, steps: 0 })).toBe(3)
    // Heading left; only right-hand side (up) and back (right) open: takes up (a right turn).
    expect(explorer.next({ x: 0, y: 1, here: ' ', open: [true, true, false, false], hasKey: false, steps: 1 })).toBe(0)
    // Walled in: gives up.
    expect(explorer.next({ x: 0, y: 0, here: ' ', open: [false, false, false, false], hasKey: false, steps: 2 })).toBeNull()
  })
})
