// The HTTP sweep's slices: every run in exactly one slice, each a packed child's share (childSlice)
// of a group of groupRuns, several per agent process, and a resumed sweep's missing runs alike.
import { childSlice, seedsPerChild } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { defaultModels, MAX_SEEDS_PER_SLICE, planSlices, SLICES_PER_AGENT, sliceRuns } from '../src/http-slices.ts'
import { expandPlan } from '../src/plan.ts'

const key = (r: { strategy: string; seed: number; width: number; height: number }): string =>
  `${r.strategy}/${r.seed}/${r.width}x${r.height}`

describe('planSlices', () => {
  const plan = {
    strategies: ['astar', 'random-dfs'],
    seeds: Array.from({ length: 40 }, (_, i) => i + 1),
    sizes: [
      { width: 80, height: 20 },
      { width: 30, height: 10 },
    ],
  }
  const runs = expandPlan(plan)

  test('python: strategies (the Python SDK runner) never share a slice with ours; every run still in exactly one', () => {
    const mixed = expandPlan({ ...plan, strategies: ['astar', 'python:random-dfs', 'random-dfs'] })
    const slices = planSlices(mixed, ['astar', 'python:random-dfs', 'random-dfs'], 2)
    const played = slices.flatMap(sliceRuns).map(key)
    expect(played).toHaveLength(mixed.length)
    expect(new Set(played)).toEqual(new Set(mixed.map(key)))
    for (const s of slices) expect([['astar', 'random-dfs'], ['python:random-dfs']]).toContainEqual(s.strategies)
  })

  test('every run in exactly one slice; about SLICES_PER_AGENT slices per agent', () => {
    const slices = planSlices(runs, plan.strategies, 2)
    const played = slices.flatMap(sliceRuns).map(key)
    expect(played).toHaveLength(runs.length)
    expect(new Set(played)).toEqual(new Set(runs.map(key)))
    expect(slices.length).toBeGreaterThanOrEqual(SLICES_PER_AGENT * 2)
    expect(slices.length).toBeLessThanOrEqual(SLICES_PER_AGENT * 2 + plan.sizes.length)
    for (const s of slices) expect(s.strategies).toEqual(plan.strategies)
  })

  test("a slice is childSlice's share of its size (the AWS Batch preload's definition)", () => {
    const slices = planSlices(runs, plan.strategies, 2)
    const perChild = seedsPerChild(Math.ceil(runs.length / (SLICES_PER_AGENT * 2)), 2)
    const first = slices.filter((s) => s.width === 80)
    first.forEach((s, child) => {
      const share = childSlice(child, { strategies: 2, seeds: 40, sizes: 1 }, perChild)
      expect(s.seeds).toEqual(plan.seeds.slice(share.seedFrom, share.seedTo))
    })
  })

  test('at least one seed per slice, at most MAX_SEEDS_PER_SLICE', () => {
    expect(planSlices(runs, plan.strategies, 256).every((s) => s.seeds.length === 1)).toBe(true)
    const big = expandPlan({ strategies: ['astar'], seeds: Array.from({ length: 5000 }, (_, i) => i), sizes: [{ width: 10, height: 5 }] })
    expect(Math.max(...planSlices(big, ['astar'], 1).map((s) => s.seeds.length))).toBe(MAX_SEEDS_PER_SLICE)
  })

  test("a resumed sweep's missing runs: only they are played, each once", () => {
    const missing = runs.filter((r) => r.seed % 3 === 0 || (r.strategy === 'astar' && r.seed > 30))
    const slices = planSlices(missing, plan.strategies, 2)
    const played = slices.flatMap(sliceRuns).map(key)
    expect(played.sort()).toEqual(missing.map(key).sort())
  })

  test('no runs, no slices; one model per two agents', () => {
    expect(planSlices([], ['astar'], 4)).toEqual([])
    expect([1, 2, 3, 4, 8].map(defaultModels)).toEqual([1, 1, 2, 2, 4])
  })
})
