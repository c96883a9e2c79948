// A packed job on AWS, against mocked SDK clients (aws-sdk-client-mock): `results` reads the
// referee lines from the model's CloudWatch Logs streams of every attempt of every child, and
// `submit --only-missing` resubmits just the runs without a referee record.
import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type JobDetail,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runCli } from '../src/cli.ts'
import { agentLine, refereeLine } from './lines.ts'

const batch = mockClient(BatchClient)
const logs = mockClient(CloudWatchLogsClient)
beforeEach(() => {
  batch.reset()
  logs.reset()
})
afterEach(() => {
  batch.reset()
  logs.reset()
})

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli([...argv, '--region', 'eu-west-1'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    sleep: async () => {},
  })
  return { code, stdout, stderr }
}

const GROUP = '/aws/batch/maze-sim'
const DEFINITION = 'arn:aws:batch:eu-west-1:123456789012:job-definition/maze-sim:3'
const QUEUE = 'arn:aws:batch:eu-west-1:123456789012:job-queue/maze-sim'
const logConfiguration = { logDriver: 'awslogs' as const, options: { 'awslogs-group': GROUP } }

/** The containers as DescribeJobs shows them: the definition's variables with the submission's overrides. */
const containers = (stream?: string) => [
  { name: 'collector', logConfiguration },
  {
    name: 'model',
    environment: [
      { name: 'MAZE_WIDTH', value: '80' },
      { name: 'MAZE_HEIGHT', value: '20' },
      { name: 'MAZE_PORT_FROM_JOB', value: 'true' },
    ],
    logConfiguration,
    ...(stream !== undefined ? { exitCode: 0, logStreamName: `maze-sim/model/${stream}` } : {}),
  },
  {
    name: 'agent',
    environment: [
      { name: 'AGENT_STRATEGY', value: 'astar,random-dfs' },
      { name: 'MAZE_SWEEP_SEEDS', value: '101-106' },
      { name: 'MAZE_SEEDS_PER_CHILD', value: '3' },
      { name: 'AGENT_MAX_STEPS', value: '40000' },
    ],
    logConfiguration,
    ...(stream !== undefined ? { logStreamName: `maze-sim/agent/${stream}` } : {}),
  },
]

const parent: JobDetail = {
  jobId: 'pk-1',
  jobName: 'maze-sim-astar-random-dfs-seed101-x12-per6',
  jobQueue: QUEUE,
  jobDefinition: DEFINITION,
  status: 'FAILED',
  startedAt: 1,
  createdAt: 1_700_000_000_000,
  arrayProperties: { size: 2, statusSummary: { SUCCEEDED: 1, FAILED: 1 } },
  ecsProperties: { taskProperties: [{ containers: containers() }] },
}

/** A child with one attempt per stream suffix; its current containers are the last attempt's. */
const child = (index: number, status: JobDetail['status'], streams: readonly string[]): JobDetail => ({
  ...parent,
  jobId: `pk-1:${index}`,
  status,
  arrayProperties: { index },
  attempts: streams.map((s) => ({
    taskProperties: [
      {
        containers: [
          { name: 'model', exitCode: 0, logStreamName: `maze-sim/model/${s}` },
          { name: 'agent', exitCode: status === 'SUCCEEDED' ? 0 : 137, logStreamName: `maze-sim/agent/${s}` },
        ],
      },
    ],
  })),
  ecsProperties: { taskProperties: [{ containers: containers(streams[streams.length - 1]) }] },
})

const events = (stream: string, lines: readonly string[]): FilteredLogEvent[] =>
  lines.map((message, i) => ({ logStreamName: stream, timestamp: 1_700_000_000_000 + i, message }))

