// The local sweep on worker threads: every core used, team strategies by path, resume, and the
// leaderboard from its result lines equal to the one it printed.
// Each test has its own temporary directory (the `dir` fixture) and makes the result files it needs
// itself, so the tests pass in any order, alone or shuffled (`--sequence.shuffle`).
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, describe, expect } from 'vitest'
import { runCli } from '../src/cli.ts'
import { buildLeaderboard, withoutTimings } from '../src/leaderboard.ts'
import { expandPlan, runKey, type SweepPlan } from '../src/plan.ts'
import { formatResultLine, parseResultLines, resultKey } from '../src/results.ts'
import { runPool } from '../src/pool.ts'
import { runSweep } from '../src/sweep.ts'
import { captureIo, REPO } from './capture-io.ts'

const TEAM = fileURLToPath(new URL('../../example-strategy/src/index.ts', import.meta.url))

/** `test` with `dir`: a temporary directory of the test's own, removed after it. */
const test = base.extend<{ dir: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixtures a function uses from its first parameter
  dir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'maze-sweep-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
})

const plan: SweepPlan = {
  strategies: ['random-dfs', 'astar', TEAM],
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  sizes: [{ width: 24, height: 8 }],
}

const io = captureIo

/** Runs the whole `plan` into `<dir>/all.jsonl` (36 runs of small mazes) and returns the file and the outcome. */
async function completeSweep(dir: string) {
  const file = join(dir, 'all.jsonl')
  const outcome = await runSweep({ plan, out: file, workers: 2 })
  expect(outcome).toMatchObject({ ran: 36, reused: 0, total: 36, interrupted: false })
  return { file, outcome }
}

describe('runSweep', () => {
  test('the pool runs on more than one worker thread', async () => {
    const slow = fileURLToPath(new URL('./fixtures/slow-strategy.ts', import.meta.url))
    const perThread = new Map<number, number>()
    const outcome = await runPool({
      runs: expandPlan({ strategies: [slow], seeds: Array.from({ length: 24 }, (_, i) => i + 1), sizes: [{ width: 10, height: 5 }] }),
      specifiers: [slow],
      cwd: REPO,
      workers: 2,
      onResult: (result, _run, threadId) => {
        expect(result).toMatchObject({ strategy: 'slow-dfs', solved: true })
        perThread.set(threadId, (perThread.get(threadId) ?? 0) + 1)
      },
    })
    expect(outcome).toMatchObject({ completed: 24, interrupted: false })
    expect(outcome.threadIds).toHaveLength(2)
    expect([...perThread.values()].every((n) => n >= 2)).toBe(true)
  })

  test('runs every (strategy, seed), a team strategy from a module path included', async ({ dir }) => {
    const { file, outcome } = await completeSweep(dir)
    expect([...outcome.names.values()]).toEqual(['random-dfs', 'astar', 'wall-follower'])
    const lines = parseResultLines(readFileSync(file, 'utf8'))
    expect(lines.results).toHaveLength(36)
    expect(new Set(lines.results.map(resultKey)).size).toBe(36)
    const team = lines.results.filter((r) => r.strategy === 'wall-follower')
    expect(team).toHaveLength(12)
    expect(team.every((r) => r.solved && r.optimalSteps !== null && r.steps >= r.optimalSteps)).toBe(true)
  })

  test('the leaderboard from the result lines equals the one from the sweep (objects, and Markdown through the CLI)', async ({ dir }) => {
    const { file } = await completeSweep(dir)
    // Run again on the finished file: everything is reused, and the leaderboard is the same.
    const outcome = await runSweep({ plan, out: file, workers: 2 })
    expect(outcome).toMatchObject({ ran: 0, reused: 36 })
    const local = buildLeaderboard(outcome.results, { expected: outcome.expected })
    const fromLines = buildLeaderboard(parseResultLines(readFileSync(file, 'utf8')).results)
    expect(withoutTimings(fromLines)).toEqual(withoutTimings(local))
    expect(fromLines).toEqual(local) // the very same lines: even the timings agree

    // Through the command line: `sweep run` (resumes: nothing to run) and `sweep leaderboard --from`.
    const mdRun = join(dir, 'run.md')
    const mdFrom = join(dir, 'from.md')
    const a = io()
    expect(
      await runCli(
        [
          '--strategies',
          plan.strategies.join(','),
          '--seeds',
          '1-12',
          '--size',
          '24x8',
          '--out',
          file,
          '--markdown',
          mdRun,
          '--no-timings',
          '--workers',
          '2',
        ],
        a,
      ),
    ).toBe(0)
    const b = io()
    // Shuffled lines and a stray line: the same leaderboard.
    const shuffled = join(dir, 'shuffled.jsonl')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    writeFileSync(shuffled, [...lines.reverse(), 'not a result'].join('\n'))
    expect(await runCli(['leaderboard', '--from', shuffled, '--markdown', mdFrom, '--no-timings'], b)).toBe(0)
    const fromMd = readFileSync(mdFrom, 'utf8')
    expect(fromMd).toBe(readFileSync(mdRun, 'utf8'))
    expect(fromMd).toContain('wall-follower')
    expect(b.out).toContain('astar')
    expect(b.err).toContain('1 line(s) were not result lines')
  })
})

