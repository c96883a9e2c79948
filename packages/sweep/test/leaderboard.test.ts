import { describe, expect, test } from 'vitest'
import { formatMarkdown, formatText } from '../src/format.ts'
import { buildLeaderboard, defaultBaseline, withoutTimings } from '../src/leaderboard.ts'
import { formatResultLine, parseResultLines, type SweepResult } from '../src/results.ts'

const result = (strategy: string, seed: number, steps: number, extra: Partial<SweepResult> = {}): SweepResult => ({
  strategy,
  width: 10,
  height: 5,
  seed,
  solved: true,
  steps,
  keyStep: 1,
  requests: steps + 5,
  elapsedMs: seed % 7,
  optimalSteps: 100,
  ...extra,
})

// base takes 200 + 10·s steps on seed s; fast takes exactly 50 fewer on every seed but seed 3 (+10).
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const synthetic = [
  ...seeds.map((s) => result('base', s, 200 + 10 * s)),
  ...seeds.map((s) => result('fast', s, 200 + 10 * s + (s === 3 ? 10 : -50))),
]

describe('buildLeaderboard', () => {
  test('per strategy: success rate, steps and ratio summaries', () => {
    const board = buildLeaderboard(synthetic)
    expect(board.sizes).toHaveLength(1)
    const size = board.sizes[0]!
    expect(size).toMatchObject({ width: 10, height: 5, seeds: 10, baseline: 'base' })
    expect(size.strategies.map((s) => s.strategy)).toEqual(['fast', 'base'])
    const base = size.strategies[1]!
    expect(base).toMatchObject({ runs: 10, solved: 10, successRate: 1, errors: 0, missing: 0, vsBaseline: null })
    expect(base.steps.mean).toBe(255)
    expect(base.steps.median).toBe(255)
    expect(base.steps.p95).toBeCloseTo(295.5, 10)
    expect(base.ratio.mean).toBeCloseTo(2.55, 12)
    expect(base.meanRequests).toBe(260)
  })

  test('the paired comparison has the known answer', () => {
    const fast = buildLeaderboard(synthetic).sizes[0]!.strategies[0]!
    const c = fast.vsBaseline!
    // Differences: nine of −50 and one of +10: mean −44, t = −7.33 on 9 degrees of freedom.
    const d: number[] = seeds.map((s) => (s === 3 ? 10 : -50))
    const m = d.reduce((a, b) => a + b) / d.length
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1))
    expect(c).toMatchObject({ baseline: 'base', pairs: 10, better: 9, worse: 1, ties: 0 })
    expect(c.meanDifference).toBe(-44)
    expect(c.t).toBeCloseTo(m / (sd / Math.sqrt(10)), 10) // t = −7.3333
    expect(c.t).toBeCloseTo(-7.333333, 5)
    expect(c.p).toBeCloseTo(4.405e-5, 7) // R: t.test(c(rep(-50, 9), 10)): p-value = 4.405e-05
    expect(c.stepsRatio).toBeCloseTo((2550 - 440) / 2550, 12)
    // Wilcoxon: ranks of |d| = 50 (nine tied, ranks 2..10 → 6 each) and 10 (rank 1): V = 1.
    expect(c.wilcoxonP).toBeLessThan(0.01)
  })

  test('the same results in any order, or repeated, give the same leaderboard', () => {
    const board = buildLeaderboard(synthetic)
    const shuffled = [...synthetic].reverse()
    expect(buildLeaderboard(shuffled)).toEqual(board)
    const twice = buildLeaderboard([...synthetic, ...synthetic])
    expect(twice.duplicates).toBe(20)
    expect({ ...twice, duplicates: 0 }).toEqual(board)
  })

  test('runs of the plan without a result count as not solved; results outside the plan are ignored', () => {
    const partial = synthetic.filter((r) => !(r.strategy === 'fast' && r.seed === 10))
    const expected = seeds.flatMap((seed) => ['base', 'fast'].map((strategy) => ({ strategy, seed, width: 10, height: 5 })))
    const board = buildLeaderboard([...partial, result('other', 1, 5)], { expected })
    const fast = board.sizes[0]!.strategies.find((s) => s.strategy === 'fast')!
    expect(fast).toMatchObject({ runs: 10, solved: 9, missing: 1, successRate: 0.9 })
    expect(fast.vsBaseline!.pairs).toBe(9)
    expect(board.sizes[0]!.strategies.map((s) => s.strategy)).toEqual(['base', 'fast'])
  })

  test('failed runs: errors counted, steps and ratio over solved runs only, paired on seeds both solved', () => {
    const withFailure = synthetic.map((r) =>
      r.strategy === 'fast' && r.seed === 1 ? { ...r, solved: false, steps: 3, error: 'AGENT_ERR_ILLEGAL_MOVE' } : r,
    )
    const fast = buildLeaderboard(withFailure).sizes[0]!.strategies.find((s) => s.strategy === 'fast')!
    expect(fast).toMatchObject({ solved: 9, errors: 1, successRate: 0.9 })
    expect(fast.steps.n).toBe(9)
    expect(fast.vsBaseline!.pairs).toBe(9)
  })

  test('one board per size; the baseline defaults to random-dfs, else the first name', () => {
    const two = [...synthetic, ...synthetic.map((r) => ({ ...r, width: 20, height: 8 }))]
    expect(buildLeaderboard(two).sizes.map((s) => `${s.width}x${s.height}`)).toEqual(['10x5', '20x8'])
    expect(defaultBaseline(['astar', 'random-dfs'])).toBe('random-dfs')
    expect(defaultBaseline(['zeta', 'alpha'])).toBe('alpha')
    expect(
      buildLeaderboard(synthetic, { baseline: 'fast' }).sizes[0]!.strategies.find((s) => s.strategy === 'base')!.vsBaseline!.meanDifference,
    ).toBe(44)
  })

  test('from result lines: the same leaderboard as from the results; Batch rows and junk are handled', () => {
    const lines = synthetic.map(formatResultLine)
    const batchRows = lines
      .slice(0, 5)
      .map((l, i) => JSON.stringify({ jobId: `j:${i}`, arrayIndex: i, status: 'SUCCEEDED', exitCode: 0, result: JSON.parse(l) }))
    const text = [
      ...batchRows,
      ...lines.slice(5),
      JSON.stringify({ jobId: 'j:99', arrayIndex: 99, status: 'FAILED', exitCode: 3, result: null }),
      'maze-agent: progress',
      '{"strategy":"fa',
    ].join('\n')
    const parsed = parseResultLines(text)
    expect(parsed.results).toHaveLength(20)
    expect(parsed.skipped).toBe(2)
    expect(parsed.missing).toEqual([{ arrayIndex: 99, status: 'FAILED' }])
    expect(buildLeaderboard(parsed.results)).toEqual(buildLeaderboard(synthetic))
  })

  test('Markdown and text: both tables, p-values, no timings on request', () => {
    const board = buildLeaderboard(synthetic)
    const md = formatMarkdown(board)
    expect(md).toContain('### 10x5 — 10 seeds, baseline base')
    expect(md).toContain('| 1 | fast | 10/10 (100%) |')
    expect(md).toMatch(/\| fast \| base \| 10 \| −44 \(−58 to −30\) \| 0\.83× \| 9\/10 \| 4\.4e-5 \|/)
    expect(md).toContain('time/run')
    expect(formatMarkdown(board, { timings: false })).not.toContain('time/run')
    expect(formatMarkdown(withoutTimings(board), { timings: false })).toBe(formatMarkdown(board, { timings: false }))
    expect(formatText(board)).toMatch(/fast +base +10 +−44 \(−58 to −30\)/)
  })
})
