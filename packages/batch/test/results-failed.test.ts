// The agent prints a result line on every exit; a failed run's has `error` and `message`, and null
// for what it did not know yet. Batch reads it as a result (a failed run), not as a missing one.
import { describe, expect, test } from 'vitest'
import { parseAgentResult as parseResultLine, type AgentFailedResult } from '@maze-sim/agent'
import { findResult, summarizeResults, type ResultRow } from '../src/results.ts'

const failed: AgentFailedResult = {
  strategy: 'astar',
  width: null,
  height: null,
  seed: null,
  solved: false,
  steps: 0,
  keyStep: null,
  requests: 1,
  elapsedMs: 1000,
  optimalSteps: null,
  error: 'AGENT_ERR_MODEL_UNREACHABLE',
  message: 'no model',
}
const configFailed: AgentFailedResult = { ...failed, strategy: null, requests: 0, error: 'AGENT_ERR_CONFIG', message: 'bad' }

describe('failed runs’ result lines', () => {
  test('are results, with their error', () => {
    expect(parseResultLine(JSON.stringify(failed))).toEqual(failed)
    expect(parseResultLine(JSON.stringify(configFailed))).toEqual(configFailed)
    expect(findResult(`maze-agent: AGENT_ERR_MODEL_UNREACHABLE: no model\n${JSON.stringify(failed)}\n`)).toEqual(failed)
  })

  test('a null strategy without an error is still not a result', () => {
    expect(parseResultLine(JSON.stringify({ ...failed, error: undefined, message: undefined, strategy: null }))).toBeNull()
  })

  test('the summary counts them as failed', () => {
    const row = (result: ResultRow['result'], status: string): ResultRow => ({
      jobId: 'j',
      arrayIndex: null,
      status,
      exitCode: status === 'SUCCEEDED' ? 0 : 3,
      result,
    })
    const solved = { ...failed, width: 3, height: 3, solved: true, steps: 10, error: undefined, message: undefined }
    delete (solved as Record<string, unknown>).error
    delete (solved as Record<string, unknown>).message
    const summary = summarizeResults([row(failed, 'FAILED'), row(solved as ResultRow['result'], 'SUCCEEDED')])
    expect(summary).toBe('2 runs: 1 succeeded, 1 not; 2 with a result, 1 solved (mean 10 steps), 1 failed with an error')
  })
})
