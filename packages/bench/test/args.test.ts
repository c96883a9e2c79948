import { describe, expect, test } from 'vitest'
import { BenchArgsError, HELP, parseBenchArgs } from '../src/args.ts'

describe('parseBenchArgs', () => {
  test('the defaults: four sizes, 10 s runs after a 2 s warm-up, 32 connections, 10 viewers, both benchmarks', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      sizes: [
        [80, 20],
        [1000, 1000],
        [3000, 3000],
        [10000, 10000],
      ],
      durationSeconds: 10,
      warmupSeconds: 2,
      connections: 32,
      viewers: 10,
      agents: 64,
      liveEpisodes: 1000,
      packingRuns: 100,
      generate: true,
      http: true,
      episodes: true,
      packing: true,
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
      connections: 4,
      viewers: 0,
      agents: 8,
      liveEpisodes: 20,
      packingRuns: 4,
      generate: false,
      http: false,
      episodes: false,
      packing: false,
    })
  })

  // The rules of @maze-sim/config: each problem names the flag, the value and what is allowed.
  test.each([
    [['--sizes', '80by20'], '--sizes="80by20" is not allowed: expected a comma-separated list, each item WIDTHxHEIGHT such as 80x20'],
    [['--sizes', '80x20,'], '--sizes="80x20," is not allowed'],
    [['--sizes', '1x1'], '--sizes="1x1" is not allowed'],
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

  test('the help names every option', () => {
    for (const option of ['--sizes', '--duration', '--warmup', '--connections', '--viewers', '--skip-generate', '--skip-http']) {
      expect(HELP).toContain(option)
    }
  })
})
