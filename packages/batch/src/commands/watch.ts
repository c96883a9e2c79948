// `maze-batch watch <job id>...`: polls until the jobs are done, a line per change, and the children
// done of all with an ETA on stderr (redrawn in place on a terminal).
import type { BatchClient } from '@aws-sdk/client-batch'
import { help, integer } from '@maze-sim/config'
import { createBatchClient } from '../aws.ts'
import { usageError } from '../errors.ts'
import { ChildProgress } from '../progress.ts'
import { watchJobs } from '../status.ts'
import { ExitCode, helpOption, interruptedExitCode, type CliIo, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, num } from './flags.ts'

export const WATCH_OPTIONS = {
  interval: integer({ flag: 'interval', min: 1, max: 3600, default: 15, placeholder: '<seconds>', description: 'time between polls' }),
} as const

/**
 * Follows the jobs until all are done (watch, submit --watch), a line per change to `print` (stdout
 * by default); the exit code: 0 when all SUCCEEDED.
 */
export async function followJobs(
  client: BatchClient,
  jobIds: readonly string[],
  io: CliIo,
  intervalS: number,
  print: (line: string) => void = (line) => io.stdout(`${line}\n`),
): Promise<number> {
  const progress = new ChildProgress({ write: io.stderr, isTTY: io.stderrIsTTY === true })
  try {
    const jobs = await watchJobs(client, jobIds, {
      intervalMs: intervalS * 1000,
      print: (line) => progress.around(() => print(line)),
      sleep: io.sleep,
      signal: io.signal,
      progress: (done, total) => progress.update(done, total),
    })
    if (io.signal?.aborted === true) return interruptedExitCode(io.signal)
    return jobs.every((j) => j.status === 'SUCCEEDED') ? ExitCode.Ok : ExitCode.Failed
  } finally {
    progress.end()
  }
}

export const watch: Command = {
  usage: `Usage: maze-batch watch <job id>... [--interval <seconds>]

Polls the jobs and prints a line whenever their state (or their children's counts) changes, until
all are SUCCEEDED or FAILED; on stderr, the children done (SUCCEEDED + FAILED) of all with an ETA
from the rate since watching began (redrawn in place on a terminal). Exit 0 when all SUCCEEDED, 1
otherwise.

${help(WATCH_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...awsOptions, ...WATCH_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw usageError('watch needs at least one job id')
    const client = createBatchClient(awsOf(values, io.signal))
    try {
      return await followJobs(client, positionals, io, num(values, 'interval')!)
    } finally {
      client.destroy()
    }
  },
}
