// What `submit` sends: SubmitJob inputs built from the command line, with every per-run setting in
// ecsPropertiesOverride.taskProperties[0].containers[] (Batch rejects containerOverrides for
// ecsProperties jobs). The local runner applies the very same inputs (see overrides.ts).
import type { KeyValuePair, SubmitJobCommandInput, TaskContainerOverrides } from '@aws-sdk/client-batch'
import { MAX_SIDE, sizeProblem } from '@maze-sim/maze'
import { usageError } from './errors.ts'
import { deriveJobEnv, JobEnv } from './job-env.ts'

export const MAX_ARRAY_SIZE = 10_000
export const MAX_SEED = 4_294_967_295
/** The first seed of an array job when --seed is not given, so that a sweep is reproducible by default. */
export const DEFAULT_SEED_BASE = 1

/** The containers submit sets variables on (the job definition's names). */
export const ContainerName = { Collector: 'collector', Model: 'model', Agent: 'agent' } as const

/** One `--env container:NAME=VALUE`. */
export interface EnvOverride {
  readonly container: string
  readonly name: string
  readonly value: string
}

export interface SubmitOptions {
  readonly queue: string
  /** `name`, `name:revision` or an ARN. */
  readonly jobDefinition: string
  readonly jobName?: string | undefined
  /** Strategies to run; empty: the job definition's own (AGENT_STRATEGY). */
  readonly strategies: readonly string[]
  /** The maze seed of a single run, or the first seed of an array job. */
  readonly seed?: number | undefined
  /** Seeds per strategy (default 1): runs x strategies children in one array job. */
  readonly runs: number
  readonly width?: number | undefined
  readonly height?: number | undefined
  readonly maxSteps?: number | undefined
  /** One job (or array job) per strategy instead of one sweep. */
  readonly splitStrategies?: boolean | undefined
  readonly env?: readonly EnvOverride[] | undefined
  /** The containers of the job definition, to reject an --env for a container it does not have. */
  readonly containerNames?: readonly string[] | undefined
}

/** One planned job: the SubmitJob input and, for people, what its children will run. */
export interface PlannedJob {
  readonly input: SubmitJobCommandInput
  /** Children (or the single run): index, strategy (null: the definition's default) and seed (null: random). */
  readonly runs: readonly { index: number | null; strategy: string | null; seed: number | null }[]
}

const NAME_PART = /[^A-Za-z0-9_-]+/g
/** Batch's rule for job names (SubmitJob `jobName`). */
export const MAX_JOB_NAME_LENGTH = 128
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/** What is wrong with a job name by Batch's rule, or null: up to 128 letters, numbers, hyphens and underscores, the first a letter or number. */
export function jobNameProblem(name: string): string | null {
  if (name.length === 0) return 'a job name cannot be empty'
  if (name.length > MAX_JOB_NAME_LENGTH) return `a job name has at most ${MAX_JOB_NAME_LENGTH} characters, this one has ${name.length}`
  if (!JOB_NAME.test(name))
    return `a job name holds only letters, numbers, hyphens and underscores, and starts with a letter or number, got ${JSON.stringify(name)}`
  return null
}

/** A Batch job name: letters, numbers, hyphens and underscores, up to 128, starting with a letter or number. */
export function jobNameFor(strategies: readonly string[], seed: number | undefined, count: number): string {
  const what = strategies.length === 0 ? 'default' : strategies.map((s) => s.replace(NAME_PART, '_')).join('-')
  const seeds = seed === undefined ? (count > 1 ? `-seed${DEFAULT_SEED_BASE}` : '') : `-seed${seed}`
  const name = `maze-sim-${what}${seeds}${count > 1 ? `-x${count}` : ''}`
  return name.slice(0, MAX_JOB_NAME_LENGTH)
}

class ContainerEnv {
  readonly byContainer = new Map<string, KeyValuePair[]>()
  set(container: string, name: string, value: string): void {
    const list = this.byContainer.get(container) ?? []
    const existing = list.find((kv) => kv.name === name)
    if (existing !== undefined) existing.value = value
    else list.push({ name, value })
    this.byContainer.set(container, list)
  }
  overrides(order: readonly string[]): TaskContainerOverrides[] {
    const names = [...order, ...[...this.byContainer.keys()].filter((n) => !order.includes(n))]
    return names.flatMap((name) => {
      const environment = this.byContainer.get(name)
      return environment === undefined ? [] : [{ name, environment }]
    })
  }
}

