// submit without --queue: the queue and job definition come from the outputs of the stack
// `maze-batch deploy` created, read with CloudFormation DescribeStacks (mocked: aws-sdk-client-mock).
import { BatchClient, SubmitJobCommand } from '@aws-sdk/client-batch'
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runCli } from '../src/cli.ts'
import { describeStackOutputs, STACK_OUTPUTS } from '../src/stack.ts'

const cfn = mockClient(CloudFormationClient)
const batch = mockClient(BatchClient)

const DEFINITION = 'arn:aws:batch:eu-west-1:123456789012:job-definition/maze-sim:3'
const FARGATE_DEFINITION = 'arn:aws:batch:eu-west-1:123456789012:job-definition/maze-sim-fargate:2'
const OUTPUTS = [
  { OutputKey: STACK_OUTPUTS.queue, OutputValue: 'maze-sim' },
  { OutputKey: STACK_OUTPUTS.fargateQueue, OutputValue: 'maze-sim-fargate' },
  { OutputKey: STACK_OUTPUTS.jobDefinition, OutputValue: DEFINITION },
  { OutputKey: STACK_OUTPUTS.fargateJobDefinition, OutputValue: FARGATE_DEFINITION },
  { OutputKey: STACK_OUTPUTS.region, OutputValue: 'eu-west-1' },
  { OutputKey: 'SomethingElse', OutputValue: 'ignored' },
]

beforeEach(() => {
  cfn.reset()
  batch.reset()
  cfn
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'maze-sim', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: OUTPUTS }] })
})
afterEach(() => {
  cfn.reset()
  batch.reset()
})

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} })
  return { code, stdout, stderr }
}

describe('describeStackOutputs', () => {
  test('the outputs by what they hold; others ignored', async () => {
    const outputs = await describeStackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'maze-sim')
    expect(outputs).toEqual({
      queue: 'maze-sim',
      fargateQueue: 'maze-sim-fargate',
      jobDefinition: DEFINITION,
      fargateJobDefinition: FARGATE_DEFINITION,
      region: 'eu-west-1',
    })
    expect(cfn.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({ StackName: 'maze-sim' })
  })
})

describe('submit without --queue', () => {
  test("--dry-run: the stack's EC2 queue and job definition", async () => {
    const { code, stdout, stderr } = await cli('submit', '--strategy', 'astar', '--dry-run', '--region', 'eu-west-1')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject([{ jobQueue: 'maze-sim', jobDefinition: DEFINITION }])
    expect(stderr).toContain(`stack maze-sim: queue maze-sim, job definition ${DEFINITION}`)
    expect(batch.calls()).toHaveLength(0)
  })

  test('--platform fargate --stack other: the Fargate ones of that stack', async () => {
    const { code, stdout } = await cli('submit', '--dry-run', '--platform', 'fargate', '--stack', 'other', '--region', 'eu-west-1')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject([{ jobQueue: 'maze-sim-fargate', jobDefinition: FARGATE_DEFINITION }])
    expect(cfn.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({ StackName: 'other' })
  })

  test('--job-definition still wins over the output', async () => {
    const { stdout } = await cli('submit', '--dry-run', '--job-definition', 'mine:4', '--region', 'eu-west-1')
    expect(JSON.parse(stdout)).toMatchObject([{ jobQueue: 'maze-sim', jobDefinition: 'mine:4' }])
  })

  test('submits to them', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-1', jobName: 'maze-sim-astar-seed1', jobArn: 'arn:job' })
    const { code, stdout } = await cli('submit', '--region', 'eu-west-1')
    expect(code).toBe(0)
    expect(stdout).toBe('job-1\n')
    expect(batch.commandCalls(SubmitJobCommand)[0]!.args[0].input).toMatchObject({ jobQueue: 'maze-sim', jobDefinition: DEFINITION })
  })

  test('with --queue (or MAZE_BATCH_QUEUE) the stack is not read', async () => {
    const { code } = await cli('submit', '--queue', 'q', '--dry-run')
    expect(code).toBe(0)
    expect(cfn.calls()).toHaveLength(0)
  })

  test('no stack: BATCH_ERR_STACK_NOT_FOUND, exit 3, saying to deploy or pass --queue', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id maze-sim does not exist'), { name: 'ValidationError' }))
    expect(await cli('submit', '--dry-run', '--region', 'eu-west-1')).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'maze-batch: BATCH_ERR_STACK_NOT_FOUND: the stack maze-sim does not exist in this account and region: deploy it (pnpm batch deploy), or pass --queue and --job-definition\n',
    })
  })

  test('a stack without the outputs: BATCH_ERR_USAGE, exit 2', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'x', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: [] }] })
    const { code, stderr } = await cli('submit', '--dry-run', '--stack', 'x', '--region', 'eu-west-1')
    expect(code).toBe(2)
    expect(stderr).toMatch(/the stack x has no queue or job definition output: pass --queue and --job-definition/)
  })

  test('no credentials: BATCH_ERR_AWS with the hint', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))
    const { code, stderr } = await cli('submit', '--dry-run', '--region', 'eu-west-1')
    expect(code).toBe(3)
    expect(stderr).toMatch(/DescribeStacks maze-sim failed: .* No usable AWS credentials/)
  })
})
