import { describe, expect, expectTypeOf, test } from 'vitest'
import {
  boolean,
  ConfigProblems,
  decimal,
  duration,
  extend,
  help,
  helpFlag,
  helpRows,
  integer,
  joinNegativeNumbers,
  list,
  oneOf,
  read,
  readDetailed,
  repeated,
  size,
  string,
  url,
  type Size,
} from '../src/index.ts'

const TABLE = {
  width: integer({ env: 'W', flag: 'width', short: 'w', min: 1, max: 100, default: 80, description: 'width' }),
  seed: integer({ env: 'SEED', flag: 'seed', min: 0, max: 9, default: null, defaultText: '(random)', description: 'seed' }),
  limit: integer({ env: 'LIMIT', min: 1, max: 5, description: 'no default' }),
  wait: duration({ env: 'WAIT_MS', flag: 'wait-ms', min: 0, max: 1000, default: 10, description: 'wait' }),
  ratio: decimal({ flag: 'ratio', above: 0, max: 10, default: 1, description: 'ratio' }),
  name: string({ env: 'NAME', flag: 'name', default: 'x', description: 'name' }),
  level: oneOf(['low', 'high'], { env: 'LEVEL', default: 'low', description: 'level' }),
  verbose: boolean({ env: 'VERBOSE', flag: 'verbose', short: 'v', description: 'verbose' }),
  timings: boolean({ flag: 'timings', negatable: true, default: true, description: 'timings' }),
  url: url({ env: 'URL', default: 'http://a:1', description: 'url' }),
  size: size({ flag: 'size', default: { width: 80, height: 20 }, description: 'size' }),
  tags: list({ env: 'TAGS', flag: 'tags', default: [], description: 'tags' }),
  sizes: list({ flag: 'sizes', of: size({ flag: 'unused', description: '' }), description: 'sizes' }),
  from: repeated({ flag: 'from', description: 'files' }),
  help: helpFlag(),
} as const

/** The problems `read` reports, or a failure if it does not throw. */
function problemsOf(env: Record<string, string>, argv: string[] = []): readonly string[] {
  try {
    read(TABLE, { env, argv })
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigProblems)
    expect(err).toMatchObject({ code: 'CONFIG_ERR_INVALID' })
    return (err as ConfigProblems).problems
  }
  throw new Error(`expected ${JSON.stringify(env)} ${JSON.stringify(argv)} to be refused`)
}

describe('read: defaults, variables and flags', () => {
  test('defaults, typed from the table', () => {
    const values = read(TABLE, {})
    expect(values).toEqual({
      width: 80,
      seed: null,
      limit: undefined,
      wait: 10,
      ratio: 1,
      name: 'x',
      level: 'low',
      verbose: false,
      timings: true,
      url: 'http://a:1',
      size: { width: 80, height: 20 },
      tags: [],
      sizes: undefined,
      from: [],
      help: false,
    })
    expectTypeOf(values.width).toEqualTypeOf<number>()
    expectTypeOf(values.seed).toEqualTypeOf<number | null>()
    expectTypeOf(values.limit).toEqualTypeOf<number | undefined>()
    expectTypeOf(values.level).toEqualTypeOf<'low' | 'high'>()
    expectTypeOf(values.verbose).toEqualTypeOf<boolean>()
    expectTypeOf(values.size).toEqualTypeOf<Size>()
    expectTypeOf(values.sizes).toEqualTypeOf<Size[] | undefined>()
    expectTypeOf(values.from).toEqualTypeOf<string[]>()
  })

  test('every kind from the environment', () => {
    const env = {
      W: '7',
      SEED: '0',
      LIMIT: '5',
      WAIT_MS: '1000',
      NAME: 'a b',
      LEVEL: 'high',
      VERBOSE: '1',
      URL: 'https://h:2/x/',
      TAGS: 'a, b ,c',
    }
    expect(read(TABLE, { env })).toMatchObject({
      width: 7,
      seed: 0,
      limit: 5,
      wait: 1000,
      name: 'a b',
      level: 'high',
      verbose: true,
      url: 'https://h:2/x',
      tags: ['a', 'b', 'c'],
    })
    for (const [raw, value] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const)
      expect(read(TABLE, { env: { VERBOSE: raw } }).verbose).toBe(value)
  })

  test('every kind from flags, with short aliases, --no- and repeated flags', () => {
    const argv = [
      '-w',
      '9',
      '--seed=3',
      '--wait-ms',
      '0',
      '--ratio',
      '0.5',
      '--name',
      'n',
      '-v',
      '--no-timings',
      '--size',
      '3x1',
      '--tags',
      'x',
      '--sizes',
      '1x3, 2x2',
      '--from',
      'a',
      '--from',
      '-',
    ]
    expect(read(TABLE, { argv })).toMatchObject({
      width: 9,
      seed: 3,
      wait: 0,
      ratio: 0.5,
      name: 'n',
      verbose: true,
      timings: false,
      size: { width: 3, height: 1 },
      tags: ['x'],
      sizes: [
        { width: 1, height: 3 },
        { width: 2, height: 2 },
      ],
      from: ['a', '-'],
    })
  })
})

