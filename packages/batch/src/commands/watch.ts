// `maze-batch watch <job id>...`: polls until the jobs are done, a line per change.
import { help, integer } from '@maze-sim/config'
import { createBatchClient } from '../aws.ts'
import { usageError } from '../errors.ts'
import { watchJobs } from '../status.ts'
import { ExitCode, helpOption, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, num } from './flags.ts'

const WATCH_OPTIONS = {
  interval: integer({ flag: 'interval', min: 1, max: 3600, default: 15, placeholder: '<seconds>', description: 'time between polls' }),
} as const

export const watch: Command = {
  usage: `Usage: maze-batch watch <job id>... [--interval <seconds>]

Polls the jobs and prints a line whenever their state (or their children's counts) changes, until
all are SUCCEEDED or FAILED. Exit 0 when all SUCCEEDED, 1 otherwise.

${help(WATCH_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...awsOptions, ...WATCH_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw usageError('watch needs at least one job id')
    const interval = num(values, 'interval')!
    const client = createBatchClient(awsOf(values))
    try {
      const jobs = await watchJobs(client, positionals, {
        intervalMs: interval * 1000,
        print: (line) => io.stdout(`${line}\n`),
        sleep: io.sleep,
        signal: io.signal,
      })
      if (io.signal?.aborted === true) return ExitCode.Interrupted
      return jobs.every((j) => j.status === 'SUCCEEDED') ? ExitCode.Ok : ExitCode.Failed
    } finally {
      client.destroy()
    }
  },
}
