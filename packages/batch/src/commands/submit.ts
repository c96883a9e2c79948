// `maze-batch submit`: one run, an array job over seeds and strategies, or one job per strategy.
import { createBatchClient, submitJob } from '../aws.ts'
import { usageError } from '../errors.ts'
import { formatPlan, planSubmissions } from '../submit.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, RUN_FLAGS, runOptions, str, submitOptionsOf, templateContainersOf } from './flags.ts'

export const submit: Command = {
  usage: `Usage: maze-batch submit --queue <queue> [options]

Submits one run, an array job (seeds x strategies), or one job per strategy. Every setting goes
through ecsPropertiesOverride.taskProperties[0].containers[] (Batch refuses containerOverrides for
multi-container jobs). Prints the job id(s) on stdout, one per line; the plan goes to stderr.

  --queue <name|arn>          job queue (MAZE_BATCH_QUEUE)
  --job-definition <name[:rev]|arn>   default maze-sim (the latest active revision)
${RUN_FLAGS}
  --dry-run                   print the SubmitJob input(s) as JSON and stop
${AWS_FLAGS}
`,
  options: {
    ...runOptions,
    ...awsOptions,
    queue: { type: 'string' },
    'job-definition': { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...helpOption,
  },
  takesArguments: false,
  async run(values, _positionals, io) {
    const queue = str(values, 'queue') ?? (io.env.MAZE_BATCH_QUEUE?.trim() || undefined)
    if (queue === undefined) throw usageError('--queue is required (or set MAZE_BATCH_QUEUE): the job queue to submit to')
    const jobDefinition = str(values, 'job-definition') ?? 'maze-sim'
    const aws = awsOf(values, io)
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
