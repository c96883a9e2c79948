// `pnpm bench` as the real program: its help, a bad option, and a tiny real run whose report has the
// shape of the README's tables. Only the shape: what the numbers are is the benchmark's business.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { ConfigProblems, read } from '@maze-sim/config'
import { BENCH_OPTIONS, HELP } from '../src/args.ts'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))

/** What @maze-sim/config says of `--<flag> value` read by the bench's own option. */
function refusedBy(flag: string, value: string): string {
  try {
    read({ sizes: BENCH_OPTIONS.sizes }, { argv: [flag, value] })
  } catch (err) {
    if (err instanceof ConfigProblems) return err.problems.join('; ')
    throw err
  }
  throw new Error(`${flag} ${value} was read`)
}

interface Ran {
  code: number | string
  stdout: string
  stderr: string
}

/**
 * Runs the benchmark to its end. It runs in a process group of its own, killed whole after
 * `timeoutMs` (and whatever happens to the test): the model process the benchmark starts goes too.
 */
async function bench(argv: string[], timeoutMs = 50_000): Promise<Ran> {
  const child = spawn(process.execPath, [main, ...argv], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // the group has ended already
    }
  }
  const timer = setTimeout(killGroup, timeoutMs)
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
    return { code: code ?? signal ?? 'unknown', stdout, stderr }
  } finally {
    clearTimeout(timer)
    killGroup()
  }
}

/** The rows of the Markdown table under `heading`, split into cells (header and separator excluded). */
function table(report: string, heading: string): string[][] {
  expect(report).toContain(heading)
  const lines = report.slice(report.indexOf(heading)).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const rows: string[][] = []
  // The table is the first run of lines starting with '|'.
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
  }
  return rows
}

describe('pnpm bench (src/main.ts)', () => {
  test('--help prints the usage and exits 0', async () => {
    expect(await bench(['--help'])).toEqual({ code: 0, stdout: HELP, stderr: '' })
  })

  test('a bad option exits 2 naming it, before measuring anything', async () => {
    const run = await bench(['--sizes', 'big'])
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^bench: --sizes="big" is not allowed: "big" is not a size; expected sizes separated by commas, each WIDTHxHEIGHT[^\n]*\n$/,
      ),
    })
    expect((await bench(['--turbo'])).code).toBe(2)
  })

  test('a size written with spaces (--sizes "80 x 20") exits 2 with the config reader\'s wording', async () => {
    const run = await bench(['--sizes', '80 x 20'])
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `bench: ${refusedBy('--sizes', '80 x 20')}\n` })
  })

  test('a tiny run prints every table and writes each into the README between its markers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-readme-'))
    const readme = join(dir, 'README.md')
    // The repository's own README: it must carry every part's markers.
    copyFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), readme)
    const run = await bench(
      [
        ...['--sizes', '3x1,5x4,20000x20000', '--duration', '1', '--warmup', '0', '--connections', '2', '--viewers', '1'],
        ...['--rounds', '1', '--repeat', '1', '--live-episodes', '5', '--agents', '2', '--packing-runs', '2'],
        ...['--write-readme', '--readme', readme],
      ],
      240_000,
    )
    expect(run.code, run.stderr).toBe(0)
    const report = run.stdout
    expect(report).toMatch(/^# maze-sim benchmark\n\n\d+ × .+, Node v\d+\.\d+\.\d+\n/)
    expect(run.stderr).not.toContain('warming up')

    const generation = table(report, '## Maze generation')
    expect(generation.map((row) => row.slice(0, 2))).toEqual([
      ['3 × 1', '3'],
      ['5 × 4', '20'],
      ['20000 × 20000', '400,000,000'],
    ])
    for (const row of generation.slice(0, 2)) {
      expect(row).toHaveLength(7)
      expect(row[2]).toMatch(/^\d+ ms$/)
      expect(row[3]).toMatch(/^\d+ ms$/)
      expect(row[4]).toMatch(/^\d+ MiB$/)
      expect(row[5]).toMatch(/^\d+(\.\d\d)? m?s$/) // the model process, spawn → ready
      expect(row[6]).toMatch(/^\d+ MiB$/)
    }
    expect(generation[2]![2]).toMatch(/^refused: width x height must be at most 100,000,000 cells/)

    expectTelemetryAndGoals(report)

    const load = table(report, '## GET /maze/pos under load')
    expect(load).toHaveLength(2)
    const decimal = /^\d+\.\d+$/
    for (const [k, row] of load.entries()) {
      expect(row).toHaveLength(10)
      expect(row.slice(0, 2)).toEqual([String(k), '2']) // viewers, connections
      expect(row[2]).toMatch(/^[\d,]+$/) // requests/s
      expect(row[3]).toMatch(/^\d+\.\d+ ms$/) // mean latency
      for (const percentile of row.slice(4, 8)) expect(percentile).toMatch(decimal)
      // Every request answered, and answered 2xx: behaviour, whatever the speed.
      expect(row[8]).toBe('0 / 0')
    }
    expect(load[0]![9]).toBe('–')
    expect(load[1]![9]).toMatch(/^\d+ KiB\/s each, 0 dropped$/)

    const memory = table(report, '## Episodes: one model process')
    expect(memory).toHaveLength(1)
    expect(memory[0]![0]).toBe('5')
    expect(memory[0]![3]).toMatch(/^-?\d+\.\d KiB$/)
    const agents = table(report.slice(report.indexOf('| agents at once')), '| agents at once')
    // The header row is the heading here: the first data row follows the separator.
    expect(agents).toHaveLength(1)
    const [count, episodes, solved, errors, stepsPerSecond, requestsPerStep] = agents[0]!
    expect(count).toBe('2')
    // Every episode played was solved, none failed: behaviour, whatever the speed.
    expect(solved).toBe(episodes)
    expect(Number(episodes)).toBeGreaterThanOrEqual(2)
    expect(errors).toBe('0')
    expect(stepsPerSecond).toMatch(/^[\d,]+$/)
    expect(Number(requestsPerStep)).toBeLessThan(1)

    expectReadmeBlocks(readFileSync(readme, 'utf8'), report)
    rmSync(dir, { recursive: true, force: true })

    // Batch packing needs the local Docker engine and images: in CI they are there (.ci/run builds them).
    if (!report.includes('## AWS Batch packing')) {
      expect(process.env.CI, 'the packing benchmark was left out in CI').not.toBe('true')
      expect(run.stderr).toMatch(/the Batch packing benchmark is left out: /)
      return
    }
    const packing = table(report, '## AWS Batch packing')
    expect(packing.map((row) => row.slice(1, 4))).toEqual([
      ['1', '2', '2'],
      ['2', '2', '2'],
    ])
    for (const row of packing) expect(row[5]).toMatch(/^\d+\.\d\d$/)
  }, 300_000)
})

