// The CLI's AWS calls, against mocked SDK clients (aws-sdk-client-mock): AWS is the only thing
// mocked. Each test runs the command line in-process and asserts the exact command inputs.
import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type JobDetail,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runCli } from '../src/cli.ts'
import { render } from '../src/template.ts'

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
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    sleep: async () => {},
  })
  return { code, stdout, stderr }
}

const aws = ['--region', 'eu-west-1']
const result = (strategy: string, seed: number, steps: number) =>
  JSON.stringify({
    strategy,
    width: 80,
    height: 20,
    seed,
    solved: true,
    steps,
    keyStep: 10,
    requests: steps + 5,
    elapsedMs: 300,
    optimalSteps: 700,
  })

describe('register', () => {
  test('sends the rendered, checked definition and prints the ARN', async () => {
    const arn = 'arn:aws:batch:eu-west-1:123456789012:job-definition/maze-sim:4'
    batch.on(RegisterJobDefinitionCommand).resolves({ jobDefinitionName: 'maze-sim', jobDefinitionArn: arn, revision: 4 })
    const run = await cli('register', '--account', '123456789012', ...aws)
    expect(run).toEqual({ code: 0, stdout: `${arn}\n`, stderr: 'registered maze-sim revision 4\n' })
    const calls = batch.commandCalls(RegisterJobDefinitionCommand)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args[0].input).toEqual(render({ account: '123456789012', region: 'eu-west-1' }))
  })

  test('an AWS error becomes BATCH_ERR_AWS with a hint, exit 3', async () => {
    const denied = Object.assign(
      new Error('User: arn:aws:iam::123456789012:user/x is not authorized to perform: batch:RegisterJobDefinition'),
      { name: 'AccessDeniedException' },
    )
    batch.on(RegisterJobDefinitionCommand).rejects(denied)
    const run = await cli('register', '--account', '123456789012', ...aws)
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(
      /^maze-batch: BATCH_ERR_AWS: RegisterJobDefinition maze-sim failed: AccessDeniedException: User: .* not authorized .* The caller lacks an IAM permission \(see packages\/batch\/README.md, "IAM roles"\)\.\n$/,
    )
  })

  test('a broken definition is never sent', async () => {
    const run = await cli('register', '--file', new URL('./fixtures/broken-job-definition.json', import.meta.url).pathname, ...aws)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/BATCH_ERR_CHECK: the job definition has 4 problems/)
    expect(batch.commandCalls(RegisterJobDefinitionCommand)).toHaveLength(0)
  })
})

describe('submit', () => {
  test('an array job sweeping strategies: one SubmitJob, overrides per container, never containerOverrides', async () => {
    batch.on(SubmitJobCommand).resolves({ jobName: 'maze-sim-astar-random-dfs-seed100-x6', jobId: 'job-1' })
    const run = await cli(
      'submit',
      '--queue',
      'maze-queue',
      '--strategy',
      'astar,random-dfs',
      '--runs',
      '3',
      '--seed',
      '100',
      '--width',
      '40',
      ...aws,
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('job-1\n')
    expect(run.stderr).toMatch(/child 5: strategy random-dfs, seed 102/)
    const inputs = batch.commandCalls(SubmitJobCommand).map((c) => c.args[0].input)
    expect(inputs).toEqual([
      {
        jobName: 'maze-sim-astar-random-dfs-seed100-x6',
        jobQueue: 'maze-queue',
        jobDefinition: 'maze-sim',
        arrayProperties: { size: 6 },
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                {
                  name: 'model',
                  environment: [
                    { name: 'MAZE_WIDTH', value: '40' },
                    { name: 'MAZE_SEED_BASE', value: '100' },
                    { name: 'MAZE_SWEEP_STRATEGIES', value: 'astar,random-dfs' },
                  ],
                },
                { name: 'agent', environment: [{ name: 'MAZE_SWEEP_STRATEGIES', value: 'astar,random-dfs' }] },
              ],
            },
          ],
        },
      },
    ] satisfies SubmitJobCommandInput[])
    expect(inputs.every((i) => i.containerOverrides === undefined)).toBe(true)
  })

  test('per-strategy array jobs (--split-strategies): one SubmitJob per strategy with its AGENT_STRATEGY override', async () => {
    batch.on(SubmitJobCommand).callsFake((input: SubmitJobCommandInput) => ({ jobName: input.jobName, jobId: `id-${input.jobName}` }))
    const run = await cli(
      'submit',
      '--queue',
      'q',
      '--job-definition',
      'maze-sim:4',
      '--strategy',
      'astar,random-dfs,wall-follower',
      '--runs',
      '10',
      '--split-strategies',
      ...aws,
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(['astar', 'random-dfs', 'wall-follower'].map((s) => `id-maze-sim-${s}-seed1-x10\n`).join(''))
    const inputs = batch.commandCalls(SubmitJobCommand).map((c) => c.args[0].input)
    expect(inputs.map((i) => [i.jobDefinition, i.arrayProperties, i.ecsPropertiesOverride?.taskProperties?.[0]?.containers])).toEqual(
      ['astar', 'random-dfs', 'wall-follower'].map((s) => [
        'maze-sim:4',
        { size: 10 },
        [
          { name: 'model', environment: [{ name: 'MAZE_SEED_BASE', value: '1' }] },
          { name: 'agent', environment: [{ name: 'AGENT_STRATEGY', value: s }] },
        ],
      ]),
    )
  })

  test('one run; --dry-run prints the inputs and calls nothing', async () => {
    const run = await cli('submit', '--queue', 'q', '--seed', '7', '--env', 'agent:AGENT_SEED=3', '--dry-run')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual([
      {
        jobName: 'maze-sim-default-seed7',
        jobQueue: 'q',
        jobDefinition: 'maze-sim',
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                { name: 'model', environment: [{ name: 'MAZE_SEED', value: '7' }] },
                { name: 'agent', environment: [{ name: 'AGENT_SEED', value: '3' }] },
              ],
            },
          ],
        },
      },
    ])
    expect(batch.calls()).toHaveLength(0)
  })

  // Without --queue, submit reads the deployed stack's outputs: test/stack.test.ts.
})