describe('runSweep: resume, interruption, a strategy that cannot be loaded', () => {
  test('resume: with some runs finished and a truncated last line, only the missing runs are run', async ({ dir }) => {
    const { file } = await completeSweep(dir)
    const resumeFile = join(dir, 'resume.jsonl')
    const all = parseResultLines(readFileSync(file, 'utf8')).results
    const kept = all.slice(0, 20)
    writeFileSync(resumeFile, kept.map((r) => `${formatResultLine(r)}\n`).join(''))
    appendFileSync(resumeFile, formatResultLine(all[20]!).slice(0, 40)) // a run cut off mid-write
    const before = readFileSync(resumeFile, 'utf8')

    const outcome = await runSweep({ plan, out: resumeFile, workers: 2 })
    expect(outcome).toMatchObject({ reused: 20, ran: 16, total: 36, interrupted: false })
    expect(outcome.truncatedBytes).toBe(40)
    const after = readFileSync(resumeFile, 'utf8')
    expect(after.startsWith(before.slice(0, before.lastIndexOf('\n') + 1))).toBe(true)
    const read = parseResultLines(after)
    expect(read.skipped).toBe(0)
    expect(read.results).toHaveLength(36)
    expect(new Set(read.results.map(resultKey)).size).toBe(36)
    // Same runs → same numbers as the uninterrupted sweep.
    expect(withoutTimings(buildLeaderboard(read.results))).toEqual(withoutTimings(buildLeaderboard(all)))
  })

  test('interrupted: runs in flight finish and are written, the rest is left for the rerun', async ({ dir }) => {
    const stopFile = join(dir, 'stop.jsonl')
    const bigger: SweepPlan = { ...plan, strategies: ['random-dfs', 'astar'], seeds: Array.from({ length: 60 }, (_, i) => i + 1) }
    const abort = new AbortController()
    const first = await runSweep({
      plan: bigger,
      out: stopFile,
      workers: 2,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done === 10) abort.abort()
      },
    })
    expect(first.interrupted).toBe(true)
    expect(first.ran).toBeGreaterThanOrEqual(10)
    expect(first.ran).toBeLessThanOrEqual(12) // at most one more per worker
    expect(parseResultLines(readFileSync(stopFile, 'utf8')).results).toHaveLength(first.ran)
    const second = await runSweep({ plan: bigger, out: stopFile, workers: 2 })
    expect(second).toMatchObject({ reused: first.ran, ran: 120 - first.ran, interrupted: false })
    const keys = parseResultLines(readFileSync(stopFile, 'utf8')).results.map(resultKey)
    expect(new Set(keys)).toEqual(new Set(expandPlan(bigger).map((r) => runKey(r.strategy, r.seed, r.width, r.height))))
    expect(keys).toHaveLength(120)
  })

  test('a strategy that cannot be loaded fails before any run, naming the specifier', async () => {
    await expect(runSweep({ plan: { ...plan, strategies: ['astar', './nope.ts'] }, out: null })).rejects.toMatchObject({
      code: 'SWEEP_ERR_STRATEGY_LOAD',
      message: expect.stringContaining('./nope.ts'),
      cause: expect.objectContaining({ code: 'AGENT_ERR_STRATEGY_LOAD' }),
    })
  })
})

describe('runCli', () => {
  test('--help, and bad flags name the flag (exit 2)', async () => {
    const h = io()
    expect(await runCli(['--help'], h)).toBe(0)
    expect(h.out).toContain('Usage: pnpm sweep')
    expect(h.out).toContain('--transport http: as on AWS Batch')
    for (const [args, flag] of [
      [['--workers', '0'], '--workers'],
      [['--transport', 'carrier-pigeon'], '--transport'],
      [['--models', '2'], '--models'],
      [['--transport', 'http', '--models', '0'], '--models'],
      [['leaderboard', '--from', 'x', '--models', '2'], '--models'],
      [['--seeds', '9-1'], '--seeds'],
      [['--chart', 'chart.png'], '--chart'],
      [['leaderboard'], '--from'],
      [['leaderboard', '--from', 'x', '--seeds', '1-3'], '--strategies'],
      [['--bogus'], 'bogus'],
    ] as const) {
      const e = io()
      expect(await runCli(args, e), args.join(' ')).toBe(2)
      expect(e.err).toContain('SWEEP_ERR_USAGE')
      expect(e.err).toContain(flag)
    }
  })

  test('leaderboard of a file that does not exist: SWEEP_ERR_RESULTS, exit 3', async ({ dir }) => {
    const e = io()
    expect(await runCli(['leaderboard', '--from', join(dir, 'missing.jsonl')], e)).toBe(3)
    expect(e.err).toContain('SWEEP_ERR_RESULTS')
  })
})