/** The telemetry table's rows, each with its figures, and the goals, each met or missed. */
function expectTelemetryAndGoals(report: string): void {
  const telemetry = table(report, '## Telemetry off and on, start-up')
  expect(telemetry.map((row) => row[0])).toEqual([
    'GET /maze/pos/:y/:x, requests/s (model CPU per request)',
    'POST /episodes/:id/moves, one move a request, requests/s (model CPU per request)',
    'agent run (astar, 80 × 20), spawn → exit (agent CPU)',
    'the same run with nothing listening on the OTLP endpoint',
    'agent spawn → first request, warm compile cache: `pnpm agent`, the image (agent CPU)',
    'agent spawn → first request, empty compile cache: a first start',
    '`pnpm agent` → first request (pnpm, its launcher, the agent)',
    'model spawn → ready on 80 × 20, warm compile cache: `pnpm model`, the image (model CPU)',
    'model spawn → ready on 80 × 20, empty compile cache: a first start',
  ])
  for (const row of telemetry.slice(0, 2)) {
    expect(row.slice(1, 3)).toEqual([expect.stringMatching(/^[\d,]+ \(\d+ µs\)$/), expect.stringMatching(/^[\d,]+ \(\d+ µs\)$/)])
    expect(row[3]).toMatch(/^\d+%$/)
  }
  for (const row of telemetry.slice(2)) expect(row[2]).toMatch(/^\d+\.\d\d s( \(\d+\.\d\d s\))?$/)

  const goals = table(report, '## Goals')
  expect(goals.map((row) => [row[1], row[3]])).toEqual([
    ['≥ 85%', expect.stringMatching(/^(met|\*\*missed\*\*)$/)],
    ['≥ 85%', expect.stringMatching(/^(met|\*\*missed\*\*)$/)],
    ['≤ 0.20 s', expect.stringMatching(/^(met|\*\*missed\*\*)$/)],
    ...Array.from({ length: 3 }, () => [expect.stringMatching(/^≤ 0\.[35]0 s$/), expect.stringMatching(/^(met|\*\*missed\*\*)$/)]),
    ['≤ 5 s', '–'],
    ['≤ 300 MB', '–'],
  ])
}

/** Every part's block is in the README, between its markers, as printed. */
function expectReadmeBlocks(written: string, report: string): void {
  // Every part's block is in the README copy, between its markers, as printed.
  for (const id of ['goals', 'generation', 'telemetry', 'pos', 'episodes']) {
    const block = written.slice(written.indexOf(`<!-- bench:${id} -->`), written.indexOf(`<!-- /bench:${id} -->`))
    expect(block).toContain('Measured by `pnpm bench --sizes 3x1,5x4,20000x20000')
    expect(block).not.toContain('--write-readme')
    expect(report).toContain(block.slice(block.indexOf('Measured by')).trim())
  }
}
