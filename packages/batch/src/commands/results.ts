// `maze-batch results <job id>` / `--dir <run directory>`: the result of every run. One-run children:
// the agent's result line of each. Packed jobs: the referee's record of each run (the model's lines),
// reconciled with the agent's, and the runs that are missing, by name.
import { resolve } from 'node:path'
import { help, string } from '@maze-sim/config'
import { createBatchClient, createLogsClient, describedPacking, describeWithChildren, fetchPackedLogs, resultsOf } from '../aws.ts'
import { usageError } from '../errors.ts'
import { formatMissing, packedResults, summarizePacked, type PackedResults } from '../packed-results.ts'
import { localPackedJob, packedChildrenFromDirectory, resultsFromDirectory, summarizeResults, type ResultRow } from '../results.ts'
import { ExitCode, helpOption, type CliIo, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, str } from './flags.ts'

const RESULTS_OPTIONS = {
  dir: string({ flag: 'dir', placeholder: '<path>', description: 'a run-local run directory (printed by run-local)' }),
  container: string({ flag: 'container', placeholder: '<name>', default: 'agent', description: 'the container that prints the result' }),
  'model-container': string({
    flag: 'model-container',
    placeholder: '<name>',
    default: 'model',
    description: 'the container that prints the referee lines (packed jobs)',
  }),
} as const

function printRows(rows: readonly ResultRow[], io: CliIo): void {
  for (const row of rows) io.stdout(`${JSON.stringify(row)}\n`)
  io.stderr(`${summarizeResults(rows)}\n`)
}

/** A packed job's rows (one per refereed run) on stdout; disagreements, the summary and the missing runs on stderr. */
export function printPacked(results: PackedResults, io: CliIo): void {
  for (const row of results.rows) io.stdout(`${JSON.stringify(row)}\n`)
  for (const line of results.disagreements) io.stderr(`disagreement: ${line}\n`)
  io.stderr(`${summarizePacked(results)}\n${formatMissing(results.missing, results.strategies)}\n`)
}

export const results: Command = {
  usage: `Usage: maze-batch results <job id> [options]
       maze-batch results --dir <run directory>

One-run children: one JSON line per run, {"jobId","arrayIndex","status","exitCode","statusReason",
"attempts","result"}, where result is the agent's result line ({"strategy","width","height","seed",
"solved","steps","keyStep","requests","elapsedMs","optimalSteps"}) or null.

Packed jobs (--runs-per-child, --seeds): one JSON line per run the referee saw end,
{"jobId","arrayIndex","status","attempts","result"[,"disagreement"]}: result has the agent's schema
with the referee's figures (the model's line of each episode; requests from the agent's own line),
read from every attempt of every child. Where the agent's line said otherwise, "disagreement" lists
the fields and a line goes to stderr. The runs a child was given that have no referee record of
an end (solved or unsolved) are missing: named on stderr, e.g.
  missing 23 runs: child 3: astar seeds 157-170, random-dfs seeds 156-170
and played again by submit --only-missing <job id> / run-local --only-missing <run directory>.
The rows are what pnpm sweep leaderboard --from reads.

For an AWS job the lines come from CloudWatch Logs (the agent's and, for packed jobs, the model's
awslogs streams of every finished child); with --dir from the files of a run-local run. A summary
goes to stderr. Exit 0 unless the results cannot be read.

${help(RESULTS_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...awsOptions, ...RESULTS_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io) {
    const dir = str(values, 'dir')
    const agent = str(values, 'container')!
    const model = str(values, 'model-container')!
    if (dir !== undefined) {
      if (positionals.length > 0) throw usageError('results takes a job id or --dir, not both')
      const runDir = resolve(dir)
      const packed = localPackedJob(runDir, agent, model)
      if (packed !== null) printPacked(packedResults(packed, packedChildrenFromDirectory(runDir, packed, agent, model)), io)
      else printRows(resultsFromDirectory(runDir, agent), io)
      return ExitCode.Ok
    }
    if (positionals.length !== 1) throw usageError('results needs one job id (or --dir <run directory>)')
    const batch = createBatchClient(awsOf(values, io.signal))
    const logs = createLogsClient(awsOf(values, io.signal))
    try {
      const described = await describeWithChildren(batch, positionals[0]!)
      const packed = describedPacking(described, agent, model)
      if (packed === null) printRows(await resultsOf(logs, described, agent), io)
      else {
        const { children, pending } = await fetchPackedLogs(logs, described, { agent, model })
        printPacked(packedResults(packed, children, pending), io)
      }
    } finally {
      batch.destroy()
      logs.destroy()
    }
    return ExitCode.Ok
  },
}
