import { describe, expect, test } from 'vitest'
import { AgentError, AgentErrorCode } from '../src/errors.ts'
import { ResultLedger } from '../src/result-ledger.ts'
import type { AgentResult } from '../src/result.ts'

const solved: AgentResult = {
  strategy: 's',
  width: 3,
  height: 2,
  seed: 1,
  solved: true,
  steps: 4,
  keyStep: 2,
  requests: 3,
  elapsedMs: 1,
  optimalSteps: 4,
}

function ledger(): { ledger: ResultLedger; lines: Record<string, unknown>[]; transport: { requests: number } } {
  const lines: Record<string, unknown>[] = []
  const l = new ResultLedger(performance.now(), (text) => lines.push(JSON.parse(text) as Record<string, unknown>))
  const transport = { requests: 0 }
  l.transport = transport
  l.strategy = 'random-dfs'
  return { ledger: l, lines, transport }
}

describe('ResultLedger: one line for the run in flight, once', () => {
  test('a failure before any run is the first run’s line; a second failure prints nothing', () => {
    const { ledger: l, lines } = ledger()
    l.expectSeed(7)
    l.fail(new AgentError(AgentErrorCode.StrategyLoad, 'nope'))
    l.fail(new AgentError(AgentErrorCode.Aborted, 'again'))
    expect(lines).toEqual([
      expect.objectContaining({
        strategy: 'random-dfs',
        seed: 7,
        width: null,
        steps: 0,
        error: 'AGENT_ERR_STRATEGY_LOAD',
        message: 'nope',
      }),
    ])
  })

  test('after a printed line with a run to follow, a failure is that run’s, with what it knew and its own requests', () => {
    const { ledger: l, lines, transport } = ledger()
    transport.requests = 3
    l.print(solved, true)
    transport.requests = 5
    l.started({
      strategy: 's',
      width: 9,
      height: 6,
      start: { x: 0, y: 0 },
      seed: 12,
      rngSeed: 12,
      maxSteps: 99,
      optimalSteps: 20,
      episodeId: 'e1',
    })
    l.step({
      from: { x: 0, y: 0 },
      direction: 1,
      to: { x: 1, y: 0 },
      steps: 1,
      observation: { x: 0, y: 0, here: 'S', open: [false, true, false, false], hasKey: false, steps: 0 },
    })
    expect(l.current.episodeId).toBe('e1')
    l.fail(new AgentError(AgentErrorCode.Aborted, 'stopped by SIGTERM'))
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({
      width: 9,
      height: 6,
      seed: 12,
      steps: 1,
      keyStep: null,
      requests: 2,
      optimalSteps: 20,
      error: 'AGENT_ERR_ABORTED',
    })
    expect(l.lines).toBe(2)
  })

  test('no run in flight (the last printed, or settled): nothing on the way out', () => {
    const { ledger: a, lines: la } = ledger()
    a.print(solved, false)
    a.fail(new Error('late'))
    expect(la).toHaveLength(1)
    const { ledger: b, lines: lb } = ledger()
    b.settle()
    b.fail(new Error('help'))
    expect(lb).toEqual([])
  })
})