/** Child 0 played seeds 101-103; child 1's first attempt played 104, its second 105 with astar only. */
function mockJob(complete = false): void {
  batch.on(DescribeJobsCommand, { jobs: ['pk-1'] }).resolves({ jobs: [parent] })
  batch
    .on(ListJobsCommand, { arrayJobId: 'pk-1', jobStatus: 'SUCCEEDED' })
    .resolves({ jobSummaryList: [{ jobId: 'pk-1:0', jobName: parent.jobName, arrayProperties: { index: 0 } }] })
  batch
    .on(ListJobsCommand, { arrayJobId: 'pk-1', jobStatus: 'FAILED' })
    .resolves({ jobSummaryList: [{ jobId: 'pk-1:1', jobName: parent.jobName, arrayProperties: { index: 1 } }] })
  batch
    .on(DescribeJobsCommand, { jobs: ['pk-1:0', 'pk-1:1'] })
    .resolves({ jobs: [child(0, 'SUCCEEDED', ['t0']), child(1, 'FAILED', ['t1a', 't1b'])] })
  const both = (seeds: number[], line: typeof refereeLine | typeof agentLine) =>
    seeds.flatMap((s) => [line('astar', s, 100 + s), line('random-dfs', s, 500 + s)])
  const later = complete ? [106] : []
  logs
    .on(FilterLogEventsCommand)
    .resolvesOnce({
      events: [
        ...events('maze-sim/model/t0', ['{"level":30,"msg":"listening"}', ...both([101, 102, 103], refereeLine)]),
        ...events('maze-sim/agent/t0', both([101, 102, 103], agentLine)),
        ...events('maze-sim/model/t1a', both([104], refereeLine)),
      ],
      nextToken: 'page-2',
    })
    .resolves({
      events: [
        ...events('maze-sim/agent/t1a', both([104], agentLine)),
        ...events('maze-sim/model/t1b', [
          refereeLine('astar', 105, 205),
          ...(complete ? [refereeLine('random-dfs', 105, 605)] : []),
          ...both(later, refereeLine),
        ]),
        ...events('maze-sim/agent/t1b', [agentLine('astar', 105, 205)]),
      ],
    })
}

describe('results of a packed job: the referee lines from the model streams of every attempt', () => {
  test('one row per refereed run; the missing runs named on stderr; exit 0', async () => {
    mockJob()
    const run = await cli('results', 'pk-1')
    expect(run.code, run.stderr).toBe(0)
    const rows = run.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            jobId: string
            arrayIndex: number
            status: string
            attempts: number
            result: { strategy: string; seed: number; steps: number }
          },
      )
    expect(rows.map((r) => [r.jobId, r.status, r.attempts, r.result.strategy, r.result.seed, r.result.steps])).toEqual([
      ['pk-1:0', 'SUCCEEDED', 1, 'astar', 101, 201],
      ['pk-1:0', 'SUCCEEDED', 1, 'random-dfs', 101, 601],
      ['pk-1:0', 'SUCCEEDED', 1, 'astar', 102, 202],
      ['pk-1:0', 'SUCCEEDED', 1, 'random-dfs', 102, 602],
      ['pk-1:0', 'SUCCEEDED', 1, 'astar', 103, 203],
      ['pk-1:0', 'SUCCEEDED', 1, 'random-dfs', 103, 603],
      ['pk-1:1', 'FAILED', 2, 'astar', 104, 204],
      ['pk-1:1', 'FAILED', 2, 'random-dfs', 104, 604],
      ['pk-1:1', 'FAILED', 2, 'astar', 105, 205],
    ])
    expect(run.stderr).toBe(
      [
        '9 runs refereed of 12 expected: 9 solved (mean 381 steps), 0 not; children: 1 SUCCEEDED, 1 FAILED',
        'missing 3 runs: child 1: astar seed 106, random-dfs seeds 105-106',
        '',
      ].join('\n'),
    )
    // The model's and the agent's streams of every attempt, in one call per 100 streams (two pages).
    const inputs = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)
    expect(inputs).toHaveLength(2)
    expect(inputs[0]).toEqual(
      expect.objectContaining({
        logGroupName: GROUP,
        filterPattern: '"optimalSteps"',
        startTime: 1_700_000_000_000,
        logStreamNames: [
          'maze-sim/model/t0',
          'maze-sim/agent/t0',
          'maze-sim/model/t1a',
          'maze-sim/agent/t1a',
          'maze-sim/model/t1b',
          'maze-sim/agent/t1b',
        ],
      }),
    )
  })
})

