// The flags several commands share (job definition, runs, AWS), their help texts, and the typed
// options read from them. Only the command line and `io.env` are read here, once per command.
import { resolve } from 'node:path'
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { boolean, decimal, duration, help, integer, oneOf, repeated, seedList, string, type Table } from '@maze-sim/config'
import { MAX_SEED, MAX_SIDE, type SeedSpan, seedsOf as seedsOfSpans, SIZE_RULE } from '@maze-sim/maze'
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_ATTEMPTS_LIMIT,
  MAX_REQUEST_TIMEOUT_MS,
  resolveRegion,
  type AwsOptions,
} from '../aws.ts'
import { usageError } from '../errors.ts'
import { MAX_SWEEP_SEEDS } from '../job-env.ts'
import { DEFAULT_CHILD_OVERHEAD_S, MAX_RUNS_PER_CHILD, type EnvOverride, type SubmitOptions } from '../submit.ts'
import { DEFAULT_COLLECTOR_IMAGE, Platform, readJsonFile, render, TEMPLATE_FILES, type RenderOptions } from '../template.ts'
import type { Values } from './command.ts'

/** The job definition's flags (render, check, register, run-local); keys are the flags' names. */
export const renderOptions = {
  platform: oneOf([Platform.Ec2, Platform.Fargate], {
    flag: 'platform',
    default: Platform.Ec2,
    description: 'which template: job-definitions/job-definition[.fargate].json of @maze-sim/batch',
  }),
  template: string({ flag: 'template', placeholder: '<file>', description: 'another template with {{PARAMETERS}}' }),
  account: string({ flag: 'account', env: 'AWS_ACCOUNT_ID', placeholder: '<id>', description: 'AWS account id' }),
  region: string({
    flag: 'region',
    placeholder: '<region>',
    defaultText: "AWS_REGION or your profile's region",
    description: 'AWS region',
  }),
  profile: string({
    flag: 'profile',
    placeholder: '<name>',
    defaultText: 'AWS_PROFILE',
    description: 'the AWS profile whose region to use',
  }),
  'image-tag': string({
    flag: 'image-tag',
    placeholder: '<tag>',
    defaultText: 'latest',
    description: 'tag of the model and agent images in ECR',
  }),
  'model-image': string({
    flag: 'model-image',
    placeholder: '<uri>',
    defaultText: '<account>.dkr.ecr.<region>.amazonaws.com/maze-sim/model:<tag>',
    description: 'the model image',
  }),
  'agent-image': string({
    flag: 'agent-image',
    placeholder: '<uri>',
    defaultText: '<account>.dkr.ecr.<region>.amazonaws.com/maze-sim/agent:<tag>',
    description: 'the agent image',
  }),
  'collector-image': string({
    flag: 'collector-image',
    placeholder: '<uri>',
    defaultText: DEFAULT_COLLECTOR_IMAGE,
    description: "the collector image (AWS's ADOT collector)",
  }),
  'collector-config': string({
    flag: 'collector-config',
    placeholder: '<file>',
    defaultText: '@maze-sim/telemetry/collector/aws.yaml',
    description: "the collector's configuration, inlined as AOT_CONFIG_CONTENT",
  }),
  'job-role-arn': string({
    flag: 'job-role-arn',
    placeholder: '<arn>',
    defaultText: 'arn:aws:iam::<account>:role/maze-sim-batch-job',
    description: 'the task role',
  }),
  'execution-role-arn': string({
    flag: 'execution-role-arn',
    placeholder: '<arn>',
    defaultText: '...:role/maze-sim-batch-execution',
    description: 'the execution role',
  }),
  'log-group': string({ flag: 'log-group', placeholder: '<name>', defaultText: '/aws/batch/maze-sim', description: 'awslogs group' }),
  name: string({ flag: 'name', placeholder: '<name>', defaultText: 'maze-sim, or maze-sim-fargate', description: 'job definition name' }),
  'assign-public-ip': string({
    flag: 'assign-public-ip',
    placeholder: 'ENABLED|DISABLED',
    defaultText: 'ENABLED',
    description: 'Fargate only',
  }),
  'cpu-architecture': string({ flag: 'cpu-architecture', placeholder: 'X86_64|ARM64', defaultText: 'X86_64', description: 'Fargate only' }),
  local: boolean({
    flag: 'local',
    description: 'local images (maze-sim/model, maze-sim/agent, maze-sim/otlp-receiver) and placeholder account/region',
  }),
} as const

