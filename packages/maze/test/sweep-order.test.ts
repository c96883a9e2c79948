import { describe, expect, test } from 'vitest'
import { childSlice, formatSeedList, groupRuns, packedChildCount, parseSeedList, seedsPerChild, sweepPosition } from '../src/index.ts'

describe('packed children', () => {
  test('every run of a sweep is in exactly one child, and a child is a contiguous range of run indices', () => {
    for (const shape of [
      { strategies: 2, seeds: 200, sizes: 1 },
      { strategies: 3, seeds: 7, sizes: 2 },
      { strategies: 1, seeds: 10_000, sizes: 1 },
    ]) {
      for (const runsPerChild of [1, 2, 5, 50, 100, 1_000_000]) {
        const per = seedsPerChild(runsPerChild, shape.strategies)
        const count = packedChildCount(shape, per)
        const seen = new Uint8Array(shape.strategies * shape.seeds * shape.sizes)
        for (let c = 0; c < count; c++) {
          const slice = childSlice(c, shape, per)
          expect(slice.runs).toBe((slice.seedTo - slice.seedFrom) * shape.strategies)
          for (let r = slice.firstRun; r < slice.firstRun + slice.runs; r++) {
            seen[r]!++
            const at = sweepPosition(r, shape.strategies, shape.seeds)
            expect(at.size).toBe(slice.size)
            expect(at.seed >= slice.seedFrom && at.seed < slice.seedTo).toBe(true)
          }
        }
        expect(seen.every((n) => n === 1)).toBe(true)
      }
    }
  })

  test('the cases the Batch plan promises: 2 strategies x 200 seeds at 50 runs a child is 8 children; 10,000 runs at 100 is 100', () => {
    expect(packedChildCount({ strategies: 2, seeds: 200, sizes: 1 }, seedsPerChild(50, 2))).toBe(8)
    expect(childSlice(7, { strategies: 2, seeds: 200, sizes: 1 }, 25)).toEqual({
      child: 7,
      size: 0,
      seedFrom: 175,
      seedTo: 200,
      firstRun: 350,
      runs: 50,
    })
    expect(packedChildCount({ strategies: 1, seeds: 10_000, sizes: 1 }, seedsPerChild(100, 1))).toBe(100)
  })

  test('whole seeds: fewer runs than strategies still gives every strategy the seed, and odd counts round down', () => {
    expect(seedsPerChild(1, 3)).toBe(1)
    expect(seedsPerChild(50, 3)).toBe(16)
    expect(() => seedsPerChild(0, 1)).toThrow(RangeError)
    expect(() => childSlice(8, { strategies: 2, seeds: 200, sizes: 1 }, 25)).toThrow(RangeError)
  })
})

describe('seed lists', () => {
  test('parse and format round-trip', () => {
    expect(parseSeedList('1-3, 7,9-10')).toEqual([1, 2, 3, 7, 9, 10])
    expect(formatSeedList([1, 2, 3, 7, 9, 10])).toBe('1-3,7,9-10')
    expect(formatSeedList([5])).toBe('5')
    expect(formatSeedList([])).toBe('')
    const seeds = parseSeedList('100-299') as number[]
    expect(formatSeedList(seeds)).toBe('100-299')
  })

  test('bad lists are a sentence, not an exception', () => {
    expect(parseSeedList('5-1')).toMatch(/backwards/)
    expect(parseSeedList('x')).toMatch(/not a seed/)
    expect(parseSeedList('1,,2')).toMatch(/not a seed/)
    expect(parseSeedList('4294967296')).toMatch(/0 to 4294967295/)
    expect(parseSeedList('0-4294967295')).toMatch(/more than/)
  })
})

describe('groups of runs', () => {
  test("a child's unfinished tail becomes the partial seed's strategies, then the whole seeds", () => {
    const size = { width: 80, height: 20 }
    const runs = [
      { strategy: 'random-dfs', seed: 7, ...size },
      ...[8, 9, 10].flatMap((seed) => ['astar', 'random-dfs'].map((strategy) => ({ strategy, seed, ...size }))),
      { strategy: 'astar', seed: 40, ...size },
      { strategy: 'astar', seed: 3, width: 30, height: 10 },
    ]
    expect(groupRuns(runs, ['astar', 'random-dfs'])).toEqual([
      { strategies: ['random-dfs'], seeds: [7], ...size },
      { strategies: ['astar', 'random-dfs'], seeds: [8, 9, 10], ...size },
      { strategies: ['astar'], seeds: [40], ...size },
      { strategies: ['astar'], seeds: [3], width: 30, height: 10 },
    ])
    const replayed = groupRuns(runs).flatMap((g) =>
      g.seeds.flatMap((seed) => g.strategies.map((strategy) => `${strategy}/${seed}/${g.width}`)),
    )
    expect(replayed.sort()).toEqual(runs.map((r) => `${r.strategy}/${r.seed}/${r.width}`).sort())
    expect(groupRuns([])).toEqual([])
  })
})
