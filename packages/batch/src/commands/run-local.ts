// `maze-batch run-local`: the job definition on the local Docker engine, with Batch's semantics.
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { boolean, help, integer, string } from '@maze-sim/config'
import { assertValidJobDefinition } from '../check.ts'
import { BatchError, BatchErrorCode, usageError } from '../errors.ts'
import { DockerCli } from '../local/docker.ts'
import { runLocalJob } from '../local/runner.ts'
import { formatMissing, packedResults, summarizePacked } from '../packed-results.ts'
import { ChildProgress } from '../progress.ts'
import { planMissing } from '../resubmit.ts'
import { localPackedJob, packedChildrenFromDirectory, readLocalJob, summarizeResults } from '../results.ts'
import { formatPlan, planSubmissions, type PlannedJob } from '../submit.ts'
import { ExitCode, helpOption, interruptedExitCode, type CliIo, type Command, type Values } from './command.ts'
import {
  containerNamesOf,
  definitionOf,
  envFlagsOf,
  num,
  RENDER_FLAGS,
  renderOptions,
  RUN_FLAGS,
  runOptions,
  str,
  submitOptionsOf,
} from './flags.ts'
import { printPacked } from './results.ts'

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
  'only-missing': string({
    flag: 'only-missing',
    placeholder: '<run dir>',
    description:
      "run just the runs the packed run in <run dir> is missing, with that run's definition (unless --file) and its strategies, seeds, size, step limit and seeds per child",
  }),
  docker: string({ env: 'DOCKER', default: 'docker', description: 'the docker command' }),
} as const

/** The run flags --only-missing takes from the run instead. */
const FROM_THE_RUN = ['strategy', 'seed', 'runs', 'seeds', 'width', 'height', 'max-steps', 'split-strategies', 'job-name'] as const

/** The definition and plan of --only-missing <run dir>: its missing runs as packed jobs (none: nothing missing). */
function missingPlan(
  values: Values,
  sources: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  queue: string,
  file: RegisterJobDefinitionCommandInput | undefined,
): { definition: RegisterJobDefinitionCommandInput; plan: PlannedJob[] } {
  const given = FROM_THE_RUN.filter((k) => sources[k] !== undefined)
  if (given.length > 0) throw usageError(`--only-missing takes the runs from the run: leave out ${given.map((k) => `--${k}`).join(', ')}`)
  const runDir = resolve(str(values, 'only-missing')!)
  const job = readLocalJob(runDir)
  if (job === null)
    throw new BatchError(
      BatchErrorCode.Results,
      `${runDir} has no definition.json and submission.json: --only-missing needs a run directory of a packed run-local run`,
    )
  const packed = localPackedJob(runDir)
  if (packed === null)
    throw usageError(
      `${runDir} ran one run per child: --only-missing replays the missing runs of packed runs (--runs-per-child or --seeds)`,
    )
  const found = packedResults(packed, packedChildrenFromDirectory(runDir, packed))
  io.stderr(`${runDir}: ${formatMissing(found.missing, packed.strategies)}\n`)
  const definition = assertValidJobDefinition(file ?? job.definition, 'the job definition')
  const plan = planMissing(packed, found.missing, {
    queue,
    jobDefinition: definition.jobDefinitionName ?? 'maze-sim',
    jobName: job.submission.jobName ?? 'maze-sim',
    runsPerChild: num(values, 'runs-per-child'),
    childOverheadS: num(values, 'child-overhead-s'),
    env: envFlagsOf(values),
    containerNames: containerNamesOf(definition),
  })
  return { definition, plan }
}

