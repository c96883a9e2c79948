// The results of a packed job from the referee: the model's referee lines and the agent's result
// lines of every attempt of every child, reconciled; the runs that are missing, by name; and the
// submissions that play just those (--only-missing), from a run-local directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAgentResult } from '@maze-sim/agent/result'
import { afterAll, describe, expect, test } from 'vitest'
import { formatMissing, packedResults, summarizePacked, type ChildLogs, type PackedJob } from '../src/packed-results.ts'
import { planMissing } from '../src/resubmit.ts'
import {
  localDefinitionFile,
  localLogFile,
  localPackedJob,
  localSubmissionFile,
  localSummaryFile,
  packedChildrenFromDirectory,
} from '../src/results.ts'
import { formatPlan, planSubmissions } from '../src/submit.ts'
import { render } from '../src/template.ts'
import { agentLine, refereeLine } from './lines.ts'

const job: PackedJob = {
  strategies: ['astar', 'random-dfs'],
  seeds: Array.from({ length: 6 }, (_, i) => 101 + i),
  seedsPerChild: 3,
  children: 2,
  width: 80,
  height: 20,
  maxSteps: null,
}

/** Both strategies on each seed, referee and agent agreeing. */
const played = (seeds: readonly number[]) => ({
  model: [
    '{"level":30,"msg":"model listening"}',
    ...seeds.flatMap((s) => [refereeLine('astar', s, 100 + s), refereeLine('random-dfs', s, 500 + s)]),
  ],
  agent: ['maze-agent: 3 episodes', ...seeds.flatMap((s) => [agentLine('astar', s, 100 + s), agentLine('random-dfs', s, 500 + s)])],
})

describe('packedResults: the referee wins, every attempt counts, the missing runs by name', () => {
  test('one row per refereed run, in the order played; a failed attempt’s finished runs count; disagreements reported', () => {
    const children: ChildLogs[] = [
      { jobId: 'j:0', arrayIndex: 0, status: 'SUCCEEDED', attempts: [{ attempt: 1, ...played([101, 102, 103]) }] },
      {
        jobId: 'j:1',
        arrayIndex: 1,
        status: 'FAILED',
        attempts: [
          // Attempt 1 finished seed 104 (both), then the host was lost; attempt 2 played 105 only
          // astar, and its agent said 9 steps where the referee counted 605.
          { attempt: 1, ...played([104]) },
          {
            attempt: 2,
            model: [refereeLine('astar', 105, 205), refereeLine('random-dfs', 105, 605), refereeLine('astar', 106, 3, 'abandoned')],
            agent: [agentLine('astar', 105, 205), agentLine('random-dfs', 105, 9), agentLine('astar', 106, 3, false)],
          },
        ],
      },
    ]
    const r = packedResults(job, children)
    expect(r.rows.map((row) => [row.arrayIndex, row.result.strategy, row.result.seed, row.result.steps])).toEqual([
      [0, 'astar', 101, 201],
      [0, 'random-dfs', 101, 601],
      [0, 'astar', 102, 202],
      [0, 'random-dfs', 102, 602],
      [0, 'astar', 103, 203],
      [0, 'random-dfs', 103, 603],
      [1, 'astar', 104, 204],
      [1, 'random-dfs', 104, 604],
      [1, 'astar', 105, 205],
      [1, 'random-dfs', 105, 605],
    ])
    expect(r.rows[9]).toMatchObject({ jobId: 'j:1', status: 'FAILED', attempts: 2, disagreement: ['steps: agent 9, referee 605'] })
    expect(r.rows[0]!.result).toEqual({
      strategy: 'astar',
      width: 80,
      height: 20,
      seed: 101,
      solved: true,
      steps: 201,
      keyStep: 10,
      requests: 204,
      elapsedMs: 1000,
      optimalSteps: 100,
    })
    expect(r.disagreements).toEqual(["child 1: random-dfs seed 105 80x20: steps: agent 9, referee 605 (the referee's figures count)"])
    expect(r.missing.map((m) => [m.arrayIndex, m.strategy, m.seed])).toEqual([
      [1, 'astar', 106],
      [1, 'random-dfs', 106],
    ])
    expect(formatMissing(r.missing)).toBe('missing 2 runs: child 1: astar seed 106, random-dfs seed 106')
    expect(summarizePacked(r)).toBe(
      "10 runs refereed of 12 expected: 10 solved (mean 403 steps), 0 not; children: 1 SUCCEEDED, 1 FAILED; 1 agent line without a referee record (not counted); 1 abandoned episode; 1 disagreement (the referee's figures count)",
    )
    // Rows with a placed agent result line: what `pnpm sweep leaderboard --from` reads (the Docker
    // test feeds it a real run's rows).
    for (const row of r.rows) expect(parseAgentResult(JSON.parse(JSON.stringify(row)).result)).toEqual(row.result)
  })

  test('an unsolved run is a result; a child never found is missing whole; unfinished children are neither', () => {
    const children: ChildLogs[] = [
      {
        jobId: 'j:0',
        arrayIndex: 0,
        status: 'FAILED',
        attempts: [{ attempt: 1, model: [refereeLine('astar', 101, 33_000, 'unsolved')], agent: [] }],
      },
    ]
    const r = packedResults(job, children)
    expect(r.rows.map((row) => [row.result.seed, row.result.solved])).toEqual([[101, false]])
    expect(formatMissing(r.missing, job.strategies)).toBe(
      'missing 11 runs: child 0: astar seeds 102-103, random-dfs seeds 101-103; child 1: astar seeds 104-106, random-dfs seeds 104-106',
    )
    expect(r.children).toEqual({ FAILED: 1, 'NOT FOUND': 1 })
    const waiting = packedResults(job, children, [1])
    expect(formatMissing(waiting.missing, job.strategies)).toBe('missing 5 runs: child 0: astar seeds 102-103, random-dfs seeds 101-103')
    expect(summarizePacked(waiting)).toMatch(/1 children not finished yet/)
    expect(formatMissing([])).toBe('nothing missing')
  })
})

