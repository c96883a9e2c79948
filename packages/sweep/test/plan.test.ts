import { describe, expect, test } from 'vitest'
import { SweepErrorCode } from '../src/errors.ts'
import { expandPlan, parseSeeds, parseSizes, parseStrategies, planSize, runAt, runKey, type SweepPlan } from '../src/plan.ts'

describe('parsing', () => {
  test('seeds: a range, a list, a mix; each once, in order', () => {
    expect(parseSeeds('1-5')).toEqual([1, 2, 3, 4, 5])
    expect(parseSeeds('1,5,9')).toEqual([1, 5, 9])
    expect(parseSeeds('3-4, 10 ,0')).toEqual([3, 4, 10, 0])
    expect(parseSeeds('4294967295')).toEqual([4294967295])
  })

  test.each([
    [' 80', 'has spaces around it'],
    ['+5', 'is not a seed or a range'],
    ['1 - 3', 'is not a seed or a range'],
    ['1,1,2', 'seed 1 is listed more than once'],
    ['1-5,3-9', 'seed 3 is listed more than once'],
  ])('seeds %j are refused by the shared reader, as every program refuses them', (text, reason) => {
    expect(() => parseSeeds(text)).toThrow(
      expect.objectContaining({ code: SweepErrorCode.Usage, message: expect.stringContaining(`--seeds=${JSON.stringify(text)}`) }),
    )
    expect(() => parseSeeds(text)).toThrow(reason)
  })

  test.each(['', '1,', 'a', '5-1', '-3', '4294967296', '1.5'])('seeds %j are refused naming the flag', (text) => {
    expect(() => parseSeeds(text)).toThrow(
      expect.objectContaining({ code: SweepErrorCode.Usage, message: expect.stringContaining('--seeds') }),
    )
  })

  test('sizes and strategies', () => {
    expect(parseSizes('80x20')).toEqual([{ width: 80, height: 20 }])
    expect(parseSizes('80x20, 40x10')).toEqual([
      { width: 80, height: 20 },
      { width: 40, height: 10 },
    ])
    // One grammar: no spaces inside a size, no ×, each size once.
    expect(() => parseSizes('80 x 20')).toThrow('--size="80 x 20" is not allowed')
    expect(() => parseSizes('80×20')).toThrow('--size="80×20" is not allowed')
    expect(() => parseSizes('80x20,80x20')).toThrow('80x20 is listed twice')
    expect(() => parseSizes(' 80x20')).toThrow('has spaces around it')
    expect(() => parseSizes('80')).toThrow(/--size/)
    expect(() => parseSizes('0x5')).toThrow(/--size/)
    expect(parseStrategies('random-dfs, astar,./mine.ts')).toEqual(['random-dfs', 'astar', './mine.ts'])
    expect(() => parseStrategies('astar,astar')).toThrow(/twice/)
    expect(() => parseStrategies('astar,')).toThrow(/empty/)
  })
})

describe('runAt: the array index mapping', () => {
  const plan: SweepPlan = {
    strategies: ['a', 'b', 'c'],
    seeds: [10, 11, 12, 13],
    sizes: [
      { width: 8, height: 4 },
      { width: 20, height: 5 },
    ],
  }

  test('strategies vary fastest, then seeds, then sizes', () => {
    expect(planSize(plan)).toBe(24)
    expect(runAt(plan, 0)).toEqual({ index: 0, strategy: 'a', seed: 10, width: 8, height: 4 })
    expect(runAt(plan, 1)).toEqual({ index: 1, strategy: 'b', seed: 10, width: 8, height: 4 })
    expect(runAt(plan, 3)).toEqual({ index: 3, strategy: 'a', seed: 11, width: 8, height: 4 })
    expect(runAt(plan, 12)).toEqual({ index: 12, strategy: 'a', seed: 10, width: 20, height: 5 })
    expect(runAt(plan, 23)).toEqual({ index: 23, strategy: 'c', seed: 13, width: 20, height: 5 })
  })

  test('every (strategy, seed, size) exactly once', () => {
    const keys = expandPlan(plan).map((r) => runKey(r.strategy, r.seed, r.width, r.height))
    expect(new Set(keys).size).toBe(24)
  })

  test('with one size and consecutive seeds it is the Batch preload: s[i mod S], base + floor(i / S)', () => {
    const strategies = ['random-dfs', 'astar', 'wall-follower']
    const base = 7
    const batchPlan: SweepPlan = { strategies, seeds: parseSeeds(`${base}-${base + 99}`), sizes: [{ width: 80, height: 20 }] }
    for (let i = 0; i < planSize(batchPlan); i++) {
      const run = runAt(batchPlan, i)
      expect(run.strategy).toBe(strategies[i % strategies.length])
      expect(run.seed).toBe(base + Math.floor(i / strategies.length))
    }
  })

  test('an index outside the plan is refused', () => {
    expect(() => runAt(plan, 24)).toThrow(RangeError)
    expect(() => runAt(plan, -1)).toThrow(RangeError)
    expect(() => runAt(plan, 1.5)).toThrow(RangeError)
  })
})