export const runLocal: Command = {
  usage: `Usage: maze-batch run-local [options]
       maze-batch run-local --only-missing <run dir> [options]

Runs the job definition on the local Docker engine the way AWS Batch would: one shared localhost
per job, dependsOn START/COMPLETE/SUCCESS, essential containers (when one exits the others are
stopped, dependents first), status from the essential containers' exit codes, the retry strategy
and timeout,
AWS_BATCH_JOB_ID / AWS_BATCH_JOB_ATTEMPT / AWS_BATCH_JOB_ARRAY_INDEX, and the overrides submit
would send. The images must be local (nothing is pulled). Prints one JSON line per run, as
results does (packed jobs: the referee's record of each run, and the missing runs on stderr); the
children done with an ETA go to stderr. Exit 0 when every child SUCCEEDED, 1 otherwise.

--only-missing <run dir> runs just the runs a packed run is missing (as results --dir names them);
nothing missing: says so and runs nothing.

Defaults to the local images (--local): maze-sim/model:latest, maze-sim/agent:latest and the
collector stand-in maze-sim/otlp-receiver:latest.

${help(RUN_LOCAL_OPTIONS)}
${RENDER_FLAGS}

${RUN_FLAGS}
`,
  options: { ...renderOptions, ...runOptions, ...RUN_LOCAL_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io, sources) {
    const queue = str(values, 'queue')!
    let definition: RegisterJobDefinitionCommandInput
    let plan: PlannedJob[]
    if (str(values, 'only-missing') !== undefined) {
      const file =
        sources.file !== undefined ? assertValidJobDefinition(await definitionOf(values, { local: true }), 'the job definition') : undefined
      ;({ definition, plan } = missingPlan(values, sources, io, queue, file))
      if (plan.length === 0) {
        io.stderr('nothing to run\n')
        return ExitCode.Ok
      }
    } else {
      definition = assertValidJobDefinition(await definitionOf(values, { local: true }), 'the job definition')
      plan = planSubmissions(submitOptionsOf(values, queue, definition.jobDefinitionName ?? 'maze-sim', containerNamesOf(definition)))
    }
    io.stderr(`${formatPlan(plan)}\n`)
    const parallel = num(values, 'parallel')!
    const outDir = resolve(str(values, 'out') ?? join(tmpdir(), 'maze-sim-batch'))
    let ok = true
    for (const job of plan) {
      const progress = new ChildProgress({ write: io.stderr, isTTY: io.stderrIsTTY === true })
      // Plain lines every few seconds while long children run (on a terminal: the ETA redrawn).
      const ticker = setInterval(() => progress.tick(), 1000)
      ticker.unref()
      let run: Awaited<ReturnType<typeof runLocalJob>>
      try {
        run = await runLocalJob(definition, job.input, {
          outDir,
          parallel,
          keep: values.keep === true,
          echo: values.follow === true,
          queueName: queue,
          netnsImage: str(values, 'netns-image'),
          docker: new DockerCli(str(values, 'docker')),
          log: (line) => progress.log(line),
          signal: io.signal,
          onStart: ({ children }) => progress.update(0, children),
          onChildDone: (_row, done, total) => progress.update(done, total),
        })
      } finally {
        clearInterval(ticker)
        progress.end()
      }
      const packed = job.packed !== undefined ? localPackedJob(run.runDir) : null
      if (packed !== null) {
        const results = packedResults(packed, packedChildrenFromDirectory(run.runDir, packed))
        printPacked(results, io)
        io.stderr(`${run.jobName}: ${run.status}; ${summarizePacked(results)}\n  results again: maze-batch results --dir ${run.runDir}\n`)
      } else {
        for (const row of run.rows) {
          const { attemptDetails: _details, ...printed } = row
          io.stdout(`${JSON.stringify(printed)}\n`)
        }
        io.stderr(`${run.jobName}: ${run.status}; ${summarizeResults(run.rows)}\n  results again: maze-batch results --dir ${run.runDir}\n`)
      }
      ok &&= run.status === 'SUCCEEDED'
      if (io.signal?.aborted === true) return interruptedExitCode(io.signal)
    }
    return ok ? ExitCode.Ok : ExitCode.Failed
  },
}
