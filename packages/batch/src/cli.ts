// The `maze-batch` command line: parses arguments (and the few variables it reads) once, then runs
// one command. `runCli` takes its inputs and outputs as arguments so tests run it in-process (with
// a mocked AWS SDK client) as well as through main.ts.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { MAX_SIDE, SIZE_RULE } from '@maze-sim/maze'
import {
  createBatchClient,
  createLogsClient,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  describeJobs,
  fetchResults,
  MAX_ATTEMPTS_LIMIT,
  MAX_REQUEST_TIMEOUT_MS,
  registerJobDefinition,
  resolveRegion,
  submitJob,
  type AwsOptions,
} from './aws.ts'
import { assertValidJobDefinition, checkJobDefinition, formatProblems, Severity } from './check.ts'
import { BatchError, BatchErrorCode, usageError } from './errors.ts'
import { DockerCli } from './local/docker.ts'
import { runLocalJob } from './local/runner.ts'
import { resultsFromDirectory, summarizeResults, type ResultRow } from './results.ts'
import { formatJob, watchJobs } from './status.ts'
import { formatPlan, planSubmissions, type EnvOverride, type SubmitOptions } from './submit.ts'
import { Platform, readJsonFile, render, TEMPLATE_FILES, type RenderOptions } from './template.ts'

/** Exit codes of `maze-batch`. */
export const ExitCode = {
  Ok: 0,
  /** A job FAILED, or `check` found errors. */
  Failed: 1,
  /** A bad command line, template or parameter (BATCH_ERR_USAGE, BATCH_ERR_TEMPLATE). */
  Usage: 2,
  /** AWS or Docker could not do it (BATCH_ERR_AWS, BATCH_ERR_JOB_NOT_FOUND, BATCH_ERR_RESULTS, BATCH_ERR_DOCKER, BATCH_ERR_IMAGE_MISSING). */
  Unavailable: 3,
  Interrupted: 130,
} as const

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal | undefined
  /** For `watch` in tests. */
  readonly sleep?: (ms: number) => Promise<void>
}

const RENDER_FLAGS = `Job definition (render, check, register, run-local):
  --platform ec2|fargate      which template (default ec2): batch/job-definition[.fargate].json
  --template <file>           another template with {{PARAMETERS}}
  --account <id>              AWS account id (AWS_ACCOUNT_ID)
  --region <region>           AWS region (default: AWS_REGION or your profile's region)
  --profile <name>            the AWS profile whose region to use (AWS_PROFILE)
  --image-tag <tag>           tag of the model and agent images in ECR (default latest)
  --model-image <uri>         default <account>.dkr.ecr.<region>.amazonaws.com/maze-sim/model:<tag>
  --agent-image <uri>         default <account>.dkr.ecr.<region>.amazonaws.com/maze-sim/agent:<tag>
  --collector-image <uri>     default public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0
  --collector-config <file>   the collector's configuration, inlined as AOT_CONFIG_CONTENT
                              (default docker/collector/aws.yaml, else packages/telemetry/collector/aws.yaml)
  --job-role-arn <arn>        the task role (default arn:aws:iam::<account>:role/maze-sim-batch-job)
  --execution-role-arn <arn>  the execution role (default ...:role/maze-sim-batch-execution)
  --log-group <name>          awslogs group (default /aws/batch/maze-sim)
  --name <name>               job definition name (default maze-sim, or maze-sim-fargate)
  --assign-public-ip ENABLED|DISABLED   Fargate only (default ENABLED)
  --cpu-architecture X86_64|ARM64       Fargate only (default X86_64)
  --local                     local images (maze-sim/model, maze-sim/agent, maze-sim/otlp-receiver)
                              and placeholder account/region`

