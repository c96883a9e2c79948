// `maze-batch submit`: one run, an array job over seeds and strategies (one run per child, or packed),
// one job per strategy, or just the runs a packed job is missing (--only-missing).
import type { BatchClient } from '@aws-sdk/client-batch'
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { boolean, help, oneOf, string } from '@maze-sim/config'
import { createBatchClient, createLogsClient, describedPacking, describeWithChildren, fetchPackedLogs, submitJob } from '../aws.ts'
import { usageError } from '../errors.ts'
import { formatMissing, packedResults } from '../packed-results.ts'
import { planMissing } from '../resubmit.ts'
import { createCloudFormationClient, DEFAULT_STACK_NAME, describeStackOutputs } from '../stack.ts'
import { isDone } from '../status.ts'
import { formatPlan, planSubmissions, type PlannedJob } from '../submit.ts'
import { ExitCode, helpOption, json, type CliIo, type Command, type Values } from './command.ts'
import {
  AWS_FLAGS,
  awsOf,
  awsOptions,
  envFlagsOf,
  num,
  RUN_FLAGS,
  runOptions,
  str,
  submitOptionsOf,
  templateContainersOf,
} from './flags.ts'
import { followJobs, WATCH_OPTIONS } from './watch.ts'

const SUBMIT_OPTIONS = {
  queue: string({
    flag: 'queue',
    env: 'MAZE_BATCH_QUEUE',
    placeholder: '<name|arn>',
    defaultText: "the deployed stack's queue",
    description: 'job queue',
  }),
  'job-definition': string({
    flag: 'job-definition',
    placeholder: '<name[:rev]|arn>',
    default: 'maze-sim',
    defaultText: "the deployed stack's definition without --queue, else maze-sim (the latest active revision)",
    description: 'the job definition',
  }),
  stack: string({
    flag: 'stack',
    env: 'MAZE_BATCH_STACK',
    placeholder: '<name>',
    default: DEFAULT_STACK_NAME,
    description: 'without --queue: the stack of `maze-batch deploy` whose queue and job definition to use (CloudFormation DescribeStacks)',
  }),
  platform: oneOf(['ec2', 'fargate'], {
    flag: 'platform',
    default: 'ec2',
    description: "without --queue: the stack's EC2 or Fargate queue and job definition",
  }),
  'dry-run': boolean({ flag: 'dry-run', description: 'print the SubmitJob input(s) as JSON and stop' }),
  'only-missing': string({
    flag: 'only-missing',
    placeholder: '<job id>',
    description:
      'submit just the runs the finished packed job <job id> is missing (its strategies, seeds, size, step limit and seeds per child; its queue and job definition unless --queue / --job-definition)',
  }),
  watch: boolean({ flag: 'watch', description: 'then follow the jobs until they finish, as `watch` does (exit code as watch)' }),
  interval: WATCH_OPTIONS.interval,
} as const

/** The run flags --only-missing takes from the job instead. */
const FROM_THE_JOB = ['strategy', 'seed', 'runs', 'seeds', 'width', 'height', 'max-steps', 'split-strategies', 'job-name'] as const

