// `maze-batch run-local`: the job definition on the local Docker engine, with Batch's semantics.
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { assertValidJobDefinition } from '../check.ts'
import { DockerCli } from '../local/docker.ts'
import { runLocalJob } from '../local/runner.ts'
import { summarizeResults } from '../results.ts'
import { formatPlan, planSubmissions } from '../submit.ts'
import { ExitCode, helpOption, type Command } from './command.ts'
import {
  containerNamesOf,
  definitionOf,
  integerFlag,
  RENDER_FLAGS,
  renderOptions,
  RUN_FLAGS,
  runOptions,
  str,
  submitOptionsOf,
} from './flags.ts'

export const runLocal: Command = {
  usage: `Usage: maze-batch run-local [options]

Runs the job definition on the local Docker engine the way AWS Batch would: one shared localhost
per job, dependsOn START/COMPLETE/SUCCESS, essential containers (when one exits the others are
stopped, dependents first), status from the essential containers' exit codes, the retry strategy
and timeout,
AWS_BATCH_JOB_ID / AWS_BATCH_JOB_ATTEMPT / AWS_BATCH_JOB_ARRAY_INDEX, and the overrides submit
would send. The images must be local (nothing is pulled). Prints one JSON line per run, as
results does; exit 0 when every run SUCCEEDED, 1 otherwise.

Defaults to the local images (--local): maze-sim/model:latest, maze-sim/agent:latest and the
collector stand-in maze-sim/otlp-receiver:latest.

  --file <file.json>          run this rendered definition instead of the template
${RENDER_FLAGS}
${RUN_FLAGS}
  --queue <name>              the queue name the containers see (AWS_BATCH_JQ_NAME; default local)
  --parallel <n>              array children at once (default 2)
  --out <dir>                 where run directories go (default <tmp>/maze-sim-batch)
  --follow                    print every container's output, prefixed, on stderr
  --keep                      keep the containers afterwards (docker ps -a --filter label=maze-sim.batch)
  --netns-image <image>       image of the namespace holder, must have sleep (default: the agent's)
`,
  options: {
    ...renderOptions,
    ...runOptions,
    file: { type: 'string' },
    queue: { type: 'string' },
    parallel: { type: 'string' },
    out: { type: 'string' },
    follow: { type: 'boolean' },
    keep: { type: 'boolean' },
    'netns-image': { type: 'string' },
    ...helpOption,
  },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = assertValidJobDefinition(await definitionOf(values, io, { local: true }), 'the job definition')
    const queue = str(values, 'queue') ?? 'local'
    const plan = planSubmissions(submitOptionsOf(values, queue, definition.jobDefinitionName ?? 'maze-sim', containerNamesOf(definition)))
    io.stderr(`${formatPlan(plan)}\n`)
    const parallel = integerFlag(values, 'parallel', 1, 64) ?? 2
    const outDir = resolve(str(values, 'out') ?? join(tmpdir(), 'maze-sim-batch'))
    let ok = true
    for (const job of plan) {
      const run = await runLocalJob(definition, job.input, {
        outDir,
        parallel,
        keep: values.keep === true,
        echo: values.follow === true,
        queueName: queue,
        netnsImage: str(values, 'netns-image'),
        docker: new DockerCli(io.env.DOCKER),
        log: (line) => io.stderr(`${line}\n`),
        signal: io.signal,
      })
      for (const row of run.rows) {
        const { attemptDetails: _details, ...printed } = row
        io.stdout(`${JSON.stringify(printed)}\n`)
      }
      io.stderr(`${run.jobName}: ${run.status}; ${summarizeResults(run.rows)}\n  results again: maze-batch results --dir ${run.runDir}\n`)
      ok &&= run.status === 'SUCCEEDED'
      if (io.signal?.aborted === true) return ExitCode.Interrupted
    }
    return ok ? ExitCode.Ok : ExitCode.Failed
  },
}