function validate(options: SubmitOptions): void {
  if (options.queue.trim() === '') throw usageError('--queue is required: the job queue to submit to')
  if (options.jobDefinition.trim() === '') throw usageError('--job-definition is required (a name, name:revision or ARN)')
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > MAX_ARRAY_SIZE) {
    throw usageError(`--runs must be a whole number from 1 to ${MAX_ARRAY_SIZE}, got ${options.runs}`)
  }
  const perJob = options.splitStrategies === true ? options.runs : options.runs * Math.max(1, options.strategies.length)
  if (perJob > MAX_ARRAY_SIZE) {
    throw usageError(
      `${options.runs} runs x ${options.strategies.length} strategies = ${perJob} children, more than the ${MAX_ARRAY_SIZE} of one array job: lower --runs or add --split-strategies`,
    )
  }
  for (const s of options.strategies) {
    if (s.trim() === '' || s.includes(','))
      throw usageError(
        `--strategy takes comma-separated strategy names, got an empty or bad name in ${JSON.stringify(options.strategies.join(','))}`,
      )
  }
  if (new Set(options.strategies).size !== options.strategies.length)
    throw usageError(`--strategy lists a strategy twice: ${options.strategies.join(',')}`)
  if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > MAX_SEED)) {
    throw usageError(`--seed must be a whole number from 0 to ${MAX_SEED}, got ${options.seed}`)
  }
  // The model's own size rule (@maze-sim/maze), so a size the model would refuse at start is refused here.
  // With only one side given, the other is the job definition's and the model checks the area.
  if (options.width !== undefined && options.height !== undefined) {
    const problem = sizeProblem(options.width, options.height)
    if (problem !== null) throw usageError(`--width ${options.width} --height ${options.height}: ${problem}`)
  }
  for (const [flag, v] of [
    ['--width', options.width],
    ['--height', options.height],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_SIDE))
      throw usageError(`${flag} must be a whole number from 1 to ${MAX_SIDE}, got ${v}`)
  }
  if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) {
    throw usageError(`--max-steps must be a positive whole number, got ${options.maxSteps}`)
  }
  if (options.jobName !== undefined) {
    const problem = jobNameProblem(options.jobName)
    if (problem !== null) throw usageError(`--job-name: ${problem}`)
  }
  for (const e of options.env ?? []) {
    if (options.containerNames !== undefined && !options.containerNames.includes(e.container)) {
      throw usageError(
        `--env ${e.container}:${e.name}=...: the job definition has no container "${e.container}"; its containers are ${options.containerNames.join(', ')}`,
      )
    }
    if (e.name.toUpperCase().startsWith('AWS_BATCH')) {
      throw usageError(`--env ${e.container}:${e.name}: variables starting with AWS_BATCH are reserved for AWS Batch; rename it`)
    }
  }
}

/**
 * The SubmitJob inputs for the options: one job, one array job (a sweep of runs x strategies), or
 * with splitStrategies one job per strategy. Throws BATCH_ERR_USAGE for bad values.
 */
export function planSubmissions(options: SubmitOptions): PlannedJob[] {
  validate(options)
  const jobs = plan(options)
  // --job-name with --split-strategies gets a suffix per strategy: the whole name must still be a job name.
  for (const { input } of jobs) {
    const problem = jobNameProblem(input.jobName ?? '')
    if (problem !== null)
      throw usageError(
        `--job-name: ${problem}${options.splitStrategies === true ? ' (with the strategy appended for --split-strategies)' : ''}`,
      )
  }
  return jobs
}

