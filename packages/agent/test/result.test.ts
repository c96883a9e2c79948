// parseAgentResult: the one reader of the agent's result line (the sweep's result files and the
// Batch CLI's `results` use it), for a finished run's line and a failed run's.
import { describe, expect, test } from 'vitest'
import { AGENT_RESULT_KEYS, parseAgentResult, type AgentFailedResult, type AgentResult } from '../src/index.ts'

const solved: AgentResult = {
  strategy: 'astar',
  width: 24,
  height: 8,
  seed: 42,
  solved: true,
  steps: 201,
  keyStep: 75,
  requests: 206,
  elapsedMs: 77,
  optimalSteps: 147,
}
const failed: AgentFailedResult = {
  strategy: null,
  width: null,
  height: null,
  seed: null,
  solved: false,
  steps: 0,
  keyStep: null,
  requests: 0,
  elapsedMs: 3,
  optimalSteps: null,
  error: 'AGENT_ERR_CONFIG',
  message: 'AGENT_MAX_STEPS must be a positive integer',
}

describe('parseAgentResult', () => {
  test('reads a line of stdout or its parsed JSON, finished or failed, with the keys in the printed order', () => {
    for (const result of [solved, failed, { ...failed, strategy: 'astar', width: 5, height: 4, error: 'AGENT_ERR_DEADLINE' }]) {
      expect(parseAgentResult(` ${JSON.stringify(result)}\n`)).toEqual(result)
      expect(parseAgentResult(result)).toEqual(result)
    }
    const shuffled = Object.fromEntries(Object.entries(failed).reverse())
    expect(Object.keys(parseAgentResult(shuffled)!)).toEqual([...AGENT_RESULT_KEYS, 'error', 'message'])
  })

  test('tolerates what other tools write: unknown keys dropped, a failed line without message, solved false with an error', () => {
    expect(parseAgentResult({ ...solved, host: 'x' })).toEqual(solved)
    const { message: _message, ...codeOnly } = { ...failed, strategy: 'astar', width: 5, height: 4 }
    expect(parseAgentResult(codeOnly)).toEqual(codeOnly)
    expect(parseAgentResult({ ...solved, error: 'SWEEP_ERR_RUN_FAILED' })).toEqual({
      ...solved,
      solved: false,
      error: 'SWEEP_ERR_RUN_FAILED',
    })
  })

  test.each([
    ['not JSON', '{not json}'],
    ['truncated', JSON.stringify(solved).slice(0, -3)],
    ['another JSON line', '{"level":30,"msg":"maze ready"}'],
    ['an array', [solved]],
    ['a key missing', { ...solved, requests: undefined }],
    ['a null strategy without an error', { ...failed, error: undefined, message: undefined }],
    ['an unknown size without an error', { ...solved, width: null }],
    ['an empty strategy', { ...solved, strategy: '' }],
    ['a width of 0', { ...solved, width: 0 }],
    ['negative steps', { ...solved, steps: -1 }],
    ['fractional milliseconds', { ...solved, elapsedMs: 1.5 }],
    ['solved as a string', { ...solved, solved: 'true' }],
    ['a message without an error', { ...solved, message: 'hm' }],
    ['an error that is not a string', { ...failed, error: 3 }],
  ])('is null for %s', (_what, input) => {
    expect(parseAgentResult(typeof input === 'string' ? input : JSON.parse(JSON.stringify(input)))).toBeNull()
  })
})
