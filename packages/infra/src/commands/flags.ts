// The flags of deploy, push-images and destroy, with @maze-sim/config's builders (help generated from
// them), and the typed options read from them. The AWS flags are the batch CLI's own.
import { awsOptions, DEFAULT_STACK_NAME, num, str, usageError, type Values } from '@maze-sim/batch'
import { boolean, help, integer, oneOf, string, type Table } from '@maze-sim/config'
import { Capacity } from '../names.ts'

/** The account of a dry run without credentials: render's placeholder for a local definition. */
export const PLACEHOLDER_ACCOUNT = '000000000000'

export const stackOptions = {
  stack: string({
    flag: 'stack',
    env: 'MAZE_BATCH_STACK',
    placeholder: '<name>',
    default: DEFAULT_STACK_NAME,
    description: 'the CloudFormation stack',
  }),
  account: string({
    flag: 'account',
    env: 'AWS_ACCOUNT_ID',
    placeholder: '<id>',
    defaultText: "the credentials' account (STS GetCallerIdentity); --dry-run without it: 000000000000",
    description: "AWS account id; checked against the credentials' when not a dry run",
  }),
  'dry-run': boolean({ flag: 'dry-run', description: 'print what would be done and stop: no credentials needed, nothing sent to AWS' }),
  ...awsOptions,
} as const

/** What the stack is made of (deploy, destroy: the same app is synthesized for both). */
export const appOptions = {
  'image-tag': string({
    flag: 'image-tag',
    placeholder: '<tag>',
    default: 'latest',
    description: 'tag of the images the job definitions use',
  }),
  capacity: oneOf([Capacity.Both, Capacity.Spot, Capacity.OnDemand], {
    flag: 'capacity',
    env: 'MAZE_BATCH_CAPACITY',
    default: Capacity.Both,
    description: 'EC2 capacity of the maze-sim queue: Spot then On-Demand (both), or only one',
  }),
  'max-vcpus': integer({
    flag: 'max-vcpus',
    min: 1,
    max: 10_000,
    default: 256,
    description: 'vCPUs each compute environment may run at once',
  }),
  'log-retention-days': integer({
    flag: 'log-retention-days',
    min: 1,
    max: 3653,
    default: 30,
    allowed:
      "one of CloudWatch Logs' retentions: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    description: "how long the jobs' logs are kept",
  }),
} as const

export const group = (title: string, table: Table): string => `${title}\n${help(table).trimEnd()}`

export const STACK_FLAGS = group(
  'Stack and AWS: region and credentials come from the standard chain (AWS_REGION, AWS_PROFILE, ~/.aws, SSO, roles)',
  stackOptions,
)
export const APP_FLAGS = group('What the stack holds:', appOptions)

/** CloudWatch Logs' retention periods, in days. */
const RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

/** The app options read from the flags (account and region are the caller's). */
export function appOptionsOf(values: Values) {
  const days = num(values, 'log-retention-days')!
  if (!RETENTIONS.includes(days))
    throw usageError(`--log-retention-days ${days}: CloudWatch Logs keeps logs for one of ${RETENTIONS.join(', ')} days`)
  return {
    stackName: str(values, 'stack'),
    imageTag: str(values, 'image-tag'),
    capacity: values.capacity as Capacity,
    maxVcpus: num(values, 'max-vcpus'),
    logRetention: days,
  }
}