const parent = (summary: Record<string, number>, status: JobDetail['status'] = 'RUNNING'): JobDetail => ({
  jobId: 'arr-1',
  jobName: 'maze-sim-sweep',
  jobQueue: 'q',
  jobDefinition: 'arn:def',
  startedAt: 1,
  status,
  arrayProperties: { size: 4, statusSummary: summary },
})

describe('status and watch', () => {
  test("status: the children's counts by state", async () => {
    batch.on(DescribeJobsCommand, { jobs: ['arr-1'] }).resolves({ jobs: [parent({ SUCCEEDED: 1, FAILED: 1, RUNNING: 2 })] })
    const run = await cli('status', 'arr-1', ...aws)
    expect(run).toEqual({
      code: 0,
      stdout: 'maze-sim-sweep arr-1: RUNNING\n  children: RUNNING 2, SUCCEEDED 1, FAILED 1 (2/4 done)\n',
      stderr: '',
    })
  })

  test('status: an unknown job id is BATCH_ERR_JOB_NOT_FOUND, exit 3', async () => {
    batch.on(DescribeJobsCommand).resolves({ jobs: [] })
    const run = await cli('status', 'nope', ...aws)
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/^maze-batch: BATCH_ERR_JOB_NOT_FOUND: AWS Batch does not know job nope/)
  })

  test('watch: prints progress when it changes, until done; exit 1 when the array FAILED', async () => {
    batch
      .on(DescribeJobsCommand)
      .resolvesOnce({ jobs: [parent({ RUNNABLE: 4 })] })
      .resolvesOnce({ jobs: [parent({ RUNNABLE: 4 })] })
      .resolvesOnce({ jobs: [parent({ RUNNING: 2, SUCCEEDED: 2 })] })
      .resolves({ jobs: [parent({ SUCCEEDED: 3, FAILED: 1 }, 'FAILED')] })
    const run = await cli('watch', 'arr-1', '--interval', '1', ...aws)
    expect(run.code).toBe(1)
    expect(run.stdout.replace(/^\d\d:\d\d:\d\d /gm, '')).toBe(
      [
        'maze-sim-sweep arr-1: RUNNING\n  children: RUNNABLE 4 (0/4 done)',
        'maze-sim-sweep arr-1: RUNNING\n  children: RUNNING 2, SUCCEEDED 2 (2/4 done)',
        'maze-sim-sweep arr-1: FAILED\n  children: SUCCEEDED 3, FAILED 1 (4/4 done)\n',
      ].join('\n'),
    )
    expect(batch.commandCalls(DescribeJobsCommand)).toHaveLength(4)
  })
})

