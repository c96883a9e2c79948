// `pnpm sweep` and `pnpm render` as processes, given what they must refuse: a size outside the
// maze's rule is a usage error (exit 2) before any worker starts, a negative number names its flag,
// an output path that cannot be written is found before the work, and a write that still fails at
// the end is one line (no stack trace) with the results file complete.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'

const sweepEntry = join(repoRoot, 'packages/sweep/src/main.ts')
const renderEntry = join(repoRoot, 'packages/sweep/src/render-main.ts')
const dir = mkdtempSync(join(tmpdir(), 'maze-sweep-bounds-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (entry: string, args: readonly string[]) => {
  const out = spawnSync(process.execPath, [entry, ...args], { cwd: dir, encoding: 'utf8', timeout: 100_000, killSignal: 'SIGKILL' })
  return { code: out.status, stdout: out.stdout, stderr: out.stderr }
}
const noStack = (stderr: string): void => expect(stderr).not.toMatch(/^\s+at /m)

test('sweep --size 100001x1, 1x1, 1x2, 2x1: SWEEP_ERR_USAGE, exit 2, no worker', () => {
  for (const size of ['100001x1', '1x1', '1x2', '2x1']) {
    const r = run(sweepEntry, ['--seeds', '1', '--size', size, '--out', 'sizes.jsonl'])
    expect([size, r.code]).toEqual([size, 2])
    expect(r.stderr).toMatch(
      new RegExp(`^maze-sweep: SWEEP_ERR_USAGE: --size="${size}" is not allowed: (${size}: )?(width|width x height) must be `),
    )
    expect(r.stderr).not.toContain('SWEEP_ERR_WORKER')
  }
  expect(existsSync(join(dir, 'sizes.jsonl'))).toBe(false)
})

test('sweep with negative numbers: the flag and what it allows, exit 2', () => {
  expect(run(sweepEntry, ['--seeds', '-5'])).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(
      /^maze-sweep: SWEEP_ERR_USAGE: --seeds="-5" is not allowed: "-5" is not a seed or a range FROM-TO of seeds [^\n]*\n$/,
    ),
  })
  expect(run(sweepEntry, ['--workers', '-2'])).toMatchObject({
    code: 2,
    stderr: 'maze-sweep: SWEEP_ERR_USAGE: --workers="-2" is not allowed: expected an integer from 1 to 256\n',
  })
})

test('sweep --chart that cannot be written: refused before the sweep; a write failing at the end is one line, exit 1, results intact', () => {
  const aFile = join(dir, 'a-file')
  writeFileSync(aFile, 'x\n')
  const args = ['--strategies', 'random-dfs,astar', '--seeds', '1-5', '--size', '12x6', '--workers', '1', '--quiet']
  const early = run(sweepEntry, [...args, '--out', 'early.jsonl', '--chart', 'a-file/chart.svg'])
  expect(early).toEqual({
    code: 2,
    stdout: '',
    stderr: `maze-sweep: SWEEP_ERR_USAGE: --chart a-file/chart.svg: cannot create ${aFile}/chart.svg: ${aFile} is not a directory\n`,
  })
  expect(existsSync(join(dir, 'early.jsonl'))).toBe(false)

  // Both pass the check; the Markdown, written first, turns the chart's path into a directory.
  const late = run(sweepEntry, [...args, '--out', 'late.jsonl', '--markdown', 'late.svg/board.md', '--chart', 'late.svg'])
  expect(late.code).toBe(1)
  expect(late.stderr).toMatch(/^maze-sweep: SWEEP_ERR_WRITE: cannot write the chart to \S+late\.svg: EISDIR: [^\n]*\n$/)
  noStack(late.stderr)
  expect(late.stdout).toContain('12x6 — 5 seeds')
  expect(readFileSync(join(dir, 'late.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10)
})

test('render: the size rule, negative numbers and output paths are usage errors (exit 2) before drawing', () => {
  for (const size of ['1x1', '2x1', '100001x1']) {
    const r = run(renderEntry, ['--size', size, '--out', 'never.svg'])
    expect([size, r.code]).toEqual([size, 2])
    expect(r.stderr).toMatch(new RegExp(`^maze-render: SWEEP_ERR_USAGE: --size="${size}" is not allowed: (width|width x height) must be `))
  }
  expect(run(renderEntry, ['--seed', '-5'])).toMatchObject({
    code: 2,
    stderr: 'maze-render: SWEEP_ERR_USAGE: --seed="-5" is not allowed: expected an integer from 0 to 4294967295\n',
  })
  expect(run(renderEntry, ['--cell', '-3', '--size', '10x5'])).toMatchObject({
    code: 2,
    stderr: 'maze-render: SWEEP_ERR_USAGE: --cell="-3" is not allowed: expected an integer from 2 to 64\n',
  })
  const r = run(renderEntry, ['--size', '10x5', '--out', 'ok.svg', '--png', 'a-file/maze.png'])
  expect(r).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/^maze-render: SWEEP_ERR_USAGE: --png a-file\/maze\.png: cannot create .* is not a directory\n$/),
  })
  expect(existsSync(join(dir, 'ok.svg'))).toBe(false)
})
