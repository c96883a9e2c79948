import { MIN_AREA, SIZE_RULE } from '@maze-sim/maze'
import { ExitCode, exitCodeOf, AgentError, AgentErrorCode } from '@maze-sim/agent'
import { describe, expect, test } from 'vitest'
import { readSimConfig, SimConfigError, USAGE } from '../src/config.ts'

describe('readSimConfig: the one size rule of @maze-sim/maze', () => {
  test.each([
    [1, 1],
    [1, 2],
    [2, 1],
  ])('%ix%i is refused', (width, height) => {
    expect(() => readSimConfig(['--width', String(width), '--height', String(height)], {})).toThrow(SimConfigError)
    expect(() => readSimConfig([], { MAZE_WIDTH: String(width), MAZE_HEIGHT: String(height) })).toThrow(`at least ${MIN_AREA} cells`)
  })

  test('1x3 and 3x1 are mazes', () => {
    expect(readSimConfig(['--width', '1', '--height', '3'], {})).toMatchObject({ width: 1, height: 3 })
    expect(readSimConfig(['--width', '3', '--height', '1'], {})).toMatchObject({ width: 3, height: 1 })
  })

  test('--help states the rule and the agent’s exit codes', () => {
    expect(USAGE).toContain(SIZE_RULE)
    expect(USAGE).toMatch(/4 strategy bug/)
  })
})

describe('npm start exits as the agent does (one table)', () => {
  test('a strategy bug is 4, the model’s fault 3', () => {
    expect(exitCodeOf(new AgentError(AgentErrorCode.IllegalMove, 'x'))).toBe(ExitCode.StrategyFailed)
    expect(ExitCode.StrategyFailed).toBe(4)
    expect(exitCodeOf(new AgentError(AgentErrorCode.BadResponse, 'x'))).toBe(3)
  })
})