describe('submit --only-missing: just the runs without a referee record', () => {
  test('--dry-run: the plan and one packed SubmitJob per group of seeds missing the same strategies, with the job’s queue and definition', async () => {
    mockJob()
    const run = await cli('submit', '--only-missing', 'pk-1', '--dry-run')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain(
      'maze-sim-astar-random-dfs-seed101-x12-per6 pk-1: missing 3 runs: child 1: astar seed 106, random-dfs seeds 105-106\n',
    )
    expect(run.stderr).toContain('maze-sim-astar-random-dfs-seed101-x12-per6-missing-1: one packed job on queue')
    expect(run.stderr).toContain('  the job: random-dfs on seed 105 (1 run)')
    expect(run.stderr).toContain('  the job: astar,random-dfs on seed 106 (2 runs)')
    const inputs = JSON.parse(run.stdout) as SubmitJobCommandInput[]
    expect(inputs.map((i) => [i.jobName, i.jobQueue, i.jobDefinition, i.arrayProperties])).toEqual([
      ['maze-sim-astar-random-dfs-seed101-x12-per6-missing-1', QUEUE, DEFINITION, undefined],
      ['maze-sim-astar-random-dfs-seed101-x12-per6-missing-2', QUEUE, DEFINITION, undefined],
    ])
    expect(
      inputs.map((i) => i.ecsPropertiesOverride?.taskProperties?.[0]?.containers?.find((c) => c.name === 'agent')?.environment),
    ).toEqual([
      [
        { name: 'AGENT_STRATEGY', value: 'random-dfs' },
        { name: 'MAZE_SWEEP_SEEDS', value: '105' },
        { name: 'MAZE_SEEDS_PER_CHILD', value: '3' },
        { name: 'AGENT_MAX_STEPS', value: '40000' },
      ],
      [
        { name: 'AGENT_STRATEGY', value: 'astar,random-dfs' },
        { name: 'MAZE_SWEEP_SEEDS', value: '106' },
        { name: 'MAZE_SEEDS_PER_CHILD', value: '3' },
        { name: 'AGENT_MAX_STEPS', value: '40000' },
      ],
    ])
    expect(batch.commandCalls(SubmitJobCommand)).toHaveLength(0)
  })

  test('submits them (another queue when asked) and prints the job ids', async () => {
    mockJob()
    batch.on(SubmitJobCommand).callsFake((input: SubmitJobCommandInput) => ({ jobName: input.jobName, jobId: `id-${input.jobName}` }))
    const run = await cli('submit', '--only-missing', 'pk-1', '--queue', 'other')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe(
      'id-maze-sim-astar-random-dfs-seed101-x12-per6-missing-1\nid-maze-sim-astar-random-dfs-seed101-x12-per6-missing-2\n',
    )
    expect(batch.commandCalls(SubmitJobCommand).map((c) => c.args[0].input.jobQueue)).toEqual(['other', 'other'])
  })

  test('nothing missing: says so, submits nothing, exit 0', async () => {
    mockJob(true)
    const run = await cli('submit', '--only-missing', 'pk-1')
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr: 'maze-sim-astar-random-dfs-seed101-x12-per6 pk-1: nothing missing\nnothing to submit\n',
    })
    expect(batch.commandCalls(SubmitJobCommand)).toHaveLength(0)
  })

  test('refused: a job still running, a job of one run per child, run flags the job decides', async () => {
    batch.on(DescribeJobsCommand, { jobs: ['pk-1'] }).resolves({ jobs: [{ ...parent, status: 'RUNNING' }] })
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [] })
    expect(await cli('submit', '--only-missing', 'pk-1')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: job pk-1 is RUNNING: its missing runs are known once it has finished (maze-batch watch pk-1)\n',
    })
    batch.on(DescribeJobsCommand, { jobs: ['pk-1'] }).resolves({ jobs: [{ ...parent, ecsProperties: undefined }] })
    expect((await cli('submit', '--only-missing', 'pk-1')).stderr).toMatch(
      /plays one run per child: --only-missing replays the missing runs of packed jobs/,
    )
    expect((await cli('submit', '--only-missing', 'pk-1', '--seed', '3', '--strategy', 'astar')).stderr).toBe(
      'maze-batch: BATCH_ERR_USAGE: --only-missing takes the runs from the job: leave out --strategy, --seed\n',
    )
  })
})
