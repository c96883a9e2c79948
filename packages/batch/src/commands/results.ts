// `maze-batch results <job id>` / `--dir <run directory>`: the agent's result line of every run.
import { resolve } from 'node:path'
import { help, string } from '@maze-sim/config'
import { createBatchClient, createLogsClient, fetchResults } from '../aws.ts'
import { usageError } from '../errors.ts'
import { resultsFromDirectory, summarizeResults, type ResultRow } from '../results.ts'
import { ExitCode, helpOption, type CliIo, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, str } from './flags.ts'

const RESULTS_OPTIONS = {
  dir: string({ flag: 'dir', placeholder: '<path>', description: 'a run-local run directory (printed by run-local)' }),
  container: string({ flag: 'container', placeholder: '<name>', default: 'agent', description: 'the container that prints the result' }),
} as const

function printRows(rows: readonly ResultRow[], io: CliIo): void {
  for (const row of rows) io.stdout(`${JSON.stringify(row)}\n`)
  io.stderr(`${summarizeResults(rows)}\n`)
}

export const results: Command = {
  usage: `Usage: maze-batch results <job id> [options]
       maze-batch results --dir <run directory>

Prints one JSON line per run: {"jobId","arrayIndex","status","exitCode","statusReason","attempts",
"result"}, where result is the agent's result line ({"strategy","width","height","seed","solved",
"steps","keyStep","requests","elapsedMs","optimalSteps"}) or null. For an AWS job the lines are
read from CloudWatch Logs (the agent container's awslogs stream; every finished child of an array
job); with --dir from the files of a run-local run. A summary goes to stderr.

${help(RESULTS_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...awsOptions, ...RESULTS_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io) {
    const dir = str(values, 'dir')
    const container = str(values, 'container')!
    if (dir !== undefined) {
      if (positionals.length > 0) throw usageError('results takes a job id or --dir, not both')
      printRows(resultsFromDirectory(resolve(dir), container), io)
      return ExitCode.Ok
    }
    if (positionals.length !== 1) throw usageError('results needs one job id (or --dir <run directory>)')
    const batch = createBatchClient(awsOf(values))
    const logs = createLogsClient(awsOf(values))
    try {
      printRows(await fetchResults(batch, logs, positionals[0]!, container), io)
    } finally {
      batch.destroy()
      logs.destroy()
    }
    return ExitCode.Ok
  },
}