const RUN_FLAGS = `Runs (submit, run-local):
  --strategy <a[,b,...]>      strategies; several make a sweep (default: the definition's, astar)
  --seed <n>                  the maze seed; for an array job the first seed (default 1)
  --runs <n>                  seeds per strategy (default 1): an array job of runs x strategies
                              children; child i runs strategy i mod S on seed + floor(i / S)
  --split-strategies          one job (or array job) per strategy instead of one sweep
  --width <n>, --height <n>   maze size (MAZE_WIDTH, MAZE_HEIGHT of the model): ${SIZE_RULE}
  --max-steps <n>             the agent's step limit (AGENT_MAX_STEPS)
  --env <container>:<NAME>=<value>   any other variable, repeatable (e.g. agent:AGENT_SEED=3); the
                              container must be one of the definition's (checked for run-local and
                              for submit to maze-sim / maze-sim-fargate)
  --job-name <name>           job name (default maze-sim-<strategies>-seed<n>[-x<count>]): up to 128
                              letters, numbers, hyphens and underscores, the first a letter or number`

const AWS_FLAGS = `AWS (register, submit, status, watch, results):
  --region <region>, --profile <name>   override AWS_REGION / AWS_PROFILE; credentials come from
                                        the standard chain (environment, ~/.aws, SSO, roles)
  --request-timeout-ms <ms>   each attempt of an AWS call gives up after this long
                              (MAZE_BATCH_REQUEST_TIMEOUT_MS; default ${DEFAULT_REQUEST_TIMEOUT_MS}, at most ${MAX_REQUEST_TIMEOUT_MS})
  --max-attempts <n>          attempts per AWS call, retrying throttling, 5xx and network errors
                              (MAZE_BATCH_MAX_ATTEMPTS; default ${DEFAULT_MAX_ATTEMPTS}, 1 to ${MAX_ATTEMPTS_LIMIT})`

