import { describe, expect, test } from 'vitest'
import { ConfigProblems, read, SIZE_GRAMMAR } from '@maze-sim/config'
import { DEFAULT_SIZE } from '@maze-sim/maze'
import { BENCH_OPTIONS, BenchArgsError, HELP, parseBenchArgs } from '../src/args.ts'

describe('parseBenchArgs', () => {
  test('the defaults: four sizes, 10 s runs after a 2 s warm-up, 32 connections, 10 viewers, both benchmarks', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      sizes: [
        [80, 20],
        [1000, 1000],
        [3000, 3000],
        [10000, 10000],
        [20000, 20000],
      ],
      durationSeconds: 10,
      warmupSeconds: 2,
      port: 0,
      rounds: 3,
      repeat: 7,
      connections: 32,
      viewers: 10,
      agents: 64,
      liveEpisodes: 1000,
      packingRuns: 100,
      generate: true,
      telemetry: true,
      http: true,
      episodes: true,
      packing: true,
      readme: null,
    })
  })

  test('every option', () => {
    const argv = [
      '--sizes',
      '3x1, 40x20',
      '--duration',
      '0.5',
      '--warmup',
      '0',
      '--connections',
      '4',
      '--viewers',
      '0',
      '--skip-generate',
      '--skip-http',
      '--skip-episodes',
      '--agents',
      '8',
      '--live-episodes',
      '20',
      '--packing-runs',
      '4',
      '--skip-packing',
      '--skip-telemetry',
      '--port',
      '8123',
      '--rounds',
      '2',
      '--repeat',
      '3',
      '--write-readme',
      '--readme',
      '/tmp/R.md',
      '-h',
    ]
    expect(parseBenchArgs(argv)).toEqual({
      help: true,
      sizes: [
        [3, 1],
        [40, 20],
      ],
      durationSeconds: 0.5,
      warmupSeconds: 0,
      port: 8123,
      rounds: 2,
      repeat: 3,
      connections: 4,
      viewers: 0,
      agents: 8,
      liveEpisodes: 20,
      packingRuns: 4,
      generate: false,
      telemetry: false,
      http: false,
      episodes: false,
      packing: false,
      readme: '/tmp/R.md',
    })
  })
})

describe('parseBenchArgs: refused values', () => {
  // The rules of @maze-sim/config: each problem names the flag, the value and what is allowed.
  test.each([
    [
      ['--sizes', '80by20'],
      '--sizes="80by20" is not allowed: "80by20" is not a size; expected sizes separated by commas, each WIDTHxHEIGHT such as 80x20',
    ],
    [['--sizes', '80x20,'], '--sizes="80x20," is not allowed'],
    [['--sizes', '0x5'], '--sizes="0x5" is not allowed'],
    [['--port', '65536'], '--port="65536" is not allowed: expected an integer from 0 to 65535'],
    [['--rounds', '0'], '--rounds="0" is not allowed'],
    [['--duration', '0'], '--duration="0" is not allowed: expected a number greater than 0'],
    [['--duration', 'long'], '--duration="long" is not allowed'],
    [['--connections=-1'], '--connections="-1" is not allowed: expected an integer from 1 to 10000'],
    [['--connections', '-1'], '--connections="-1" is not allowed'],
    [['--connections', '1.5'], '--connections="1.5" is not allowed'],
    [['--viewers', '1.5'], '--viewers="1.5" is not allowed: expected an integer from 0 to 10000'],
    [['--viewers=-1'], '--viewers="-1" is not allowed'],
    [['--warmup', 'soon'], '--warmup="soon" is not allowed: expected a number from 0 to 86400'],
    [['--warmup=-1'], '--warmup="-1" is not allowed'],
    [['--turbo'], "Unknown option '--turbo' (see --help)"],
    [['--duration'], '(see --help)'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError)
    expect(() => parseBenchArgs(argv)).toThrow(message)
  })

  test('every problem at once', () => {
    expect(() => parseBenchArgs(['--duration', '0', '--viewers', 'x'])).toThrow(
      /^--duration="0" is not allowed: [^;]+; --viewers="x" is not allowed/,
    )
  })
})

describe('parseBenchArgs: the README and sizes', () => {
  test('--write-readme writes the repository README unless --readme names another', () => {
    expect(parseBenchArgs(['--write-readme']).readme).toMatch(/\/README\.md$/)
    expect(parseBenchArgs(['--readme', '/tmp/R.md']).readme).toBeNull()
  })

  test('sizes over the maze limit are read (the benchmark reports them refused)', () => {
    expect(parseBenchArgs(['--sizes', '20000x20000,1x1']).sizes).toEqual([
      [20000, 20000],
      [1, 1],
    ])
  })

  test('the help names every option', () => {
    for (const option of [
      '--sizes',
      '--duration',
      '--warmup',
      '--port',
      '--rounds',
      '--repeat',
      '--connections',
      '--viewers',
      '--skip-generate',
      '--skip-telemetry',
      '--skip-http',
      '--write-readme',
      '--readme',
    ]) {
      expect(HELP).toContain(option)
    }
  })
})

/** What @maze-sim/config says of `argv` read by the bench's own table, or null when it is read. */
function configSays(argv: string[]): string | null {
  try {
    read(BENCH_OPTIONS, { argv })
    return null
  } catch (err) {
    if (err instanceof ConfigProblems) return err.problems.join('; ')
    throw err
  }
}

describe('parseBenchArgs: refused the same way as every program (@maze-sim/config)', () => {
  test.each([
    [['--sizes', '80 x 20'], '--sizes="80 x 20" is not allowed: "80 x 20" is not a size; expected sizes separated by commas'],
    [['--sizes', ' 80x20'], '--sizes=" 80x20" has spaces around it: expected sizes separated by commas'],
    [['--sizes', '80X20'], '--sizes="80X20" is not allowed: "80X20" is not a size'],
    [['--sizes', '80x20,80x20'], '--sizes="80x20,80x20" is not allowed: 80x20 is listed twice'],
    [['--port', ' 80'], '--port=" 80" has spaces around it: expected an integer from 0 to 65535'],
    [['--port', '+5'], '--port="+5" is not allowed: expected an integer from 0 to 65535'],
    [['--rounds', '+5'], '--rounds="+5" is not allowed: expected an integer from 1 to 100'],
  ])('%j: %s', (argv, message) => {
    const said = configSays(argv)
    expect(said).toContain(message)
    expect(() => parseBenchArgs(argv)).toThrow(new BenchArgsError(said!))
  })

  test('--sizes is the shared sizes option in its anySize mode: the grammar of every program, any side of at least 1', () => {
    expect(BENCH_OPTIONS.sizes.kind).toBe('sizes')
    expect(BENCH_OPTIONS.sizes.allowed).toContain(`${SIZE_GRAMMAR}, each side at least 1`)
    expect(HELP).toContain(SIZE_GRAMMAR)
    // Over the maze's limit: read (the benchmark reports it refused), not refused here.
    expect(parseBenchArgs(['--sizes', '100000x100000']).sizes).toEqual([[100000, 100000]])
  })

  test("the first default size is the maze's DEFAULT_SIZE", () => {
    expect(parseBenchArgs([]).sizes[0]).toEqual([DEFAULT_SIZE.width, DEFAULT_SIZE.height])
  })
})
