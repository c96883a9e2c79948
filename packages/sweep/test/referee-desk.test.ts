// The HTTP sweep's bookkeeping: agent lines and referee lines of the same runs, in either order,
// give the referee's results; a run without a record of its end is played once more, then failed.
import type { RefereeLine } from '@maze-sim/agent/referee'
import type { ParsedAgentResult } from '@maze-sim/agent/result'
import { describe, expect, test } from 'vitest'
import type { Slice } from '../src/http-slices.ts'
import { RefereeDesk, UNREFEREED, type Verdict } from '../src/referee-desk.ts'

const SPEC = './team/wall-follower.ts'
const names = new Map([
  ['astar', 'astar'],
  [SPEC, 'wall-follower'],
])
const slice: Slice = { strategies: ['astar', SPEC], seeds: [7, 8], width: 30, height: 10 }
const OPENED = Date.parse('2030-01-01T00:00:00.000Z')

const record = (over: Partial<RefereeLine> & { agent: string; seed: number }): RefereeLine => ({
  id: `ep-${over.agent}-${over.seed}`,
  width: 30,
  height: 10,
  status: 'solved',
  steps: 120,
  keyStep: 60,
  bumps: 0,
  maxSteps: 7000,
  optimalSteps: 100,
  startedAt: new Date(OPENED + 10).toISOString(),
  endedAt: new Date(OPENED + 50).toISOString(),
  elapsedMs: 40,
  ...over,
})
const line = (over: Partial<ParsedAgentResult> & { strategy: string; seed: number }): ParsedAgentResult =>
  ({
    width: 30,
    height: 10,
    solved: true,
    steps: 120,
    keyStep: 60,
    requests: 130,
    elapsedMs: 45,
    optimalSteps: 100,
    ...over,
  }) as ParsedAgentResult

const results = (verdicts: readonly (Verdict | null)[]) => verdicts.flatMap((v) => (v?.kind === 'result' ? [v.result] : []))

function openDesk(): RefereeDesk {
  const desk = new RefereeDesk(names)
  desk.open(0, slice, 0, OPENED)
  return desk
}

describe('RefereeDesk', () => {
  test("agent line then referee line, or the other way round: one result, the referee's figures, the agent's requests", () => {
    const desk = openDesk()
    expect(desk.agentLine(0, line({ strategy: 'astar', seed: 7 }))).toBeNull()
    const first = desk.referee(0, record({ agent: 'maze-agent:astar', seed: 7 }))
    expect(first).toMatchObject({ kind: 'result', disagreement: null, unrefereed: false })
    expect(desk.referee(0, record({ agent: 'maze-agent:wall-follower', seed: 8, status: 'unsolved', steps: 7000 }))).toBeNull()
    const second = desk.agentLine(0, line({ strategy: 'wall-follower', seed: 8, solved: false, steps: 7000 }))
    expect(results([first, second])).toEqual([
      {
        strategy: 'astar',
        width: 30,
        height: 10,
        seed: 7,
        solved: true,
        steps: 120,
        keyStep: 60,
        requests: 130,
        elapsedMs: 40,
        optimalSteps: 100,
      },
      {
        strategy: 'wall-follower',
        width: 30,
        height: 10,
        seed: 8,
        solved: false,
        steps: 7000,
        keyStep: 60,
        requests: 130,
        elapsedMs: 40,
        optimalSteps: 100,
      },
    ])
    expect(desk.openRuns(0)).toBe(2)
  })

  test('a disagreement is reported, and the referee wins', () => {
    const desk = openDesk()
    desk.agentLine(0, line({ strategy: 'astar', seed: 7, steps: 118 }))
    const verdict = desk.referee(0, record({ agent: 'maze-agent:astar', seed: 7 }))
    expect(verdict).toMatchObject({ kind: 'result', result: { steps: 120 }, disagreement: { fields: ['steps: agent 118, referee 120'] } })
  })

  test('an agent that died: its runs are played again once, then written as failed', () => {
    const desk = openDesk()
    desk.referee(0, record({ agent: 'maze-agent:astar', seed: 7 }))
    const verdicts = desk.settle(0, false)
    // The run the referee saw end is a result (without the agent's requests); the others are played again.
    expect(results(verdicts)).toMatchObject([{ strategy: 'astar', seed: 7, solved: true, requests: 0 }])
    const replays = verdicts.filter((v) => v.kind === 'replay')
    expect(replays.map((v) => v.kind === 'replay' && `${v.run.strategy}/${v.run.seed}`)).toEqual([`${SPEC}/7`, 'astar/8', `${SPEC}/8`])

    desk.open(1, { ...slice, seeds: [8] }, 1, OPENED + 1000)
    desk.agentLine(
      1,
      line({ strategy: 'astar', seed: 8, solved: false, width: null, height: null, error: 'AGENT_ERR_MODEL_UNREACHABLE' } as never),
    )
    const second = desk.settle(1, false)
    expect(second.every((v) => v.kind === 'result' && v.unrefereed)).toBe(true)
    expect(results(second).map((r) => [r.strategy, r.seed, r.error])).toEqual([
      ['astar', 8, 'AGENT_ERR_MODEL_UNREACHABLE'],
      ['wall-follower', 8, UNREFEREED],
    ])
  })

  test('interrupted: runs without a result are left for the rerun', () => {
    const desk = openDesk()
    desk.agentLine(0, line({ strategy: 'astar', seed: 7 }))
    expect(desk.awaitingReferee(0)).toBe(1)
    expect(desk.settle(0, true)).toEqual([])
  })

  test('a strategy that gave up or failed: the abandoned record and the agent line make a result, the error kept', () => {
    const desk = openDesk()
    desk.referee(0, record({ agent: 'maze-agent:astar', seed: 7, status: 'abandoned', steps: 33, keyStep: null }))
    desk.agentLine(
      0,
      line({
        strategy: 'astar',
        seed: 7,
        solved: false,
        steps: 33,
        keyStep: null,
        error: 'AGENT_ERR_ILLEGAL_MOVE',
        message: 'a wall',
      } as never),
    )
    expect(desk.awaitingReferee(0)).toBe(0)
    const [verdict] = desk.settle(0, false)
    expect(verdict).toMatchObject({
      kind: 'result',
      result: { strategy: 'astar', seed: 7, solved: false, steps: 33, error: 'AGENT_ERR_ILLEGAL_MOVE', message: 'a wall' },
    })
  })

  test("a record of an earlier try (started before the slice's agent) or of another model is not this run's", () => {
    const desk = openDesk()
    expect(desk.referee(0, record({ agent: 'maze-agent:astar', seed: 7, startedAt: new Date(OPENED - 1).toISOString() }))).toBeNull()
    expect(desk.referee(1, record({ agent: 'maze-agent:astar', seed: 7 }))).toBeNull()
    expect(desk.referee(0, record({ agent: 'maze-agent:astar', seed: 99 }))).toBeNull()
    expect(desk.stray).toBe(3)
  })
})