/** The flags of runs (submit, run-local). */
export const runOptions = {
  strategy: string({
    flag: 'strategy',
    placeholder: '<a[,b,...]>',
    defaultText: "the definition's, astar",
    description: 'strategies; several make a sweep',
  }),
  seed: integer({ flag: 'seed', min: 0, max: MAX_SEED, defaultText: '1', description: 'the maze seed; for an array job the first seed' }),
  runs: integer({
    flag: 'runs',
    min: 1,
    max: MAX_SWEEP_SEEDS,
    defaultText: '1',
    description:
      'seeds per strategy: an array job of runs x strategies children (at most 10000); child i runs strategy i mod S on seed + floor(i / S). Packed: runs x strategies runs in all',
  }),
  seeds: seedList({
    flag: 'seeds',
    limit: MAX_SWEEP_SEEDS,
    placeholder: '<1-200,500>',
    description:
      'these seeds instead of --seed/--runs (seeds and ranges, comma-separated); packs the job, one seed per child unless --runs-per-child',
  }),
  'runs-per-child': integer({
    flag: 'runs-per-child',
    min: 1,
    max: MAX_RUNS_PER_CHILD,
    defaultText: '(one run per child)',
    description:
      'pack runs: each child plays every strategy on floor(K / strategies) whole seeds (at least one), so there are ceil(seeds / that) children',
  }),
  'child-overhead-s': decimal({
    flag: 'child-overhead-s',
    min: 0,
    max: 3600,
    defaultText: String(DEFAULT_CHILD_OVERHEAD_S),
    description: "start-up seconds of one container of a child, for the plan's estimate of what packing saves",
  }),
  'split-strategies': boolean({ flag: 'split-strategies', description: 'one job (or array job) per strategy instead of one sweep' }),
  width: integer({ flag: 'width', min: 1, max: MAX_SIDE, description: `maze width (MAZE_WIDTH of the model): ${SIZE_RULE}` }),
  height: integer({ flag: 'height', min: 1, max: MAX_SIDE, description: 'maze height (MAZE_HEIGHT of the model)' }),
  'max-steps': integer({
    flag: 'max-steps',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: "the agent's step limit (AGENT_MAX_STEPS)",
  }),
  env: repeated({
    flag: 'env',
    placeholder: '<container>:<NAME>=<value>',
    description:
      "any other variable, repeatable (e.g. agent:AGENT_SEED=3); the container must be one of the definition's (checked for run-local and for submit to maze-sim / maze-sim-fargate)",
  }),
  'job-name': string({
    flag: 'job-name',
    placeholder: '<name>',
    defaultText: 'maze-sim-<strategies>-seed<n>[-x<count>]',
    allowed: 'up to 128 letters, numbers, hyphens and underscores, the first a letter or number',
    description: 'job name',
  }),
} as const

/** The flags of the commands that call AWS (register, submit, status, watch, results). */
export const awsOptions = {
  region: renderOptions.region,
  profile: renderOptions.profile,
  'request-timeout-ms': duration({
    flag: 'request-timeout-ms',
    env: 'MAZE_BATCH_REQUEST_TIMEOUT_MS',
    min: 1,
    max: MAX_REQUEST_TIMEOUT_MS,
    defaultText: String(DEFAULT_REQUEST_TIMEOUT_MS),
    description: 'each attempt of an AWS call gives up after this long',
  }),
  'max-attempts': integer({
    flag: 'max-attempts',
    env: 'MAZE_BATCH_MAX_ATTEMPTS',
    min: 1,
    max: MAX_ATTEMPTS_LIMIT,
    defaultText: String(DEFAULT_MAX_ATTEMPTS),
    description: 'attempts per AWS call, retrying throttling, 5xx and network errors',
  }),
} as const

