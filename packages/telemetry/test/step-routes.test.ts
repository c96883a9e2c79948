import { describe, expect, test } from 'vitest'
import { type ConfigProblems, read } from '@maze-sim/config'
import { isStepPath, isStepRoute, STEP_SPANS_OPTION, stepSpanRatio } from '../src/step-routes.ts'

describe('step routes', () => {
  test('request paths of the per-step routes, behind any prefix', () => {
    for (const path of ['/maze/pos/0/0', '/maze/pos/19/79', '/episodes/Ab-9_x/moves', '/model/maze/pos/1/2'])
      expect(isStepPath(path), path).toBe(true)
    for (const path of ['/maze/pos/1', '/maze/pos/1/2/3', '/maze/size', '/episodes', '/episodes/x', '/episodes/x/moves/1', undefined, 3]) {
      expect(isStepPath(path), String(path)).toBe(false)
    }
  })

  test('route patterns', () => {
    expect(isStepRoute('/maze/pos/:y/:x')).toBe(true)
    expect(isStepRoute('/episodes/:id/moves')).toBe(true)
    expect(isStepRoute('/episodes/:id')).toBe(false)
    expect(isStepRoute(undefined)).toBe(false)
  })

  test('MAZE_TELEMETRY_STEP_SPANS: a fraction, none by default; true is 1; a bad value is reported and means none', () => {
    expect(stepSpanRatio({})).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '' })).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '0' })).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '0.01' })).toBe(0.01)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '1' })).toBe(1)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: 'true' })).toBe(1)
    const problems: string[] = []
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '2' }, problems)).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: 'lots' }, problems)).toBe(0)
    const allowed = 'expected a fraction from 0 to 1, in digits (0, 0.25, 1), or true (= 1)'
    expect(problems).toEqual([
      `MAZE_TELEMETRY_STEP_SPANS="2" is not allowed: ${allowed}; no step spans`,
      `MAZE_TELEMETRY_STEP_SPANS="lots" is not allowed: ${allowed}; no step spans`,
    ])
  })

  // Number(raw.trim()) read all of these as a ratio; @maze-sim/config's fraction refuses them, as
  // every program refuses such a number.
  test.each([
    [' 0.5', 'MAZE_TELEMETRY_STEP_SPANS=" 0.5" has spaces around it'],
    ['+0.5', 'MAZE_TELEMETRY_STEP_SPANS="+0.5" is not allowed'],
    ['1e-1', 'MAZE_TELEMETRY_STEP_SPANS="1e-1" is not allowed'],
    ['0x1', 'MAZE_TELEMETRY_STEP_SPANS="0x1" is not allowed'],
    ['.5', 'MAZE_TELEMETRY_STEP_SPANS=".5" is not allowed'],
    [' ', 'MAZE_TELEMETRY_STEP_SPANS=" " is blank'],
    ['TRUE', 'MAZE_TELEMETRY_STEP_SPANS="TRUE" is not allowed'],
  ])('MAZE_TELEMETRY_STEP_SPANS=%j is refused by the config reader: no step spans, and said why', (raw, start) => {
    const problems: string[] = []
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: raw }, problems)).toBe(0)
    expect(problems).toEqual([expect.stringMatching(/; no step spans$/)])
    expect(problems[0]).toContain(start)
    let said = ''
    try {
      read({ ratio: STEP_SPANS_OPTION }, { env: { MAZE_TELEMETRY_STEP_SPANS: raw } })
    } catch (err) {
      said = (err as ConfigProblems).problems.join('; ')
    }
    expect(problems[0]).toBe(`${said}; no step spans`)
  })

  test('the variable is read by the shared fraction option (its allowed text, plus true)', () => {
    expect(STEP_SPANS_OPTION.kind).toBe('fraction')
    expect(STEP_SPANS_OPTION.env).toBe('MAZE_TELEMETRY_STEP_SPANS')
  })
})
