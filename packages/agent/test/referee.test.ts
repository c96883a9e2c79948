// The referee's lines read back (parseRefereeLine) from a real model's stdout writer, and reconciled
// with the agent's own lines: the referee's figures win, disagreements are reported field by field,
// abandoned records and unrefereed agent lines are kept apart, the last record of a key wins.
import { type RunningModel, startModel } from '@maze-sim/model'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpTransport } from '../src/http-transport.ts'
import {
  agentLabel,
  describeDisagreement,
  parseRefereeLine,
  reconcile,
  strategyOfLabel,
  UNLABELLED,
  type RefereeLine,
} from '../src/referee.ts'
import { strategies } from '../src/registry.ts'
import type { AgentResult, ParsedAgentResult } from '../src/result.ts'
import { runAgent } from '../src/runner.ts'

let model: RunningModel
/** The model's referee lines, as its stdout writer gets them. */
const written: string[] = []
/** The model's pino log lines (its logger's destination). */
const logs: string[] = []
beforeAll(async () => {
  model = await startModel({
    width: 20,
    height: 10,
    seed: 3,
    logger: { level: 'info', stream: { write: (line: string) => void logs.push(line) } },
    episodes: { writeResult: (line) => void written.push(line) },
  })
  await model.ready
})
afterAll(() => model.close())

/** One refereed run of `seed` by astar: the agent's result, its episode id, and the model's line for it. */
async function playOne(seed: number): Promise<{ result: AgentResult; episodeId: string; line: string }> {
  const transport = createHttpTransport({ url: model.url })
  try {
    let episodeId: string | null = null
    const before = written.length
    const { result } = await runAgent({
      transport,
      strategy: strategies.astar,
      protocol: 'episodes',
      episode: { seed, width: 20, height: 10 },
      onStart: (info) => {
        episodeId = info.episodeId
      },
    })
    // The model writes the line as the episode ends, before it answers the record the run reads last.
    expect(written.length).toBe(before + 1)
    return { result, episodeId: episodeId!, line: written.at(-1)! }
  } finally {
    await transport.close()
  }
}

// Each plays an episode against the model: a bound for a loaded machine, not a measure.
describe('parseRefereeLine', { timeout: 30_000 }, () => {
  test('reads a real model line: the record of the ended episode, with the agent’s figures', async () => {
    const { result, episodeId, line } = await playOne(42)
    expect(line.endsWith('\n')).toBe(true)
    const record = parseRefereeLine(line)
    expect(record).toEqual({
      id: episodeId,
      seed: 42,
      width: 20,
      height: 10,
      agent: 'maze-agent:astar',
      status: 'solved',
      steps: result.steps,
      keyStep: result.keyStep,
      bumps: 0,
      maxSteps: expect.any(Number),
      optimalSteps: result.optimalSteps,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      endedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      elapsedMs: expect.any(Number),
    })
    // The JSON already parsed reads the same; unknown keys (x, y) are dropped.
    expect(parseRefereeLine(JSON.parse(line))).toEqual(record)
  })

  test('refuses the model’s pino log lines, an agent’s result line and a truncated line', async () => {
    const { result, line } = await playOne(43)
    expect(logs.length).toBeGreaterThan(0)
    for (const log of logs) expect(parseRefereeLine(log), log).toBeNull()
    // A log line carrying an episode's fields is still a log line.
    const { id, status, steps } = JSON.parse(line) as RefereeLine
    expect(parseRefereeLine(JSON.stringify({ level: 30, time: 1, msg: 'episode ended', id, status, steps }))).toBeNull()
    expect(parseRefereeLine(JSON.stringify(result))).toBeNull()
    expect(parseRefereeLine(result)).toBeNull()
    const text = line.trimEnd()
    for (const cut of [1, 10, text.length / 2, text.length - 1]) expect(parseRefereeLine(text.slice(0, cut))).toBeNull()
    // Cut and closed again: not JSON any more.
    expect(parseRefereeLine(`${text.slice(0, text.length / 2)}}`)).toBeNull()
  })

  test('refuses a record that is not an ended episode’s, or breaks the contract', async () => {
    const record = JSON.parse((await playOne(44)).line) as Record<string, unknown>
    const changed = (change: Record<string, unknown>): unknown => parseRefereeLine(JSON.stringify({ ...record, ...change }))
    expect(changed({})).not.toBeNull()
    expect(changed({ status: 'running' })).toBeNull()
    expect(changed({ steps: -1 })).toBeNull()
    expect(changed({ steps: 1.5 })).toBeNull()
    expect(changed({ agent: 7 })).toBeNull()
    // An episode created without a label (another team's client): a record all the same.
    expect(changed({ agent: null })).toMatchObject({ agent: UNLABELLED })
    expect(changed({ elapsedMs: undefined })).toBeNull() // GET /episodes/:id: the record without elapsedMs
    expect(changed({ seed: null, optimalSteps: null })).toMatchObject({ seed: null, optimalSteps: null })
    for (const value of [null, 'text', '', '[]', '{}', [], 42]) expect(parseRefereeLine(value)).toBeNull()
  })
})

