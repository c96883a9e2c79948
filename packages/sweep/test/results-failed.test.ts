// The agent's failed runs print result lines too (`error`, `message`, null for what was unknown):
// a sweep counts them as failed runs, not as unreadable lines.
import { describe, expect, test } from 'vitest'
import { parseResultLines } from '../src/results.ts'

const base = {
  strategy: 'astar',
  width: 5,
  height: 4,
  seed: 7,
  solved: false,
  steps: 12,
  keyStep: null,
  requests: 15,
  elapsedMs: 40,
  optimalSteps: 9,
}

describe('parseResultLines with failed runs', () => {
  test('a failed run with its size is a result with its error and message, not solved', () => {
    const line = { ...base, error: 'AGENT_ERR_DECISION_TIMEOUT', message: 'too slow' }
    const read = parseResultLines(`${JSON.stringify(line)}\n`)
    expect(read.skipped).toBe(0)
    expect(read.results).toEqual([line])
  })

  test('a failed run that never knew its size is a run without a result, not a skipped line', () => {
    const line = {
      ...base,
      width: null,
      height: null,
      seed: null,
      optimalSteps: null,
      steps: 0,
      error: 'AGENT_ERR_MODEL_UNREACHABLE',
      message: 'no model',
    }
    const row = { jobId: 'j', arrayIndex: 2, status: 'FAILED', exitCode: 3, result: line }
    const read = parseResultLines(`${JSON.stringify(line)}\n${JSON.stringify(row)}\n`)
    expect(read.skipped).toBe(0)
    expect(read.results).toEqual([])
    expect(read.missing).toEqual([
      { arrayIndex: null, status: 'AGENT_ERR_MODEL_UNREACHABLE' },
      { arrayIndex: 2, status: 'FAILED' },
    ])
  })
})