/** The plan of --only-missing: the job's missing runs as packed submissions (empty: nothing missing). */
async function missingPlan(
  batch: BatchClient,
  logs: CloudWatchLogsClient,
  jobId: string,
  values: Values,
  sources: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<PlannedJob[]> {
  const described = await describeWithChildren(batch, jobId)
  const job = described.job
  if (!isDone(job))
    throw usageError(`job ${jobId} is ${job.status}: its missing runs are known once it has finished (maze-batch watch ${jobId})`)
  const packed = describedPacking(described)
  if (packed === null)
    throw usageError(
      `job ${jobId} plays one run per child: --only-missing replays the missing runs of packed jobs (--runs-per-child or --seeds); resubmit its failed children's seeds with --seeds`,
    )
  const { children, pending } = await fetchPackedLogs(logs, described)
  const found = packedResults(packed, children, pending)
  io.stderr(`${job.jobName} ${jobId}: ${formatMissing(found.missing, packed.strategies)}\n`)
  const jobDefinition = sources['job-definition'] !== undefined ? str(values, 'job-definition')! : job.jobDefinition!
  return planMissing(packed, found.missing, {
    queue: str(values, 'queue') ?? job.jobQueue!,
    jobDefinition,
    jobName: job.jobName ?? 'maze-sim',
    runsPerChild: num(values, 'runs-per-child'),
    childOverheadS: num(values, 'child-overhead-s'),
    env: envFlagsOf(values),
    containerNames: templateContainersOf(jobDefinition),
  })
}

/**
 * The queue and job definition of the deployed stack (`maze-batch deploy`), for a submit without
 * --queue: the EC2 ones, or the Fargate ones with --platform fargate; --job-definition still wins.
 */
async function fromStack(
  values: Values,
  sources: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<{ queue: string; jobDefinition: string }> {
  const stackName = str(values, 'stack')!
  const client = createCloudFormationClient(awsOf(values, io.signal))
  try {
    const outputs = await describeStackOutputs(client, stackName)
    const fargate = values.platform === 'fargate'
    const queue = fargate ? outputs.fargateQueue : outputs.queue
    const definition = fargate ? outputs.fargateJobDefinition : outputs.jobDefinition
    if (queue === undefined || definition === undefined)
      throw usageError(
        `the stack ${stackName} has no ${fargate ? 'Fargate ' : ''}queue or job definition output: pass --queue and --job-definition`,
      )
    const jobDefinition = sources['job-definition'] !== undefined ? str(values, 'job-definition')! : definition
    io.stderr(`stack ${stackName}: queue ${queue}, job definition ${jobDefinition}\n`)
    return { queue, jobDefinition }
  } finally {
    client.destroy()
  }
}

export const submit: Command = {
  usage: `Usage: maze-batch submit [--queue <queue>] [options]
       maze-batch submit --only-missing <job id> [--runs-per-child <K>] [--dry-run] [--watch]

Submits one run, an array job (seeds x strategies), or one job per strategy. Every setting goes
through ecsPropertiesOverride.taskProperties[0].containers[] (Batch refuses containerOverrides for
multi-container jobs). Prints the job id(s) on stdout, one per line; the plan goes to stderr.
Without --queue (or MAZE_BATCH_QUEUE) the queue and job definition are the outputs of the stack
\`maze-batch deploy\` created (--stack, --platform), read with CloudFormation DescribeStacks.

Packing (--runs-per-child K): each child plays every strategy on floor(K / strategies) whole seeds,
so --strategy astar,random-dfs --runs 200 --runs-per-child 50 is 8 children of 50 runs, and
--runs 10000 --runs-per-child 100 is 100 children. The plan says what that saves in start-up
(containers x --child-overhead-s x children avoided). --seeds 1-200,500 plays those seeds instead
of --seed/--runs (packed, one seed per child unless --runs-per-child).

--only-missing <job id>: the runs the finished packed job is missing (results names them), as one
packed job per group of seeds missing the same strategies; nothing missing: says so, submits nothing.

${help(SUBMIT_OPTIONS)}
${RUN_FLAGS}

${AWS_FLAGS}
`,
  options: { ...runOptions, ...awsOptions, ...SUBMIT_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io, sources) {
    const onlyMissing = str(values, 'only-missing')
    const queue = str(values, 'queue')
    const aws = awsOf(values, io.signal)
    let plan: PlannedJob[]
    const client = createBatchClient(aws)
    try {
      if (onlyMissing !== undefined) {
        const given = FROM_THE_JOB.filter((k) => sources[k] !== undefined)
        if (given.length > 0)
          throw usageError(`--only-missing takes the runs from the job: leave out ${given.map((k) => `--${k}`).join(', ')}`)
        const logs = createLogsClient(aws)
        try {
          plan = await missingPlan(client, logs, onlyMissing, values, sources, io)
        } finally {
          logs.destroy()
        }
        if (plan.length === 0) {
          io.stderr('nothing to submit\n')
          if (values['dry-run'] === true) io.stdout(json([]))
          return ExitCode.Ok
        }
      } else {
        const target = queue !== undefined ? { queue, jobDefinition: str(values, 'job-definition')! } : await fromStack(values, sources, io)
        plan = planSubmissions(submitOptionsOf(values, target.queue, target.jobDefinition, templateContainersOf(target.jobDefinition)))
      }
      io.stderr(`${formatPlan(plan)}\n`)
      if (values['dry-run'] === true) {
        io.stdout(json(plan.map((p) => p.input)))
        return ExitCode.Ok
      }
      const ids: string[] = []
      for (const job of plan) {
        const out = await submitJob(client, job.input)
        io.stderr(`submitted ${out.jobName}: ${out.jobId}\n`)
        io.stdout(`${out.jobId}\n`)
        ids.push(out.jobId!)
      }
      // stdout holds only the job ids: the watch lines go to stderr.
      if (values.watch === true) return await followJobs(client, ids, io, num(values, 'interval')!, (line) => io.stderr(`${line}\n`))
    } finally {
      client.destroy()
    }
    return ExitCode.Ok
  },
}