describe('read: precedence and refusals', () => {
  test('the flag wins over the variable, whatever the variable holds; sources say where each value came from', () => {
    const reading = readDetailed(TABLE, { env: { W: 'bad', SEED: '4', NAME: '' }, argv: ['--width', '5'] })
    expect(reading.values).toMatchObject({ width: 5, seed: 4, name: 'x' })
    expect(reading.sources).toEqual({ width: '--width', seed: 'SEED' })
  })

  test('an empty variable counts as unset; a blank one is refused', () => {
    expect(read(TABLE, { env: { W: '', NAME: '', VERBOSE: '' } })).toMatchObject({ width: 80, name: 'x', verbose: false })
    expect(problemsOf({ NAME: ' ' })).toEqual(['NAME=" " is blank: expected any text (an empty variable counts as unset)'])
    expect(problemsOf({}, ['--name', '\t'])).toEqual(['--name="\\t" is blank: expected any text (leave the flag out for the default)'])
  })

  test.each([
    [{ W: ' 80' }, 'W=" 80" has spaces around it: expected an integer from 1 to 100'],
    [{ NAME: 'x ' }, 'NAME="x " has spaces around it: expected any text'],
    [{ W: '+5' }, 'W="+5" is not allowed: expected an integer from 1 to 100'],
    [{ W: '-5' }, 'W="-5" is not allowed: expected an integer from 1 to 100'],
    [{ W: '8e1' }, 'W="8e1" is not allowed'],
    [{ W: '0x50' }, 'W="0x50" is not allowed'],
    [{ W: '80.0' }, 'W="80.0" is not allowed'],
    [{ W: '101' }, 'W="101" is not allowed'],
    [{ W: '0' }, 'W="0" is not allowed'],
    [{ SEED: '99999999999999999999' }, 'SEED="99999999999999999999" is not allowed: expected an integer from 0 to 9'],
    [{ WAIT_MS: '30s' }, 'WAIT_MS="30s" is not allowed: expected a time in milliseconds, an integer from 0 to 1000'],
    [{ LEVEL: 'LOW' }, 'LEVEL="LOW" is not allowed: expected one of low, high'],
    [{ VERBOSE: 'yes' }, 'VERBOSE="yes" is not allowed: expected true, false, 1 or 0'],
    [{ URL: 'h:2' }, 'URL="h:2" is not allowed: expected an http:// or https:// URL without query, fragment or credentials'],
    [{ URL: 'ftp://h' }, 'URL="ftp://h" is not allowed'],
    [{ URL: 'http://u:p@h' }, 'URL="http://u:p@h" is not allowed'],
    [{ URL: 'http://h/?q=1' }, 'URL="http://h/?q=1" is not allowed'],
    [{ TAGS: 'a,,b' }, 'TAGS="a,,b" is not allowed: expected a comma-separated list, each item any text'],
  ])('%j: %s', (env, message) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(message)])
  })

  test.each([
    [['--ratio', '0'], '--ratio="0" is not allowed: expected a number greater than 0 and at most 10'],
    [['--ratio', '.5'], '--ratio=".5" is not allowed'],
    [['--ratio', '1e1'], '--ratio="1e1" is not allowed'],
    [['--size', '1x1'], '--size="1x1" is not allowed: width x height must be at least 3 cells'],
    [['--size', '80'], '--size="80" is not allowed'],
    [['--sizes', '3x1,1x1'], '--sizes="3x1,1x1" is not allowed: width x height must be at least 3 cells'],
  ])('%j: %s', (argv, message) => {
    expect(problemsOf({}, argv)).toEqual([expect.stringContaining(message)])
  })

  test('a negative number after a flag is its value, refused with the flag’s own message (not "argument is ambiguous")', () => {
    expect(problemsOf({}, ['--width', '-3'])).toEqual(['--width="-3" is not allowed: expected an integer from 1 to 100'])
    expect(problemsOf({}, ['-w', '-3'])).toEqual(['--width="-3" is not allowed: expected an integer from 1 to 100'])
    expect(
      joinNegativeNumbers(['--seed', '-5', '-v', '--', '--seed', '-5'], {
        seed: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
      }),
    ).toEqual(['--seed=-5', '-v', '--', '--seed', '-5'])
  })

  test('every problem is reported at once, in the table’s order, each naming its variable or flag', () => {
    const problems = problemsOf({ LIMIT: '9', W: 'x', LEVEL: 'mid' }, ['--seed', 'y', '--ratio', 'z'])
    expect(problems.map((p) => p.split('=')[0])).toEqual(['W', '--seed', 'LIMIT', '--ratio', 'LEVEL'])
    try {
      read(TABLE, { env: { W: 'x', LEVEL: 'mid' } })
    } catch (err) {
      expect((err as Error).message).toBe((err as ConfigProblems).problems.join('\n'))
    }
  })

  test('the command line itself: an unknown flag, a missing value, a stray argument, a --no- of a plain switch', () => {
    for (const [argv, message] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--width'], "Option '-w, --width <value>' argument missing"],
      [['extra'], "Unexpected argument 'extra'"],
      [['--no-verbose'], "Unknown option '--no-verbose'"],
      [['--name', '-x'], "Option '--name' argument is ambiguous"],
    ] as const) {
      let error: unknown
      try {
        read(TABLE, { argv: [...argv] })
      } catch (err) {
        error = err
      }
      expect(error, argv.join(' ')).toMatchObject({ commandLine: true, problems: [expect.stringContaining(message)] })
      expect((error as ConfigProblems).problems[0]).not.toContain('\n')
    }
  })
})