describe('a run-local directory of a packed job, and --only-missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maze-batch-packed-dir-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('results read every attempt from the files; the missing runs become packed submissions with seed lists', () => {
    const definition = render({ local: true })
    const [planned] = planSubmissions({
      queue: 'local',
      jobDefinition: 'maze-sim',
      strategies: ['astar', 'random-dfs'],
      runs: 6,
      seed: 101,
      runsPerChild: 6,
      maxSteps: 40_000,
      width: 80,
      height: 20,
    })
    writeFileSync(localDefinitionFile(dir), JSON.stringify(definition))
    writeFileSync(localSubmissionFile(dir), JSON.stringify(planned!.input))
    writeFileSync(
      localSummaryFile(dir),
      [
        { jobId: 'j:0', arrayIndex: 0, status: 'SUCCEEDED', attempts: 1 },
        { jobId: 'j:1', arrayIndex: 1, status: 'FAILED', attempts: 1 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    const logs: [number, string, string[]][] = [
      [0, 'model', played([101, 102, 103]).model],
      [0, 'agent', played([101, 102, 103]).agent],
      // Child 1's agent was killed during seed 105's random-dfs run.
      [1, 'model', [...played([104]).model, refereeLine('astar', 105, 205)]],
      [1, 'agent', [...played([104]).agent, agentLine('astar', 105, 205)]],
    ]
    for (const [index, container, lines] of logs) {
      const file = localLogFile(dir, index, 1, container)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, `${lines.join('\n')}\n`)
    }
    const packed = localPackedJob(dir)
    expect(packed).toEqual({ ...job, maxSteps: 40_000 })
    const r = packedResults(packed!, packedChildrenFromDirectory(dir, packed!))
    expect(r.rows).toHaveLength(9)
    expect(formatMissing(r.missing, packed!.strategies)).toBe('missing 3 runs: child 1: astar seed 106, random-dfs seeds 105-106')

    const again = planMissing(packed!, r.missing, { queue: 'local', jobDefinition: 'maze-sim', jobName: planned!.input.jobName! })
    expect(again.map((p) => p.input)).toEqual([
      {
        jobName: 'maze-sim-astar-random-dfs-seed101-x12-per6-missing-1',
        jobQueue: 'local',
        jobDefinition: 'maze-sim',
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                {
                  name: 'model',
                  environment: [
                    { name: 'MAZE_WIDTH', value: '80' },
                    { name: 'MAZE_HEIGHT', value: '20' },
                  ],
                },
                {
                  name: 'agent',
                  environment: [
                    { name: 'AGENT_STRATEGY', value: 'random-dfs' },
                    { name: 'MAZE_SWEEP_SEEDS', value: '105' },
                    { name: 'MAZE_SEEDS_PER_CHILD', value: '3' },
                    { name: 'AGENT_MAX_STEPS', value: '40000' },
                  ],
                },
              ],
            },
          ],
        },
      },
      expect.objectContaining({
        jobName: 'maze-sim-astar-random-dfs-seed101-x12-per6-missing-2',
      }),
    ])
    expect(again[1]!.packed!.childAt(0)).toEqual({ index: null, strategies: ['astar', 'random-dfs'], seeds: '106', runs: 2 })
    expect(formatPlan(again)).toContain('the job: random-dfs on seed 105 (1 run)')
    // Nothing missing: nothing to submit.
    expect(planMissing(packed!, [], { queue: 'local', jobDefinition: 'maze-sim', jobName: 'x' })).toEqual([])
  })
})