describe('results', () => {
  const child = (index: number, status: JobDetail['status'], exitCode: number, stream: string): JobDetail => ({
    jobId: `arr-1:${index}`,
    jobName: 'maze-sim-sweep',
    jobQueue: 'q',
    jobDefinition: 'arn:def',
    status,
    startedAt: 1,
    createdAt: 1_700_000_000_000,
    statusReason: 'Essential container in task exited',
    attempts: [{}],
    arrayProperties: { index },
    ecsProperties: {
      taskProperties: [
        {
          containers: [
            { name: 'collector', exitCode: 0, logStreamName: `maze-sim/collector/${stream}` },
            { name: 'model', exitCode: 0, logStreamName: `maze-sim/model/${stream}` },
            {
              name: 'agent',
              exitCode,
              logStreamName: `maze-sim/agent/${stream}`,
              logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/aws/batch/maze-sim' } },
            },
          ],
        },
      ],
    },
  })

  test("every finished child's result line, from the agent's CloudWatch Logs stream", async () => {
    batch.on(DescribeJobsCommand, { jobs: ['arr-1'] }).resolves({ jobs: [parent({ SUCCEEDED: 3, FAILED: 1 }, 'FAILED')] })
    batch.on(ListJobsCommand, { arrayJobId: 'arr-1', jobStatus: 'SUCCEEDED' }).resolvesOnce({
      jobSummaryList: [2, 0].map((i) => ({ jobId: `arr-1:${i}`, jobName: 'maze-sim-sweep', arrayProperties: { index: i } })),
      nextToken: 'page-2',
    })
    batch
      .on(ListJobsCommand, { arrayJobId: 'arr-1', jobStatus: 'SUCCEEDED', nextToken: 'page-2' })
      .resolves({ jobSummaryList: [{ jobId: 'arr-1:3', jobName: 'maze-sim-sweep', arrayProperties: { index: 3 } }] })
    batch
      .on(ListJobsCommand, { arrayJobId: 'arr-1', jobStatus: 'FAILED' })
      .resolves({ jobSummaryList: [{ jobId: 'arr-1:1', jobName: 'maze-sim-sweep', arrayProperties: { index: 1 } }] })
    batch.on(DescribeJobsCommand, { jobs: ['arr-1:0', 'arr-1:1', 'arr-1:2', 'arr-1:3'] }).resolves({
      jobs: [child(0, 'SUCCEEDED', 0, 't0'), child(1, 'FAILED', 3, 't1'), child(2, 'SUCCEEDED', 0, 't2'), child(3, 'SUCCEEDED', 0, 't3')],
    })
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [
          { logStreamName: 'maze-sim/agent/t0', timestamp: 5, message: result('astar', 100, 900) },
          { logStreamName: 'maze-sim/agent/t2', timestamp: 6, message: result('astar', 101, 950) },
        ],
        nextToken: 'more',
      })
      .resolves({ events: [{ logStreamName: 'maze-sim/agent/t3', timestamp: 7, message: result('random-dfs', 101, 2000) }] })

    const run = await cli('results', 'arr-1', ...aws)
    expect(run.code).toBe(0)
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { arrayIndex: number; status: string; exitCode: number; result: { steps: number } | null })
    expect(rows.map((r) => [r.arrayIndex, r.status, r.exitCode, r.result?.steps ?? null])).toEqual([
      [0, 'SUCCEEDED', 0, 900],
      [1, 'FAILED', 3, null],
      [2, 'SUCCEEDED', 0, 950],
      [3, 'SUCCEEDED', 0, 2000],
    ])
    expect(run.stderr).toBe('4 runs: 3 succeeded, 1 not; 3 with a result, 3 solved (mean 1283 steps)\n')

    // The SDK's paginators reuse one input object across pages, so the calls are checked by what
    // does not change; child 3 above came from the page asked for with nextToken page-2.
    expect(batch.commandCalls(ListJobsCommand).map((c) => [c.args[0].input.arrayJobId, c.args[0].input.jobStatus])).toEqual([
      ['arr-1', 'SUCCEEDED'],
      ['arr-1', 'SUCCEEDED'],
      ['arr-1', 'FAILED'],
    ])
    const filter = {
      logGroupName: '/aws/batch/maze-sim',
      logStreamNames: ['maze-sim/agent/t0', 'maze-sim/agent/t1', 'maze-sim/agent/t2', 'maze-sim/agent/t3'],
      filterPattern: '"optimalSteps"',
      startTime: 1_700_000_000_000,
    }
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining(filter),
      expect.objectContaining(filter),
    ])
  })

  test('a service that answers every page with the token it was given cannot keep results going', async () => {
    batch.on(DescribeJobsCommand, { jobs: ['arr-2'] }).resolves({ jobs: [{ ...parent({ SUCCEEDED: 1 }, 'SUCCEEDED'), jobId: 'arr-2' }] })
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [], nextToken: 'again' })
    logs.on(FilterLogEventsCommand).resolves({ events: [], nextToken: 'again' })
    const run = await cli('results', 'arr-2', ...aws)
    expect(run.code).not.toBe(null)
    // One page per status, then one more with the repeated token: the paginator stops there.
    expect(batch.commandCalls(ListJobsCommand).length).toBeLessThanOrEqual(2 * 2)
  })

  test('a single job: its own result', async () => {
    const single = { ...child(0, 'SUCCEEDED', 0, 's'), jobId: 'one', arrayProperties: undefined }
    batch.on(DescribeJobsCommand, { jobs: ['one'] }).resolves({ jobs: [single] })
    logs
      .on(FilterLogEventsCommand)
      .resolves({ events: [{ logStreamName: 'maze-sim/agent/s', timestamp: 1, message: result('astar', 42, 201) }] })
    const run = await cli('results', 'one', ...aws)
    expect(JSON.parse(run.stdout)).toMatchObject({
      jobId: 'one',
      arrayIndex: null,
      status: 'SUCCEEDED',
      exitCode: 0,
      result: { strategy: 'astar', seed: 42, steps: 201 },
    })
    expect(batch.commandCalls(ListJobsCommand)).toHaveLength(0)
  })
})