describe('labels', () => {
  test('agentLabel: maze-agent:<strategy>, or the given label, within the contract (64 of A-Z a-z 0-9 . _ : @ / + -)', () => {
    expect(agentLabel('astar')).toBe('maze-agent:astar')
    expect(agentLabel('astar', 'team-7/run+1')).toBe('team-7/run+1')
    expect(agentLabel('my strategy (v2)')).toBe('maze-agent:my_strategy__v2_')
    expect(agentLabel('x'.repeat(100))).toHaveLength(64)
    expect(agentLabel('astar', '')).toBe('maze-agent')
  })

  test('strategyOfLabel: the label without our prefix; another client’s label as it is', () => {
    expect(strategyOfLabel('maze-agent:random-dfs')).toBe('random-dfs')
    expect(strategyOfLabel(agentLabel('astar'))).toBe('astar')
    expect(strategyOfLabel('team-7')).toBe('team-7')
  })
})

/** A referee record of a run; figures as given. */
const record = (strategy: string, seed: number | null, change: Partial<RefereeLine> = {}): RefereeLine => ({
  id: `e-${strategy}-${seed}`,
  seed,
  width: 30,
  height: 8,
  agent: agentLabel(strategy),
  status: 'solved',
  steps: 100,
  keyStep: 40,
  bumps: 0,
  maxSteps: 5800,
  optimalSteps: 90,
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:01.000Z',
  elapsedMs: 1000,
  ...change,
})

/** The agent's line of a run; figures as given. */
const agentLine = (strategy: string, seed: number | null, change: Record<string, unknown> = {}): ParsedAgentResult =>
  ({
    strategy,
    width: 30,
    height: 8,
    seed,
    solved: true,
    steps: 100,
    keyStep: 40,
    requests: 55,
    elapsedMs: 1010,
    optimalSteps: 90,
    ...change,
  }) as ParsedAgentResult

describe('reconcile', () => {
  test('agreeing lines: one result per run, the referee’s figures and the agent’s request count', () => {
    const { results, disagreements, unrefereed, abandoned } = reconcile(
      [record('astar', 1), record('random-dfs', 1, { steps: 130 })],
      [agentLine('astar', 1), agentLine('random-dfs', 1, { steps: 130, requests: 70 })],
    )
    expect(results).toEqual([
      { ...agentLine('astar', 1), elapsedMs: 1000 },
      { ...agentLine('random-dfs', 1, { steps: 130, requests: 70 }), elapsedMs: 1000 },
    ])
    expect({ disagreements, unrefereed, abandoned }).toEqual({ disagreements: [], unrefereed: [], abandoned: [] })
  })

  test('the referee’s figures win; where the agent said otherwise, each field is reported', () => {
    const { results, disagreements } = reconcile(
      [record('astar', 7, { steps: 118, keyStep: 50, status: 'unsolved', optimalSteps: 88 })],
      [agentLine('astar', 7, { steps: 120, keyStep: 50, optimalSteps: 90 })],
    )
    expect(results).toEqual([
      expect.objectContaining({ strategy: 'astar', seed: 7, solved: false, steps: 118, keyStep: 50, optimalSteps: 88, requests: 55 }),
    ])
    expect(disagreements).toEqual([
      {
        strategy: 'astar',
        seed: 7,
        width: 30,
        height: 8,
        fields: ['solved: agent true, referee false', 'steps: agent 120, referee 118', 'optimalSteps: agent 90, referee 88'],
      },
    ])
    expect(describeDisagreement(disagreements[0]!)).toBe(
      "astar seed 7 30x8: solved: agent true, referee false; steps: agent 120, referee 118; optimalSteps: agent 90, referee 88 (the referee's figures count)",
    )
    // An optimalSteps the agent did not know is no disagreement.
    expect(reconcile([record('astar', 7)], [agentLine('astar', 7, { optimalSteps: null })]).disagreements).toEqual([])
  })

  test('abandoned records are not results; agent lines the referee never ended are unrefereed, in their order', () => {
    const failedEarly = agentLine('@acme/nope', 3, {
      width: null,
      height: null,
      solved: false,
      steps: 0,
      error: 'AGENT_ERR_STRATEGY_LOAD',
      message: 'cannot load',
    })
    const bug = agentLine('fixture-through-wall', 2, { solved: false, steps: 3, error: 'AGENT_ERR_ILLEGAL_MOVE', message: 'wall' })
    const unmatched = agentLine('astar', 9)
    const gone = record('fixture-through-wall', 2, { status: 'abandoned', steps: 3 })
    const { results, unrefereed, abandoned } = reconcile([gone, record('astar', 1)], [agentLine('astar', 1), bug, failedEarly, unmatched])
    expect(results.map((r) => `${r.strategy}/${r.seed}`)).toEqual(['astar/1'])
    expect(abandoned).toEqual([gone])
    expect(unrefereed).toEqual([bug, failedEarly, unmatched])
  })

  test('a record without an agent line: a result by its label, 0 requests; the last record of a key wins', () => {
    const { results, disagreements, unrefereed } = reconcile(
      [
        record('astar', 5, { status: 'unsolved', steps: 10 }),
        record('team-x', 5),
        record('astar', 5, { steps: 101 }),
        record('astar', 5, { width: 40 }),
      ],
      [agentLine('astar', 5, { steps: 99 }), agentLine('astar', 5, { steps: 101 })],
    )
    expect(results).toEqual([
      expect.objectContaining({ strategy: 'astar', seed: 5, width: 30, solved: true, steps: 101, requests: 55 }),
      expect.objectContaining({ strategy: 'team-x', seed: 5, requests: 0 }),
      expect.objectContaining({ strategy: 'astar', seed: 5, width: 40, requests: 0 }),
    ])
    // The last agent line of the key is the one matched: it agrees.
    expect(disagreements).toEqual([])
    expect(unrefereed).toEqual([])
  })
})
