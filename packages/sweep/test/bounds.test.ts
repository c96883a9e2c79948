// What a bad command line can make a sweep do: output paths that cannot be written (found before
// the first run; a write that still fails at the end is one line, with the results file complete),
// sizes outside the maze's rule, negative numbers. Each ends with a stable code and exit code.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { joinNegativeValues, outputProblem, readConfig, runCli, writeOutput } from '../src/cli.ts'
import { SweepErrorCode } from '../src/errors.ts'
import { parseSizes } from '../src/plan.ts'
import { captureIo } from './capture-io.ts'

const dir = mkdtempSync(join(tmpdir(), 'maze-sweep-bounds-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = captureIo

const lines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
const small = ['--strategies', 'random-dfs,astar', '--seeds', '1-4', '--size', '12x6', '--workers', '1', '--quiet']

describe('output paths', () => {
  const aFile = join(dir, 'a-file')
  writeFileSync(aFile, 'not a directory\n')

  test('--chart under a file, or a directory: SWEEP_ERR_USAGE before any run, exit 2', async () => {
    const out = join(dir, 'never.jsonl')
    for (const chart of [join(aFile, 'chart.svg'), join(aFile, 'deeper', 'chart.svg')]) {
      const e = io()
      expect(await runCli([...small, '--out', out, '--chart', chart], e)).toBe(2)
      expect(e.err).toBe(`maze-sweep: SWEEP_ERR_USAGE: --chart ${chart}: cannot create ${chart}: ${aFile} is not a directory\n`)
    }
    const directory = join(dir, 'is-a-dir.svg')
    mkdirSync(directory)
    const e = io()
    expect(await runCli([...small, '--out', out, '--chart', directory], e)).toBe(2)
    expect(e.err).toBe(`maze-sweep: SWEEP_ERR_USAGE: --chart ${directory}: ${directory} is a directory\n`)
    expect(existsSync(out)).toBe(false) // nothing ran
  })

  test('--out and --markdown are checked the same way, for leaderboard too', async () => {
    const e = io()
    expect(await runCli([...small, '--out', join(aFile, 'r.jsonl')], e)).toBe(2)
    expect(e.err).toMatch(/^maze-sweep: SWEEP_ERR_USAGE: --out .*: .* is not a directory\n$/)
    const l = io()
    expect(await runCli(['leaderboard', '--from', aFile, '--markdown', join(aFile, 'board.md')], l)).toBe(2)
    expect(l.err).toMatch(/^maze-sweep: SWEEP_ERR_USAGE: --markdown .*: .* is not a directory\n$/)
  })

  test('the check creates nothing: missing directories and files are tried and removed again', () => {
    const target = join(dir, 'new', 'deeper', 'chart.svg')
    expect(outputProblem(target)).toBeNull()
    expect(existsSync(join(dir, 'new'))).toBe(false)
    const file = join(dir, 'chart.svg')
    expect(outputProblem(file)).toBeNull()
    expect(existsSync(file)).toBe(false)
    const kept = join(dir, 'kept.md')
    writeFileSync(kept, 'old\n')
    expect(outputProblem(kept)).toBeNull()
    expect(readFileSync(kept, 'utf8')).toBe('old\n')
  })

  test('a write that fails at the end: one line, SWEEP_ERR_WRITE, exit 1; the results file is complete', async () => {
    // Both paths pass the check; writing the Markdown first makes the chart's path a directory.
    const out = join(dir, 'end.jsonl')
    const chart = join(dir, 'end.svg')
    const e = io()
    expect(await runCli([...small, '--out', out, '--markdown', join(chart, 'board.md'), '--chart', chart], e)).toBe(1)
    expect(e.err).toMatch(new RegExp(`^maze-sweep: SWEEP_ERR_WRITE: cannot write the chart to ${chart}: EISDIR: [^\\n]*\\n$`))
    expect(e.out).toContain('12x6 — 4 seeds') // the leaderboard was printed
    expect(lines(out)).toHaveLength(8)
    expect(statSync(join(chart, 'board.md')).isFile()).toBe(true)
  })

  test('writeOutput wraps the error with its cause', () => {
    expect(() => writeOutput(join(aFile, 'x.md'), 'x', 'Markdown leaderboard')).toThrow(
      expect.objectContaining({
        code: SweepErrorCode.Write,
        message: expect.stringMatching(/^cannot write the Markdown leaderboard to .*x\.md: /),
        cause: expect.anything(),
      }),
    )
  })
})

describe('sizes follow the maze rule', () => {
  test.each([
    ['100001x1', 'width must be an integer from 1 to 100000, got 100001'],
    ['1x100001', 'height must be an integer from 1 to 100000, got 100001'],
    ['10000x10001', 'width x height must be at most 100,000,000 cells, got 10000 x 10001'],
    ['1x1', 'width x height must be at least 3 cells'],
    ['1x2', 'width x height must be at least 3 cells'],
    ['2x1', 'width x height must be at least 3 cells'],
    ['0x5', 'width must be an integer from 1 to 100000, got 0'],
    ['80', '"80" is not a size'],
  ])('%s: SWEEP_ERR_USAGE, exit 2, before any worker starts', async (size, message) => {
    expect(() => parseSizes(size)).toThrow(
      expect.objectContaining({ code: SweepErrorCode.Usage, message: expect.stringContaining(message) }),
    )
    const e = io()
    expect(await runCli(['--seeds', '1', '--size', size, '--out', join(dir, 'sizes.jsonl')], e)).toBe(2)
    expect(e.err).toMatch(new RegExp(`^maze-sweep: SWEEP_ERR_USAGE: --size="${size}" is not allowed: [^\\n]+\\n$`))
    expect(e.err).toContain(message)
  })

  test('the smallest mazes are accepted', () => {
    expect(parseSizes('1x3,3x1, 2x2')).toEqual([
      { width: 1, height: 3 },
      { width: 3, height: 1 },
      { width: 2, height: 2 },
    ])
  })
})

describe('negative numbers', () => {
  test.each([
    [['--seeds', '-5'], '--seeds="-5" is not allowed: "-5" is not a seed'],
    [['--seeds', '-5-3'], '--seeds="-5-3" is not allowed: "-5-3" is not a seed'],
    [['--workers', '-2'], '--workers="-2" is not allowed: expected an integer from 1 to 256'],
    [['--size', '-3x4'], '--size="-3x4" is not allowed: "-3x4" is not a size'],
    [
      ['leaderboard', '--from', 'x', '--strategies', 'astar', '--seeds', '-1', '--size', '8x8'],
      '--seeds="-1" is not allowed: "-1" is not a seed',
    ],
  ])('%j: the flag and what it allows, not "argument is ambiguous"', async (args, message) => {
    expect(() => readConfig(args)).toThrow(
      expect.objectContaining({ code: SweepErrorCode.Usage, message: expect.stringContaining(message) }),
    )
    const e = io()
    expect(await runCli(args, e)).toBe(2)
    expect(e.err).not.toContain('ambiguous')
  })

  test('only a negative number is taken as a value; -- ends the flags', () => {
    const options = { seeds: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } } as const
    expect(joinNegativeValues(['--seeds', '-5', '-q'], options)).toEqual(['--seeds=-5', '-q'])
    expect(joinNegativeValues(['--seeds', '-q'], options)).toEqual(['--seeds', '-q'])
    expect(joinNegativeValues(['--quiet', '-5'], options)).toEqual(['--quiet', '-5'])
    expect(joinNegativeValues(['--', '--seeds', '-5'], options)).toEqual(['--', '--seeds', '-5'])
    // A value that is not a number keeps parseArgs' advice, on one line.
    expect(() => readConfig(['--seeds', '-x'])).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^Option '--seeds' argument is ambiguous\. [^\n]*; see --help$/) }),
    )
  })
})