describe('read: positionals, --help, rules over several options, extend', () => {
  test('positionals when allowed', () => {
    expect(readDetailed(TABLE, { argv: ['a', '-v', 'b'], positionals: true })).toMatchObject({
      positionals: ['a', 'b'],
      values: { verbose: true },
    })
  })

  test('--help: nothing is refused, what can be read is read', () => {
    const reading = readDetailed(TABLE, { env: { W: 'bad', SEED: '4' }, argv: ['--ratio', 'x', '-v', '-h'] })
    expect(reading.help).toBe(true)
    expect(reading.values).toMatchObject({ width: 80, seed: 4, ratio: 1, verbose: true, help: true })
  })

  test('rules over several options, checked when each of them was read; defaults are named as such', () => {
    const table = {
      width: integer({ env: 'W', flag: 'width', min: 1, max: 10, default: 2, description: 'w' }),
      height: integer({ env: 'H', min: 1, max: 10, default: 1, description: 'h' }),
    }
    const rules = [
      {
        keys: ['width', 'height'] as const,
        problem: ({ width, height }: { width: number; height: number }) => (width * height < 3 ? 'too small' : null),
      },
    ]
    expect(() => read(table, { argv: ['--width', '1'] }, rules)).toThrow(
      '--width=1 and H=1 (the default) are not allowed together: too small',
    )
    expect(() => read(table, { env: { W: '0', H: 'x' } }, rules)).toThrow(
      expect.objectContaining({ problems: [expect.stringMatching(/^W=/), expect.stringMatching(/^H=/)] }),
    )
    expect(read(table, { env: { H: '2' } }, rules)).toEqual({ width: 2, height: 2 })
  })

  test('check: a further rule, refused with the allowed text', () => {
    const table = { chart: string({ flag: 'chart', check: (v) => v.endsWith('.svg'), allowed: 'a file ending in .svg', description: 'c' }) }
    expect(() => read(table, { argv: ['--chart', 'a.png'] })).toThrow('--chart="a.png" is not allowed: expected a file ending in .svg')
  })

  test('extend: one program’s option in another, with a flag of its own', () => {
    const width = extend(TABLE.limit, { flag: 'limit', description: 'same rule' })
    expect(read({ width }, { argv: ['--limit', '2'] })).toEqual({ width: 2 })
    expect(read({ width }, { env: { LIMIT: '3' } })).toEqual({ width: 3 })
  })

  test('an option needs a variable or a flag', () => {
    expect(() => integer({ min: 0, max: 1, description: 'nowhere' })).toThrow(TypeError)
  })
})

describe('help', () => {
  test('a row per option: flag, variable, description, default, allowed', () => {
    const rows = helpRows(TABLE)
    expect(rows[0]).toEqual({ flag: '-w, --width <n>', env: 'W', description: 'width', default: '80', allowed: 'an integer from 1 to 100' })
    expect(rows.find((r) => r.description === 'seed')).toMatchObject({ default: '(random)' })
    expect(rows.find((r) => r.description === 'verbose')).toMatchObject({
      flag: '-v, --verbose',
      env: 'VERBOSE',
      default: 'false',
      allowed: 'true, false, 1 or 0',
    })
    expect(rows.find((r) => r.description === 'timings')).toMatchObject({ flag: '--no-timings', default: null, allowed: null })
    expect(rows.find((r) => r.description === 'level')).toMatchObject({ flag: null, env: 'LEVEL', allowed: 'one of low, high' })
    expect(rows.find((r) => r.description === 'size')).toMatchObject({ flag: '--size <WxH>', default: '80x20' })
  })

  test('renders aligned columns, leaving out a column nobody uses', () => {
    const text = help({
      port: integer({ env: 'PORT', flag: 'port', min: 0, max: 9, default: 5, description: 'the port' }),
      quiet: boolean({ flag: 'quiet', short: 'q', description: 'be quiet' }),
    })
    expect(text).toBe(
      [
        '  --port <n>   PORT  the port',
        '                     default: 5; allowed: an integer from 0 to 9',
        '  -q, --quiet        be quiet',
        '',
      ].join('\n'),
    )
    expect(help({ a: integer({ env: 'A', min: 0, max: 1, description: 'a' }) })).toBe('  A  a\n     allowed: an integer from 0 to 1\n')
    expect(help({ a: boolean({ flag: 'a', description: 'a' }) })).toBe('  --a  a\n')
  })
})
