import { describe, expect, test } from 'vitest'
import { isStepPath, isStepRoute, stepSpanRatio } from '../src/step-routes.ts'

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

  test('MAZE_TELEMETRY_STEP_SPANS: a ratio, none by default; a bad value is reported and means none', () => {
    expect(stepSpanRatio({})).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: ' ' })).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '0.01' })).toBe(0.01)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '1' })).toBe(1)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: 'true' })).toBe(1)
    const problems: string[] = []
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: '2' }, problems)).toBe(0)
    expect(stepSpanRatio({ MAZE_TELEMETRY_STEP_SPANS: 'lots' }, problems)).toBe(0)
    expect(problems).toEqual([
      'MAZE_TELEMETRY_STEP_SPANS=2 is not a ratio in [0, 1]: no step spans',
      'MAZE_TELEMETRY_STEP_SPANS=lots is not a ratio in [0, 1]: no step spans',
    ])
  })
})