function plan(options: SubmitOptions): PlannedJob[] {
  const strategies = options.strategies
  const groups: (readonly string[])[] =
    options.splitStrategies === true && strategies.length > 1 ? strategies.map((s) => [s]) : [strategies]
  const order = options.containerNames ?? [ContainerName.Collector, ContainerName.Model, ContainerName.Agent]
  return groups.map((group) => {
    const size = options.runs * Math.max(1, group.length)
    const env = new ContainerEnv()
    if (options.width !== undefined) env.set(ContainerName.Model, 'MAZE_WIDTH', String(options.width))
    if (options.height !== undefined) env.set(ContainerName.Model, 'MAZE_HEIGHT', String(options.height))
    if (size === 1) {
      if (options.seed !== undefined) env.set(ContainerName.Model, 'MAZE_SEED', String(options.seed))
      if (group[0] !== undefined) env.set(ContainerName.Agent, 'AGENT_STRATEGY', group[0])
    } else {
      env.set(ContainerName.Model, JobEnv.seedBase, String(options.seed ?? DEFAULT_SEED_BASE))
      if (group.length === 1) env.set(ContainerName.Agent, 'AGENT_STRATEGY', group[0]!)
      if (group.length > 1) {
        // Both containers: the model needs the count (seed = base + floor(index / count)), the agent the names.
        env.set(ContainerName.Model, JobEnv.sweepStrategies, group.join(','))
        env.set(ContainerName.Agent, JobEnv.sweepStrategies, group.join(','))
      }
    }
    if (options.maxSteps !== undefined) env.set(ContainerName.Agent, 'AGENT_MAX_STEPS', String(options.maxSteps))
    for (const e of options.env ?? []) env.set(e.container, e.name, e.value)

    const containers = env.overrides(order)
    const input: SubmitJobCommandInput = {
      jobName:
        options.jobName !== undefined
          ? groups.length > 1
            ? `${options.jobName}-${group[0]!.replace(NAME_PART, '_')}`
            : options.jobName
          : jobNameFor(group, options.seed, size),
      jobQueue: options.queue,
      jobDefinition: options.jobDefinition,
      ...(size > 1 ? { arrayProperties: { size } } : {}),
      ...(containers.length > 0 ? { ecsPropertiesOverride: { taskProperties: [{ containers }] } } : {}),
    }
    return { input, runs: describeRuns(input, size) }
  })
}

/** What each child will run, worked out by the same preload the containers run. */
function describeRuns(input: SubmitJobCommandInput, size: number): PlannedJob['runs'] {
  const containers = input.ecsPropertiesOverride?.taskProperties?.[0]?.containers ?? []
  const envOf = (name: string): Record<string, string> =>
    Object.fromEntries((containers.find((c) => c.name === name)?.environment ?? []).map((kv) => [kv.name ?? '', kv.value ?? '']))
  const model = envOf(ContainerName.Model)
  const agent = envOf(ContainerName.Agent)
  const one = (index: number | null): PlannedJob['runs'][number] => {
    const batch = index === null ? {} : { AWS_BATCH_JOB_ARRAY_INDEX: String(index) }
    const m = deriveJobEnv({ ...model, ...batch })
    const a = deriveJobEnv({ ...agent, ...batch })
    return { index, strategy: a.AGENT_STRATEGY ?? null, seed: m.MAZE_SEED === undefined ? null : Number(m.MAZE_SEED) }
  }
  if (size === 1) return [one(null)]
  return Array.from({ length: size }, (_, i) => one(i))
}

/** A few lines for people: which child runs which strategy on which seed. */
export function formatPlan(jobs: readonly PlannedJob[], max = 6): string {
  const lines: string[] = []
  for (const job of jobs) {
    const size = job.input.arrayProperties?.size
    lines.push(
      `${job.input.jobName}: ${size === undefined ? 'one run' : `array job of ${size} children`} on queue ${job.input.jobQueue}, definition ${job.input.jobDefinition}`,
    )
    const shown = job.runs.slice(0, max)
    for (const r of shown) {
      lines.push(
        `  ${r.index === null ? 'run' : `child ${r.index}`}: strategy ${r.strategy ?? '(definition default)'}, seed ${r.seed ?? '(random)'}`,
      )
    }
    if (job.runs.length > shown.length) {
      const last = job.runs[job.runs.length - 1]!
      lines.push(`  ... child ${last.index}: strategy ${last.strategy ?? '(definition default)'}, seed ${last.seed ?? '(random)'}`)
    }
  }
  return lines.join('\n')
}