export const USAGE: Readonly<Record<string, string>> = {
  main: `Usage: maze-batch <command> [options]      (pnpm batch <command> ...)

AWS Batch for maze-sim: one job runs the collector, the model and the agent together; array jobs
run many seeds and strategies.

Commands:
  render      print the RegisterJobDefinition JSON for an account and region (offline)
  check       check a job definition against AWS Batch's rules (offline)
  register    render, check and register the job definition; prints its ARN
  submit      submit one run, or an array job over seeds and strategies; prints the job id(s)
  status      a job's state (array jobs: the children's counts by state)
  watch       follow jobs until they finish; exit 0 when all SUCCEEDED
  results     the agent's result line of each run, one JSON line per run
  run-local   run the job definition on the local Docker engine with Batch's semantics

Run \`maze-batch <command> --help\` for a command's options. See batch/README.md.

Exit codes: 0 ok; 1 a job FAILED or check found errors; 2 bad command line, template or
parameter (BATCH_ERR_USAGE, BATCH_ERR_TEMPLATE); 3 AWS or Docker could not do it (BATCH_ERR_AWS,
BATCH_ERR_JOB_NOT_FOUND, BATCH_ERR_RESULTS, BATCH_ERR_DOCKER, BATCH_ERR_IMAGE_MISSING); 130 interrupted.
`,
  render: `Usage: maze-batch render [options] [-o <file>]

Prints the job definition (the RegisterJobDefinition input, JSON) with the account, region, image
URIs, roles and log group filled in. Offline: nothing is sent to AWS. Checked before printing
(use --no-check to print a definition that fails the check).

${RENDER_FLAGS}
  -o, --output <file>         write to a file instead of stdout
  --no-check                  print even when check finds errors
`,
  check: `Usage: maze-batch check [<file.json>] [options]

Checks a job definition (a file, or the template rendered with the options) against AWS Batch's
rules for multi-container jobs and this project's: container names in dependsOn, cycles, an
essential container behind COMPLETE/SUCCESS, HEALTHY (which Batch does not have), healthCheck and
portMappings (which Batch containers do not have), AWS_BATCH_* variables, images, at most 10
containers, resources (Fargate sizes), retry patterns, timeout. One line per problem:
  <error|warning> [<rule>] <where>: <what to change>
Exit 0 when there is no error, 1 otherwise.

${RENDER_FLAGS}
  --json                      the problems as a JSON array
`,
  register: `Usage: maze-batch register [options]

Renders and checks the job definition, then registers it (a new revision) and prints its ARN.

${RENDER_FLAGS}
  --file <file.json>          register this rendered definition instead
  --dry-run                   print the RegisterJobDefinition input and stop
${AWS_FLAGS}
`,
  submit: `Usage: maze-batch submit --queue <queue> [options]

Submits one run, an array job (seeds x strategies), or one job per strategy. Every setting goes
through ecsPropertiesOverride.taskProperties[0].containers[] (Batch refuses containerOverrides for
multi-container jobs). Prints the job id(s) on stdout, one per line; the plan goes to stderr.

  --queue <name|arn>          job queue (MAZE_BATCH_QUEUE)
  --job-definition <name[:rev]|arn>   default maze-sim (the latest active revision)
${RUN_FLAGS}
  --dry-run                   print the SubmitJob input(s) as JSON and stop
${AWS_FLAGS}
`,
  status: `Usage: maze-batch status <job id>... [--json]

Prints each job's state and reason, the children's counts by state for an array job, and the
containers' exit codes once they have them.

  --json                      the DescribeJobs details as JSON
${AWS_FLAGS}
`,
  watch: `Usage: maze-batch watch <job id>... [--interval <seconds>]

Polls the jobs and prints a line whenever their state (or their children's counts) changes, until
all are SUCCEEDED or FAILED. Exit 0 when all SUCCEEDED, 1 otherwise.

  --interval <seconds>        time between polls (default 15)
${AWS_FLAGS}
`,
  results: `Usage: maze-batch results <job id> [options]
       maze-batch results --dir <run directory>

Prints one JSON line per run: {"jobId","arrayIndex","status","exitCode","statusReason","attempts",
"result"}, where result is the agent's result line ({"strategy","width","height","seed","solved",
"steps","keyStep","requests","elapsedMs","optimalSteps"}) or null. For an AWS job the lines are
read from CloudWatch Logs (the agent container's awslogs stream; every finished child of an array
job); with --dir from the files of a run-local run. A summary goes to stderr.

  --dir <path>                a run-local run directory (printed by run-local)
  --container <name>          the container that prints the result (default agent)
${AWS_FLAGS}
`,
  'run-local': `Usage: maze-batch run-local [options]

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
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

const renderOptions: NonNullable<ParseArgsConfig['options']> = {
  platform: { type: 'string' },
  template: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'image-tag': { type: 'string' },
  'model-image': { type: 'string' },
  'agent-image': { type: 'string' },
  'collector-image': { type: 'string' },
  'collector-config': { type: 'string' },
  'job-role-arn': { type: 'string' },
  'execution-role-arn': { type: 'string' },
  'log-group': { type: 'string' },
  name: { type: 'string' },
  'assign-public-ip': { type: 'string' },
  'cpu-architecture': { type: 'string' },
  local: { type: 'boolean' },
}
const runOptions: NonNullable<ParseArgsConfig['options']> = {
  strategy: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  'split-strategies': { type: 'boolean' },
  width: { type: 'string' },
  height: { type: 'string' },
  'max-steps': { type: 'string' },
  env: { type: 'string', multiple: true },
  'job-name': { type: 'string' },
}
const awsOptions: NonNullable<ParseArgsConfig['options']> = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'max-attempts': { type: 'string' },
}
const help: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } }

const COMMAND_OPTIONS: Readonly<Record<string, NonNullable<ParseArgsConfig['options']>>> = {
  render: { ...renderOptions, output: { type: 'string', short: 'o' }, 'no-check': { type: 'boolean' }, ...help },
  check: { ...renderOptions, json: { type: 'boolean' }, ...help },
  register: { ...renderOptions, ...awsOptions, file: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...help },
  submit: { ...runOptions, ...awsOptions, queue: { type: 'string' }, 'job-definition': { type: 'string' }, 'dry-run': { type: 'boolean' }, ...help },
  status: { ...awsOptions, json: { type: 'boolean' }, ...help },
  watch: { ...awsOptions, interval: { type: 'string' }, ...help },
  results: { ...awsOptions, dir: { type: 'string' }, container: { type: 'string' }, ...help },
  'run-local': {
    ...renderOptions,
    ...runOptions,
    file: { type: 'string' },
    queue: { type: 'string' },
    parallel: { type: 'string' },
    out: { type: 'string' },
    follow: { type: 'boolean' },
    keep: { type: 'boolean' },
    'netns-image': { type: 'string' },
    ...help,
  },
}

/**
 * `--runs -1`: util.parseArgs refuses a value that starts with a dash ("argument is ambiguous"). A
 * negative number after a flag that takes a value is that flag's value (as if `--runs=-1` were
 * written), so the flag's own check answers with what it allows. Anything after `--` is left alone.
 */
export function joinNegativeValues(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith('--')) return options[arg.slice(2)]?.type === 'string'
    return /^-[A-Za-z]$/.test(arg) && Object.values(options).some((o) => o.short === arg[1] && o.type === 'string')
  }
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    const next = args[i + 1]
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

const str = (v: Values, name: string): string | undefined => {
  const value = v[name]
  return typeof value === 'string' ? value : undefined
}

/** A whole-number flag (or, with `variable`, that variable's value) within [min, max]; absent: undefined. */
function integerFlag(v: Values, name: string, min: number, max: number, variable?: string): number | undefined {
  const raw = str(v, name)
  if (raw === undefined) return undefined
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usageError(`${variable ?? `--${name}`} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  return n
}