/** A group of flags in a command's --help, generated from its table. */
const group = (title: string, table: Table): string => `${title}\n${help(table).trimEnd()}`

export const RENDER_FLAGS = group('Job definition (render, check, register, run-local):', renderOptions)
export const RUN_FLAGS = group('Runs (submit, run-local):', runOptions)
export const AWS_FLAGS = group(
  'AWS (register, submit, status, watch, results): credentials come from the standard chain (environment, ~/.aws, SSO, roles)',
  awsOptions,
)

/** A string flag's value; absent (or another type): undefined. */
export const str = (v: Values, name: string): string | undefined => {
  const value = v[name]
  return typeof value === 'string' ? value : undefined
}

/** A number flag's value (already checked by its option); absent: undefined. */
export const num = (v: Values, name: string): number | undefined => {
  const value = v[name]
  return typeof value === 'number' ? value : undefined
}

/** The --env flags as overrides. */
export function envFlagsOf(values: Values): EnvOverride[] {
  const raw = values.env
  const list = Array.isArray(raw) ? raw : []
  return list.map((item) => {
    const m = /^([A-Za-z0-9_-]+):([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(String(item))
    if (m === null) throw usageError(`--env takes <container>:<NAME>=<value> (e.g. agent:AGENT_SEED=3), got ${JSON.stringify(item)}`)
    return { container: m[1]!, name: m[2]!, value: m[3]! }
  })
}

async function renderOptionsOf(values: Values, defaults: { local?: boolean } = {}): Promise<RenderOptions> {
  const local = values.local === true || defaults.local === true
  const region = str(values, 'region') ?? (local ? undefined : await resolveRegion({ profile: str(values, 'profile') }))
  return {
    platform: values.platform as Platform,
    account: str(values, 'account'),
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

/**
 * The AWS settings: --region/--profile, the bound on every call (flag, else variable, else default),
 * and the program's signal, which ends any call at once.
 */
export function awsOf(values: Values, signal?: AbortSignal): AwsOptions {
  return {
    region: str(values, 'region'),
    profile: str(values, 'profile'),
    requestTimeoutMs: num(values, 'request-timeout-ms'),
    maxAttempts: num(values, 'max-attempts'),
    signal,
  }
}

/** --seeds as a list of seeds (with --runs: refused, the list says how many). */
function seedsOf(values: Values): number[] | undefined {
  // Read by @maze-sim/config's seedList (the one seed grammar, each seed once, at most MAX_SWEEP_SEEDS).
  const spans = values.seeds as SeedSpan[] | undefined
  if (spans === undefined) return undefined
  if (num(values, 'runs') !== undefined) throw usageError('--seeds lists the seeds: leave out --runs (and --seed)')
  return [...seedsOfSpans(spans)]
}

export function submitOptionsOf(values: Values, queue: string, jobDefinition: string, containerNames?: readonly string[]): SubmitOptions {
  const strategy = str(values, 'strategy')
  return {
    queue,
    jobDefinition,
    jobName: str(values, 'job-name'),
    strategies: strategy === undefined ? [] : strategy.split(',').map((s) => s.trim()),
    seed: num(values, 'seed'),
    runs: num(values, 'runs') ?? 1,
    seeds: seedsOf(values),
    runsPerChild: num(values, 'runs-per-child'),
    childOverheadS: num(values, 'child-overhead-s'),
    width: num(values, 'width'),
    height: num(values, 'height'),
    maxSteps: num(values, 'max-steps'),
    splitStrategies: values['split-strategies'] === true,
    env: envFlagsOf(values),
    containerNames,
  }
}

/** The definition a command works on: a file as given, or the rendered template. */
export async function definitionOf(values: Values, defaults: { local?: boolean } = {}): Promise<unknown> {
  const file = str(values, 'file')
  if (file !== undefined) return readJsonFile(resolve(file))
  const template = str(values, 'template')
  return render(await renderOptionsOf(values, defaults), template === undefined ? undefined : resolve(template))
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
