// The option types every program shares for seeds, sizes and fractions: one grammar each, refused
// the same way whatever program reads them.
import { describe, expect, test } from 'vitest'
import { ConfigProblems, fraction, read, seedList, size, sizes } from '../src/index.ts'

const TABLE = {
  seeds: seedList({ env: 'SEEDS', flag: 'seeds', description: 'seeds' }),
  few: seedList({ flag: 'few', limit: 5, description: 'few seeds' }),
  again: seedList({ flag: 'again', repeats: true, description: 'seeds, a seed given again played again' }),
  size: size({ flag: 'size', description: 'size' }),
  sizes: sizes({ flag: 'sizes', description: 'sizes' }),
  anySizes: sizes({ flag: 'any-sizes', anySize: true, description: 'sizes measured, over the limit too' }),
  share: fraction({ env: 'SHARE', default: 0, description: 'a share' }),
} as const

const problemsOf = (env: Record<string, string>, argv: string[] = []): string[] => {
  try {
    read(TABLE, { env, argv })
    return []
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    return [...err.problems]
  }
}

describe('seedList: one grammar of seed lists', () => {
  test('single seeds and ranges, in the order written, as spans (not expanded)', () => {
    expect(read(TABLE, { argv: ['--seeds', '1-200'] }).seeds).toEqual([{ from: 1, to: 200 }])
    expect(read(TABLE, { env: { SEEDS: '9-12,1, 5' } }).seeds).toEqual([
      { from: 9, to: 12 },
      { from: 1, to: 1 },
      { from: 5, to: 5 },
    ])
    expect(read(TABLE, { argv: ['--seeds', '0-4294967295'] }).seeds).toEqual([{ from: 0, to: 4294967295 }])
  })

  test.each([
    [' 80', 'has spaces around it'],
    ['+5', '"+5" is not a seed or a range'],
    ['1 - 3', '"1 - 3" is not a seed or a range'],
    ['1,1,2', 'seed 1 is listed more than once'],
    ['1-5,3-9', 'seed 3 is listed more than once'],
    ['5-1', 'the range 5-1 runs backwards'],
    ['1,,2', 'an empty item'],
    ['4294967296', 'seeds go from 0 to 4294967295'],
    ['0x1', '"0x1" is not a seed or a range'],
  ])('%j is refused, saying why and what the grammar is', (raw, reason) => {
    const [problem] = problemsOf({ SEEDS: raw })
    expect(problem).toContain(`SEEDS=${JSON.stringify(raw)}`)
    expect(problem).toContain(reason)
    expect(problem).toContain('e.g. 1-200 or 1,5,9-12')
  })

  test('repeats: a seed given again is played again (the same grammar otherwise), and the rule says so', () => {
    expect(read(TABLE, { argv: ['--again', '1,1,2-3,2'] }).again).toEqual([
      { from: 1, to: 1 },
      { from: 1, to: 1 },
      { from: 2, to: 3 },
      { from: 2, to: 2 },
    ])
    const [problem] = problemsOf({}, ['--again', '1 - 3'])
    expect(problem).toContain('a seed given again played again')
    expect(problemsOf({}, ['--seeds', '1,1'])).toEqual([expect.stringContaining('each seed at most once')])
  })

  test('limit: more seeds than allowed is refused without expanding them', () => {
    expect(problemsOf({}, ['--few', '1-6'])).toEqual([expect.stringContaining('more than 5 seeds')])
    expect(read(TABLE, { argv: ['--few', '1-5'] }).few).toEqual([{ from: 1, to: 5 }])
  })
})

describe('size and sizes: WIDTHxHEIGHT under the maze rule', () => {
  test('read', () => {
    expect(read(TABLE, { argv: ['--size', '80x20', '--sizes', '80x20, 3x1'] })).toMatchObject({
      size: { width: 80, height: 20 },
      sizes: [
        { width: 80, height: 20 },
        { width: 3, height: 1 },
      ],
    })
  })

  test.each([
    ['80 x 20', 'is not allowed'],
    ['80×20', 'is not allowed'],
    ['80X20', 'is not allowed'],
    ['+80x20', 'is not allowed'],
    ['1x1', 'width x height must be at least 3 cells'],
  ])('--size %j is refused', (raw, reason) => {
    expect(problemsOf({}, ['--size', raw])).toEqual([expect.stringContaining(reason)])
  })

  test('sizes: a size twice, or one in the wrong grammar, is refused', () => {
    expect(problemsOf({}, ['--sizes', '80x20,80x20'])).toEqual([expect.stringContaining('80x20 is listed twice')])
    expect(problemsOf({}, ['--sizes', '80x20,80 x 20'])).toEqual([expect.stringContaining('"80 x 20" is not a size')])
  })

  test('anySize: the grammar without the maze rule (a program that measures refusals)', () => {
    expect(read(TABLE, { argv: ['--any-sizes', '1x1,200000x200000'] }).anySizes).toEqual([
      { width: 1, height: 1 },
      { width: 200000, height: 200000 },
    ])
    expect(problemsOf({}, ['--any-sizes', '0x5'])).toEqual([expect.stringContaining('"0x5" is not a size')])
  })
})

describe('fraction: a share from 0 to 1 in digits', () => {
  test.each([
    ['0', 0],
    ['0.25', 0.25],
    ['1', 1],
  ])('%j is %d', (raw, value) => {
    expect(read(TABLE, { env: { SHARE: raw } }).share).toBe(value)
  })

  test.each([' 0.5', '+0.5', '1e-1', '0x1', '.5', '1.5', 'true', '-0'])('%j is refused', (raw) => {
    expect(problemsOf({ SHARE: raw })).toEqual([
      expect.stringMatching(/^SHARE=".*" (is not allowed|has spaces around it): expected a fraction from 0 to 1/),
    ])
  })
})
