// The flags several commands share (job definition, runs, AWS), their help texts, and the typed
// options read from them. Only the command line and `io.env` are read here, once per command.
import { resolve } from 'node:path'
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { MAX_SIDE, SIZE_RULE } from '@maze-sim/maze'
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_ATTEMPTS_LIMIT,
  MAX_REQUEST_TIMEOUT_MS,
  resolveRegion,
  type AwsOptions,
} from '../aws.ts'
import { usageError } from '../errors.ts'
import type { EnvOverride, SubmitOptions } from '../submit.ts'
import { Platform, readJsonFile, render, TEMPLATE_FILES, type RenderOptions } from '../template.ts'
import type { CliIo, OptionSet, Values } from './command.ts'

export const RENDER_FLAGS = `Job definition (render, check, register, run-local):
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
                              (default docker/collector/aws.yaml)
  --job-role-arn <arn>        the task role (default arn:aws:iam::<account>:role/maze-sim-batch-job)
  --execution-role-arn <arn>  the execution role (default ...:role/maze-sim-batch-execution)
  --log-group <name>          awslogs group (default /aws/batch/maze-sim)
  --name <name>               job definition name (default maze-sim, or maze-sim-fargate)
  --assign-public-ip ENABLED|DISABLED   Fargate only (default ENABLED)
  --cpu-architecture X86_64|ARM64       Fargate only (default X86_64)
  --local                     local images (maze-sim/model, maze-sim/agent, maze-sim/otlp-receiver)
                              and placeholder account/region`

export const RUN_FLAGS = `Runs (submit, run-local):
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

export const AWS_FLAGS = `AWS (register, submit, status, watch, results):
  --region <region>, --profile <name>   override AWS_REGION / AWS_PROFILE; credentials come from
                                        the standard chain (environment, ~/.aws, SSO, roles)
  --request-timeout-ms <ms>   each attempt of an AWS call gives up after this long
                              (MAZE_BATCH_REQUEST_TIMEOUT_MS; default ${DEFAULT_REQUEST_TIMEOUT_MS}, at most ${MAX_REQUEST_TIMEOUT_MS})
  --max-attempts <n>          attempts per AWS call, retrying throttling, 5xx and network errors
                              (MAZE_BATCH_MAX_ATTEMPTS; default ${DEFAULT_MAX_ATTEMPTS}, 1 to ${MAX_ATTEMPTS_LIMIT})`

export const renderOptions: OptionSet = {
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
export const runOptions: OptionSet = {
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
export const awsOptions: OptionSet = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'max-attempts': { type: 'string' },
}

/** A string flag's value; absent (or a boolean): undefined. */
export const str = (v: Values, name: string): string | undefined => {
  const value = v[name]
  return typeof value === 'string' ? value : undefined
}

/** A whole-number flag (or, with `variable`, that variable's value) within [min, max]; absent: undefined. */
export function integerFlag(v: Values, name: string, min: number, max: number, variable?: string): number | undefined {
  const raw = str(v, name)
  if (raw === undefined) return undefined
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(`${variable ?? `--${name}`} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`)
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
export function awsOf(values: Values, io: CliIo): AwsOptions {
  const fromEnv = (flag: string, variable: string, min: number, max: number): number | undefined => {
    const raw = io.env[variable]?.trim()
    if (raw === undefined || raw === '') return undefined
    return integerFlag({ [flag]: raw }, flag, min, max, variable)
  }
  return {
    region: str(values, 'region'),
    profile: str(values, 'profile'),
    requestTimeoutMs:
      integerFlag(values, 'request-timeout-ms', 1, MAX_REQUEST_TIMEOUT_MS) ??
      fromEnv('request-timeout-ms', 'MAZE_BATCH_REQUEST_TIMEOUT_MS', 1, MAX_REQUEST_TIMEOUT_MS),
    maxAttempts:
      integerFlag(values, 'max-attempts', 1, MAX_ATTEMPTS_LIMIT) ??
      fromEnv('max-attempts', 'MAZE_BATCH_MAX_ATTEMPTS', 1, MAX_ATTEMPTS_LIMIT),
  }
}

export function submitOptionsOf(values: Values, queue: string, jobDefinition: string, containerNames?: readonly string[]): SubmitOptions {
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

/** The definition a command works on: a file as given, or the rendered template. */
export async function definitionOf(values: Values, io: CliIo, defaults: { local?: boolean } = {}): Promise<unknown> {
  const file = str(values, 'file')
  if (file !== undefined) return readJsonFile(resolve(file))
  const template = str(values, 'template')
  return render(await renderOptionsOf(values, io, defaults), template === undefined ? undefined : resolve(template))
}

export const containerNamesOf = (definition: RegisterJobDefinitionCommandInput): string[] =>
  (definition.ecsProperties?.taskProperties?.[0]?.containers ?? []).map((c) => c.name ?? '')

/**
 * The containers of `--job-definition` when it is registered from this project's templates (by the
 * names `register` gives them: maze-sim, maze-sim-fargate), so `submit --dry-run` refuses an --env
 * for a container the job does not have; undefined for any other definition.
 */
export function templateContainersOf(jobDefinition: string): string[] | undefined {
  const name = /:job-definition\/([^:]+)/.exec(jobDefinition)?.[1] ?? jobDefinition.split(':')[0]
  const platform = name === 'maze-sim' ? Platform.Ec2 : name === 'maze-sim-fargate' ? Platform.Fargate : undefined
  return platform === undefined ? undefined : containerNamesOf(readJsonFile(TEMPLATE_FILES[platform]) as RegisterJobDefinitionCommandInput)
}
