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
      generate: true,
      http: true,
    })
  })

  test('every option', () => {
    const argv = ['--sizes', '3x1, 40x20', '--duration', '0.5', '--warmup', '0', '--connections', '4', '--viewers', '0', '--skip-generate', '--skip-http', '-h']
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
      generate: false,
      http: false,
    })
  })

  test.each([
    [['--sizes', '80by20'], '--sizes wants WIDTHxHEIGHT pairs separated by commas, got "80by20"'],
    [['--sizes', '80x20,'], '--sizes wants WIDTHxHEIGHT pairs'],
    [['--duration', '0'], '--duration and --connections must be positive numbers'],
    [['--duration', 'long'], '--duration and --connections must be positive numbers'],
    [['--connections=-1'], '--duration and --connections must be positive numbers'],
    [['--viewers', '1.5'], '--viewers a whole number'],
    [['--viewers=-1'], '--viewers a whole number'],
    [['--warmup', 'soon'], '--warmup must be a number of seconds'],
    [['--warmup=-1'], '--warmup must be a number of seconds'],
    [['--turbo'], "Unknown option '--turbo' (see --help)"],
    [['--duration'], '(see --help)'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError)
    expect(() => parseBenchArgs(argv)).toThrow(message)
  })

  test('the help names every option', () => {
    for (const option of ['--sizes', '--duration', '--warmup', '--connections', '--viewers', '--skip-generate', '--skip-http']) {
      expect(HELP).toContain(option)
    }
  })
})
