import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AGENT_RESULT_KEYS, parseAgentResult as parseResultLine } from '@maze-sim/agent'
import { afterAll, describe, expect, test } from 'vitest'
import { findResult, localLogFile, localSummaryFile, RESULT_KEYS, resultsFromDirectory, summarizeResults } from '../src/results.ts'

const result = {
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
const line = JSON.stringify(result)

describe("the agent's result line", () => {
  test('has the keys of the agent package (one schema)', () => {
    expect([...RESULT_KEYS]).toEqual([...AGENT_RESULT_KEYS])
  })

  test('is the last result-shaped line, even with stderr lines after it (CloudWatch and docker mix them)', () => {
    const log = ['maze-agent: strategy astar', '+-+-+', '|* *|', line, 'maze-agent: telemetry flushed', ''].join('\n')
    expect(findResult(log)).toEqual(result)
    expect(findResult('{"level":30,"msg":"maze ready"}\nno result')).toBeNull()
    expect(parseResultLine('{"strategy":"astar"}')).toBeNull()
    expect(parseResultLine('{not json}')).toBeNull()
  })

  const dir = mkdtempSync(join(tmpdir(), 'maze-batch-results-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('is read back from a run-local directory, from the last attempt', () => {
    writeFileSync(
      localSummaryFile(dir),
      [
        { jobId: 'j:0', arrayIndex: 0, status: 'SUCCEEDED', exitCode: 0, attempts: 2 },
        { jobId: 'j:1', arrayIndex: 1, status: 'FAILED', exitCode: 3, attempts: 1 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    for (const [index, attempt, text] of [
      [0, 1, 'crashed'],
      [0, 2, `map\n${line}\n`],
      [1, 1, 'maze-agent: model unreachable'],
    ] as const) {
      const file = localLogFile(dir, index, attempt, 'agent')
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, text)
    }
    const rows = resultsFromDirectory(dir)
    expect(rows.map((r) => [r.jobId, r.status, r.result?.steps ?? null])).toEqual([
      ['j:0', 'SUCCEEDED', 201],
      ['j:1', 'FAILED', null],
    ])
    expect(summarizeResults(rows)).toBe('2 runs: 1 succeeded, 1 not; 1 with a result, 1 solved (mean 201 steps)')
    expect(() => resultsFromDirectory(join(dir, 'nope'))).toThrow(/is not a directory/)
  })
})
