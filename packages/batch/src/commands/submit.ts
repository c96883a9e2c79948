// `maze-batch submit`: one run, an array job over seeds and strategies, or one job per strategy.
import { boolean, help, string } from '@maze-sim/config'
import { createBatchClient, submitJob } from '../aws.ts'
import { usageError } from '../errors.ts'
import { formatPlan, planSubmissions } from '../submit.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, RUN_FLAGS, runOptions, str, submitOptionsOf, templateContainersOf } from './flags.ts'

const SUBMIT_OPTIONS = {
  queue: string({ flag: 'queue', env: 'MAZE_BATCH_QUEUE', placeholder: '<name|arn>', description: 'job queue (required)' }),
  'job-definition': string({
    flag: 'job-definition',
    placeholder: '<name[:rev]|arn>',
    default: 'maze-sim',
    defaultText: 'maze-sim (the latest active revision)',
    description: 'the job definition',
  }),
  'dry-run': boolean({ flag: 'dry-run', description: 'print the SubmitJob input(s) as JSON and stop' }),
} as const

export const submit: Command = {
  usage: `Usage: maze-batch submit --queue <queue> [options]

Submits one run, an array job (seeds x strategies), or one job per strategy. Every setting goes
through ecsPropertiesOverride.taskProperties[0].containers[] (Batch refuses containerOverrides for
multi-container jobs). Prints the job id(s) on stdout, one per line; the plan goes to stderr.

${help(SUBMIT_OPTIONS)}
${RUN_FLAGS}

${AWS_FLAGS}
`,
  options: { ...runOptions, ...awsOptions, ...SUBMIT_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const queue = str(values, 'queue')
    if (queue === undefined) throw usageError('--queue is required (or set MAZE_BATCH_QUEUE): the job queue to submit to')
    const jobDefinition = str(values, 'job-definition')!
    const aws = awsOf(values)
    const plan = planSubmissions(submitOptionsOf(values, queue, jobDefinition, templateContainersOf(jobDefinition)))
    io.stderr(`${formatPlan(plan)}\n`)
    if (values['dry-run'] === true) {
      io.stdout(json(plan.map((p) => p.input)))
      return ExitCode.Ok
    }
    const client = createBatchClient(aws)
    try {
      for (const job of plan) {
        const out = await submitJob(client, job.input)
        io.stderr(`submitted ${out.jobName}: ${out.jobId}\n`)
        io.stdout(`${out.jobId}\n`)
      }
    } finally {
      client.destroy()
    }
    return ExitCode.Ok
  },
}
