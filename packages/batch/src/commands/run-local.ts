// `maze-batch run-local`: the job definition on the local Docker engine, with Batch's semantics.
import { tmpdir } from 'node:os'
import { boolean, help, integer, string } from '@maze-sim/config'
import { join, resolve } from 'node:path'
import { assertValidJobDefinition } from '../check.ts'
import { DockerCli } from '../local/docker.ts'
import { runLocalJob } from '../local/runner.ts'
import { summarizeResults } from '../results.ts'
import { formatPlan, planSubmissions } from '../submit.ts'
import { ExitCode, helpOption, type Command } from './command.ts'
import { containerNamesOf, definitionOf, num, RENDER_FLAGS, renderOptions, RUN_FLAGS, runOptions, str, submitOptionsOf } from './flags.ts'

const RUN_LOCAL_OPTIONS = {
  file: string({ flag: 'file', placeholder: '<file.json>', description: 'run this rendered definition instead of the template' }),
  queue: string({
    flag: 'queue',
    placeholder: '<name>',
    default: 'local',
    description: 'the queue name the containers see (AWS_BATCH_JQ_NAME)',
  }),
  parallel: integer({ flag: 'parallel', min: 1, max: 64, default: 2, description: 'array children at once' }),
  out: string({ flag: 'out', placeholder: '<dir>', defaultText: '<tmp>/maze-sim-batch', description: 'where run directories go' }),
  follow: boolean({ flag: 'follow', description: "print every container's output, prefixed, on stderr" }),
  keep: boolean({ flag: 'keep', description: 'keep the containers afterwards (docker ps -a --filter label=maze-sim.batch)' }),
  'netns-image': string({
    flag: 'netns-image',
    placeholder: '<image>',
    defaultText: "the agent's",
    description: 'image of the namespace holder, must have sleep',
  }),
  docker: string({ env: 'DOCKER', default: 'docker', description: 'the docker command' }),
} as const

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

${help(RUN_LOCAL_OPTIONS)}
${RENDER_FLAGS}

${RUN_FLAGS}
`,
  options: { ...renderOptions, ...runOptions, ...RUN_LOCAL_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = assertValidJobDefinition(await definitionOf(values, { local: true }), 'the job definition')
    const queue = str(values, 'queue')!
    const plan = planSubmissions(submitOptionsOf(values, queue, definition.jobDefinitionName ?? 'maze-sim', containerNamesOf(definition)))
    io.stderr(`${formatPlan(plan)}\n`)
    const parallel = num(values, 'parallel')!
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
        docker: new DockerCli(str(values, 'docker')),
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
