// The deployed stack's outputs (packages/infra, `pnpm batch deploy`): the queues, job definitions and
// region, read with CloudFormation's DescribeStacks so `submit` needs no --queue or ARN. The output
// names are this package's: the infra package builds its outputs from them.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { type AwsOptions, awsError, clientConfig } from './aws.ts'
import { BatchError, BatchErrorCode } from './errors.ts'

/** The stack `pnpm batch deploy` creates, unless --stack. */
export const DEFAULT_STACK_NAME = 'maze-sim'

/** The stack's outputs, by what they hold; the values are the outputs' names in CloudFormation. */
export const STACK_OUTPUTS = {
  queue: 'Queue',
  fargateQueue: 'FargateQueue',
  jobDefinition: 'JobDefinition',
  fargateJobDefinition: 'FargateJobDefinition',
  region: 'Region',
  logGroup: 'LogGroup',
  modelRepository: 'ModelRepository',
  agentRepository: 'AgentRepository',
  teamAgentRepository: 'TeamAgentRepository',
} as const
export type StackOutputs = Partial<Record<keyof typeof STACK_OUTPUTS, string>>

export const createCloudFormationClient = (o: AwsOptions = {}): CloudFormationClient => new CloudFormationClient(clientConfig(o))

/** The outputs of a deployed stack; a stack that does not exist is BATCH_ERR_STACK_NOT_FOUND, naming the way out. */
export async function describeStackOutputs(client: CloudFormationClient, stackName: string = DEFAULT_STACK_NAME): Promise<StackOutputs> {
  let outputs: { OutputKey?: string | undefined; OutputValue?: string | undefined }[]
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }))
    outputs = out.Stacks?.[0]?.Outputs ?? []
  } catch (err) {
    if ((err as { name?: string }).name === 'ValidationError' && /does not exist/i.test((err as Error).message)) {
      throw new BatchError(
        BatchErrorCode.StackNotFound,
        `the stack ${stackName} does not exist in this account and region: deploy it (pnpm batch deploy), or pass --queue and --job-definition`,
        { cause: err },
      )
    }
    throw awsError(err, `DescribeStacks ${stackName}`)
  }
  const byName = new Map(outputs.map((o) => [o.OutputKey, o.OutputValue]))
  return Object.fromEntries(
    Object.entries(STACK_OUTPUTS).flatMap(([key, name]) => {
      const value = byName.get(name)
      return value === undefined ? [] : [[key, value]]
    }),
  ) as StackOutputs
}