function parseEnvFlags(values: Values): EnvOverride[] {
  const raw = values.env
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return list.map((item) => {
    const m = /^([A-Za-z0-9_-]+):([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(String(item))
    if (m === null) throw usageError(`--env takes <container>:<NAME>=<value> (e.g. agent:AGENT_SEED=3), got ${JSON.stringify(item)}`)
    return { container: m[1]!, name: m[2]!, value: m[3]! }
  })
}

function platformOf(values: Values): Platform {
  const p = (str(values, 'platform') ?? 'ec2').toLowerCase()
  if (p !== Platform.Ec2 && p !== Platform.Fargate) throw usageError(`--platform must be ec2 or fargate, got ${JSON.stringify(p)}`)
  return p
}

async function renderOptionsOf(values: Values, io: CliIo, defaults: { local?: boolean } = {}): Promise<RenderOptions> {
  const local = values.local === true || defaults.local === true
  const region = str(values, 'region') ?? (local ? undefined : await resolveRegion({ profile: str(values, 'profile') }))
  return {
    platform: platformOf(values),
    account: str(values, 'account') ?? (io.env.AWS_ACCOUNT_ID?.trim() || undefined),
    region,
    imageTag: str(values, 'image-tag'),
    modelImage: str(values, 'model-image'),
    agentImage: str(values, 'agent-image'),
    collectorImage: str(values, 'collector-image'),
    collectorConfig: str(values, 'collector-config'),
    jobRoleArn: str(values, 'job-role-arn'),
    executionRoleArn: str(values, 'execution-role-arn'),
    logGroup: str(values, 'log-group'),
    name: str(values, 'name'),
    assignPublicIp: str(values, 'assign-public-ip'),
    cpuArchitecture: str(values, 'cpu-architecture'),
    local,
  }
}

/** The AWS settings: --region/--profile, and the bound on every call (flag, else variable, else default). */
function awsOf(values: Values, io: CliIo): AwsOptions {
  const fromEnv = (flag: string, variable: string, min: number, max: number): number | undefined => {
    const raw = io.env[variable]?.trim()
    if (raw === undefined || raw === '') return undefined
    return integerFlag({ [flag]: raw }, flag, min, max, variable)
  }
  return {
    region: str(values, 'region'),
    profile: str(values, 'profile'),
    requestTimeoutMs: integerFlag(values, 'request-timeout-ms', 1, MAX_REQUEST_TIMEOUT_MS) ?? fromEnv('request-timeout-ms', 'MAZE_BATCH_REQUEST_TIMEOUT_MS', 1, MAX_REQUEST_TIMEOUT_MS),
    maxAttempts: integerFlag(values, 'max-attempts', 1, MAX_ATTEMPTS_LIMIT) ?? fromEnv('max-attempts', 'MAZE_BATCH_MAX_ATTEMPTS', 1, MAX_ATTEMPTS_LIMIT),
  }
}

function submitOptionsOf(values: Values, queue: string, jobDefinition: string, containerNames?: readonly string[]): SubmitOptions {
  const strategy = str(values, 'strategy')
  return {
    queue,
    jobDefinition,
    jobName: str(values, 'job-name'),
    strategies: strategy === undefined ? [] : strategy.split(',').map((s) => s.trim()),
    seed: integerFlag(values, 'seed', 0, 4_294_967_295),
    runs: integerFlag(values, 'runs', 1, 10_000) ?? 1,
    width: integerFlag(values, 'width', 1, MAX_SIDE),
    height: integerFlag(values, 'height', 1, MAX_SIDE),
    maxSteps: integerFlag(values, 'max-steps', 1, Number.MAX_SAFE_INTEGER),
    splitStrategies: values['split-strategies'] === true,
    env: parseEnvFlags(values),
    containerNames,
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

/** The definition a command works on: a file as given, or the rendered template. */
async function definitionOf(values: Values, io: CliIo, defaults: { local?: boolean } = {}): Promise<unknown> {
  const file = str(values, 'file')
  if (file !== undefined) return readJsonFile(resolve(file))
  const template = str(values, 'template')
  return render(await renderOptionsOf(values, io, defaults), template === undefined ? undefined : resolve(template))
}

const containerNamesOf = (definition: RegisterJobDefinitionCommandInput): string[] =>
  (definition.ecsProperties?.taskProperties?.[0]?.containers ?? []).map((c) => c.name ?? '')

/**
 * The containers of `--job-definition` when it is registered from this project's templates (by the
 * names `register` gives them: maze-sim, maze-sim-fargate), so `submit --dry-run` refuses an --env
 * for a container the job does not have; undefined for any other definition.
 */
function templateContainersOf(jobDefinition: string): string[] | undefined {
  const name = /:job-definition\/([^:]+)/.exec(jobDefinition)?.[1] ?? jobDefinition.split(':')[0]
  const platform = name === 'maze-sim' ? Platform.Ec2 : name === 'maze-sim-fargate' ? Platform.Fargate : undefined
  return platform === undefined ? undefined : containerNamesOf(readJsonFile(TEMPLATE_FILES[platform]) as RegisterJobDefinitionCommandInput)
}

function printRows(rows: readonly ResultRow[], io: CliIo): void {
  for (const row of rows) io.stdout(`${JSON.stringify(row)}\n`)
  io.stderr(`${summarizeResults(rows)}\n`)
}

async function command(name: string, values: Values, positionals: string[], io: CliIo): Promise<number> {
  switch (name) {
    case 'render': {
      const definition = await definitionOf(values, io)
      if (values['no-check'] !== true) assertValidJobDefinition(definition, 'the rendered job definition')
      const out = str(values, 'output')
      if (out !== undefined) {
        writeFileSync(resolve(out), json(definition))
        io.stderr(`wrote ${out}\n`)
      } else io.stdout(json(definition))
      return ExitCode.Ok
    }
    case 'check': {
      if (positionals.length > 1) throw usageError('check takes at most one file')
      const file = positionals[0]
      const definition = file !== undefined ? readJsonFile(resolve(file)) : await definitionOf(values, io, { local: str(values, 'account') === undefined })
      const problems = checkJobDefinition(definition)
      const errors = problems.filter((p) => p.severity === Severity.Error).length
      if (values.json === true) io.stdout(json(problems))
      else if (problems.length > 0) io.stdout(`${formatProblems(problems)}\n`)
      io.stderr(`${file ?? 'the rendered template'}: ${errors === 0 ? 'ok' : `${errors} error${errors === 1 ? '' : 's'}`}${problems.length > errors ? `, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}` : ''}\n`)
      return errors === 0 ? ExitCode.Ok : ExitCode.Failed
    }
    case 'register': {
      const definition = assertValidJobDefinition(await definitionOf(values, io), 'the job definition')
      if (values['dry-run'] === true) {
        io.stdout(json(definition))
        return ExitCode.Ok
      }
      const client = createBatchClient(awsOf(values, io))
      try {
        const out = await registerJobDefinition(client, definition)
        io.stderr(`registered ${out.jobDefinitionName} revision ${out.revision}\n`)
        io.stdout(`${out.jobDefinitionArn}\n`)
      } finally {
        client.destroy()
      }
      return ExitCode.Ok
    }
    case 'submit': {
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
    }
    case 'status': {
      if (positionals.length === 0) throw usageError('status needs at least one job id')
      const client = createBatchClient(awsOf(values, io))
      try {
        const jobs = await describeJobs(client, positionals)
        if (values.json === true) io.stdout(json(jobs))
        else for (const job of jobs) io.stdout(`${formatJob(job)}\n`)
      } finally {
        client.destroy()
      }
      return ExitCode.Ok
    }
    case 'watch': {
      if (positionals.length === 0) throw usageError('watch needs at least one job id')
      const interval = integerFlag(values, 'interval', 1, 3600) ?? 15
      const client = createBatchClient(awsOf(values, io))
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
    }
    case 'results': {
      const dir = str(values, 'dir')
      const container = str(values, 'container') ?? 'agent'
      if (dir !== undefined) {
        if (positionals.length > 0) throw usageError('results takes a job id or --dir, not both')
        printRows(resultsFromDirectory(resolve(dir), container), io)
        return ExitCode.Ok
      }
      if (positionals.length !== 1) throw usageError('results needs one job id (or --dir <run directory>)')
      const batch = createBatchClient(awsOf(values, io))
      const logs = createLogsClient(awsOf(values, io))
      try {
        printRows(await fetchResults(batch, logs, positionals[0]!, container), io)
      } finally {
        batch.destroy()
        logs.destroy()
      }
      return ExitCode.Ok
    }
    case 'run-local': {
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
    }
    default:
      throw usageError(`unknown command ${JSON.stringify(name)}; the commands are render, check, register, submit, status, watch, results, run-local (see --help)`)
  }
}

const exitCodeOf = (err: BatchError): number => {
  switch (err.code) {
    case BatchErrorCode.Usage:
    case BatchErrorCode.Template:
      return ExitCode.Usage
    case BatchErrorCode.Check:
      return ExitCode.Failed
    default:
      return ExitCode.Unavailable
  }
}

/** Runs one command line; returns the exit code. Errors are printed as `maze-batch: <CODE>: <message>`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined
    io.stdout(USAGE[topic ?? 'main'] ?? USAGE.main!)
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  try {
    const options = COMMAND_OPTIONS[name]
    if (options === undefined) throw usageError(`unknown command ${JSON.stringify(name)}; the commands are render, check, register, submit, status, watch, results, run-local (see --help)`)
    let parsed: { values: Values; positionals: string[] }
    try {
      parsed = parseArgs({ args: joinNegativeValues(rest, options), options, strict: true, allowPositionals: true }) as { values: Values; positionals: string[] }
    } catch (err) {
      // One line: parseArgs' messages span several.
      const message = (err as Error).message.replace(/\.?\s*To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')
      throw usageError(`${message}; see maze-batch ${name} --help`, err)
    }
    if (parsed.values.help === true) {
      io.stdout(USAGE[name]!)
      return ExitCode.Ok
    }
    const positionalCommands = ['check', 'status', 'watch', 'results']
    if (!positionalCommands.includes(name) && parsed.positionals.length > 0) {
      throw usageError(`${name} takes no arguments besides options, got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}; see maze-batch ${name} --help`)
    }
    return await command(name, parsed.values, parsed.positionals, io)
  } catch (err) {
    if (err instanceof BatchError) {
      io.stderr(`maze-batch: ${err.code}: ${err.message}\n`)
      if (io.env.DEBUG !== undefined && io.env.DEBUG !== '' && err.cause !== undefined) io.stderr(`caused by: ${String((err.cause as Error).stack ?? err.cause)}\n`)
      return exitCodeOf(err)
    }
    throw err
  }
}
