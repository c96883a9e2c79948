import { describe, expect, test } from 'vitest'
import { createRng } from '../src/index.ts'

describe('createRng', () => {
  test('golden stream: seeded randomness is identical on every machine', () => {
    const rng = createRng(1)
    expect(Array.from({ length: 4 }, () => rng.nextUint32())).toEqual([1828152527, 3394835397, 2967886022, 2251045104])
  })

  test('int(n) stays in [0, n) and covers it', () => {
    const rng = createRng(99)
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(7)
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThan(7)
      seen.add(v)
    }
    expect(seen.size).toBe(7)
  })
})
