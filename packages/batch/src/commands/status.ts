// `maze-batch status <job id>...`: each job's state, its children's counts, its containers' exit codes.
import { boolean, help } from '@maze-sim/config'
import { createBatchClient, describeJobs } from '../aws.ts'
import { usageError } from '../errors.ts'
import { formatJob } from '../status.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions } from './flags.ts'

const STATUS_OPTIONS = { json: boolean({ flag: 'json', description: 'the DescribeJobs details as JSON' }) } as const

export const status: Command = {
  usage: `Usage: maze-batch status <job id>... [--json]

Prints each job's state and reason, the children's counts by state for an array job, and the
containers' exit codes once they have them.

${help(STATUS_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...awsOptions, ...STATUS_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw usageError('status needs at least one job id')
    const client = createBatchClient(awsOf(values, io.signal))
    try {
      const jobs = await describeJobs(client, positionals)
      if (values.json === true) io.stdout(json(jobs))
      else for (const job of jobs) io.stdout(`${formatJob(job)}\n`)
    } finally {
      client.destroy()
    }
    return ExitCode.Ok
  },
}
