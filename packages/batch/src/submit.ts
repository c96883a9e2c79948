// What `submit` sends: SubmitJob inputs built from the command line, with every per-run setting in
// ecsPropertiesOverride.taskProperties[0].containers[] (Batch rejects containerOverrides for
// ecsProperties jobs). The local runner applies the very same inputs (see overrides.ts).
//
// Two shapes of array job: one run per child (the default: child i plays strategy i mod S on seed
// base + floor(i / S)), or packed (--runs-per-child K): each child plays every strategy on a slice of
// whole seeds (`seedsPerChild`, `childSlice` of @maze-sim/maze), so the containers' start-up is paid
// once per slice instead of once per run (job-env.ts says what the children derive).
import type { KeyValuePair, SubmitJobCommandInput, TaskContainerOverrides } from '@aws-sdk/client-batch'
import { AGENT_OPTIONS } from '@maze-sim/agent'
import { ConfigProblems, integer, readDetailed } from '@maze-sim/config'
import { formatSeedList, MAX_SIDE, packedChildCount, SIZE_RULE, seedsPerChild, sizeProblem } from '@maze-sim/maze'
import { usageError } from './errors.ts'
import { deriveJobEnv, JobEnv, MAX_SEEDS_PER_CHILD, MAX_SWEEP_SEEDS, packedChildSeeds, readPacking } from './job-env.ts'

export const MAX_ARRAY_SIZE = 10_000
export const MAX_SEED = 4_294_967_295
/** The first seed of an array job when --seed is not given, so that a sweep is reproducible by default. */
export const DEFAULT_SEED_BASE = 1
/** The most runs one packed child plays (--runs-per-child). */
export const MAX_RUNS_PER_CHILD = MAX_SEEDS_PER_CHILD
/**
 * The start-up cost of one container of a child, in seconds, for the plan's estimate of what
 * packing saves: the task placed and its containers started (images cached on the instance), Node
 * started, the model's maze generated and the agent connected, then the shutdown (the collector
 * flushing). A guess from local runs of the images, not a measurement on Batch: --child-overhead-s
 * sets another.
 */
export const DEFAULT_CHILD_OVERHEAD_S = 10

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
  /** Seeds per strategy (default 1): runs x strategies children in one array job (unpacked). */
  readonly runs: number
  /** An explicit list of seeds instead of seed/runs (packs the job: one seed per child unless runsPerChild). */
  readonly seeds?: readonly number[] | undefined
  /** Pack the runs: about this many runs per child (whole seeds: seedsPerChild of @maze-sim/maze). Undefined: one run per child. */
  readonly runsPerChild?: number | undefined
  /** Start-up seconds of one container, for the plan's estimate (default DEFAULT_CHILD_OVERHEAD_S). */
  readonly childOverheadS?: number | undefined
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
  /**
   * Unpacked jobs: the children (or the single run): index, strategy (null: the definition's
   * default) and seed (null: random). Empty for a packed job (see `packed`).
   */
  readonly runs: readonly { index: number | null; strategy: string | null; seed: number | null }[]
  /** A packed job: its shape, and each child's slice as the preload derives it. */
  readonly packed?: PackedPlan | undefined
}

/** What one packed child plays. */
export interface PackedChild {
  /** Its array index (null: a packed single job). */
  readonly index: number | null
  /** The strategies (empty: the definition's default). */
  readonly strategies: readonly string[]
  /** Its seeds as the preload sets them (AGENT_SEEDS). */
  readonly seeds: string
  readonly runs: number
}

/** The shape of a packed job, for the plan. */
export interface PackedPlan {
  readonly children: number
  /** --runs-per-child as asked. */
  readonly runsPerChildAsked: number
  /** Whole seeds per child, and the runs that makes (seeds x strategies). */
  readonly seedsPerChild: number
  readonly runsPerChild: number
  readonly strategies: number
  readonly seeds: number
  readonly totalRuns: number
  /** Containers per child, and the start-up seconds assumed for each, for the estimate. */
  readonly containers: number
  readonly overheadS: number
  /** Child `i`'s slice, worked out by the preload's own code (job-env.ts). */
  readonly childAt: (index: number) => PackedChild
}

/** The container-seconds of start-up that packing saves: containers x overhead x the children it avoids. */
export const packingSavings = (p: Pick<PackedPlan, 'containers' | 'overheadS' | 'totalRuns' | 'children'>): number =>
  p.containers * p.overheadS * (p.totalRuns - p.children)

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

/** A packed job's name: `maze-sim-<strategies>-seed<first>-x<runs>-per<K>`. */
export function packedJobName(strategies: readonly string[], firstSeed: number, totalRuns: number, runsPerChild: number): string {
  const what = strategies.length === 0 ? 'default' : strategies.map((s) => s.replace(NAME_PART, '_')).join('-')
  return `maze-sim-${what}-seed${firstSeed}-x${totalRuns}-per${runsPerChild}`.slice(0, MAX_JOB_NAME_LENGTH)
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

/** True when the job is packed: --runs-per-child, or an explicit seed list. */
export const isPacked = (options: SubmitOptions): boolean => options.runsPerChild !== undefined || options.seeds !== undefined

/** The seeds of each strategy: the explicit list, else `runs` consecutive seeds from `seed` (packed jobs). */
function seedListOf(options: SubmitOptions): readonly number[] {
  if (options.seeds !== undefined) return options.seeds
  const first = options.seed ?? DEFAULT_SEED_BASE
  return Array.from({ length: options.runs }, (_, i) => first + i)
}

function validatePacking(options: SubmitOptions): void {
  const k = options.runsPerChild
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > MAX_RUNS_PER_CHILD))
    throw usageError(`--runs-per-child must be a whole number from 1 to ${MAX_RUNS_PER_CHILD}, got ${k}`)
  if (options.seeds !== undefined) {
    if (options.seed !== undefined) throw usageError('--seeds lists the seeds: leave out --seed (and --runs)')
    if (options.seeds.length === 0) throw usageError('--seeds lists no seeds')
    if (new Set(options.seeds).size !== options.seeds.length)
      throw usageError('--seeds lists a seed twice: each seed is played once per strategy')
  }
  const seeds = options.seeds?.length ?? options.runs
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS)
    throw usageError(
      `${options.seeds !== undefined ? '--seeds' : '--runs'}: a packed job has from 1 to ${MAX_SWEEP_SEEDS} seeds per strategy (each child's preload expands the list), got ${seeds}`,
    )
  if (options.seeds === undefined && (options.seed ?? DEFAULT_SEED_BASE) + seeds - 1 > MAX_SEED)
    throw usageError(
      `--seed ${options.seed ?? DEFAULT_SEED_BASE} --runs ${seeds}: a packed job's seeds end at ${MAX_SEED}; lower --seed or --runs`,
    )
  const groups = options.splitStrategies === true && options.strategies.length > 1 ? 1 : Math.max(1, options.strategies.length)
  const perChild = seedsPerChild(k ?? groups, groups)
  const children = packedChildCount({ strategies: groups, seeds, sizes: 1 }, perChild)
  if (children > MAX_ARRAY_SIZE) {
    throw usageError(
      `${seeds} seeds at ${perChild} seed${perChild === 1 ? '' : 's'} per child (--runs-per-child ${k ?? groups}${groups > 1 ? `, ${groups} strategies` : ''}) = ${children} children, more than the ${MAX_ARRAY_SIZE} of one array job: raise --runs-per-child to at least ${Math.ceil(seeds / MAX_ARRAY_SIZE) * groups} (a packed job plays up to ${MAX_ARRAY_SIZE} x its seeds per child)`,
    )
  }
}

function validate(options: SubmitOptions): void {
  if (options.queue.trim() === '') throw usageError('--queue is required: the job queue to submit to')
  if (options.jobDefinition.trim() === '') throw usageError('--job-definition is required (a name, name:revision or ARN)')
  if (isPacked(options)) validatePacking(options)
  else {
    if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > MAX_ARRAY_SIZE) {
      throw usageError(
        `--runs must be a whole number from 1 to ${MAX_ARRAY_SIZE} with one run per child, got ${options.runs}: pack several runs into each child with --runs-per-child`,
      )
    }
    const perJob = options.splitStrategies === true ? options.runs : options.runs * Math.max(1, options.strategies.length)
    if (perJob > MAX_ARRAY_SIZE) {
      throw usageError(
        `${options.runs} runs x ${options.strategies.length} strategies = ${perJob} children, more than the ${MAX_ARRAY_SIZE} of one array job: lower --runs, add --split-strategies, or pack runs into children with --runs-per-child`,
      )
    }
  }
  if (options.childOverheadS !== undefined && (!Number.isFinite(options.childOverheadS) || options.childOverheadS < 0))
    throw usageError(`--child-overhead-s must be a number of seconds from 0, got ${options.childOverheadS}`)
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
  for (const [flag, v] of [
    ['--width', options.width],
    ['--height', options.height],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_SIDE))
      throw usageError(`${flag} must be a whole number from 1 to ${MAX_SIDE}, got ${v}`)
  }
  sizeCheck(ContainerName.Model, 'MAZE_WIDTH', 'MAZE_HEIGHT', options)
  sizeCheck(ContainerName.Agent, 'AGENT_WIDTH', 'AGENT_HEIGHT', options)
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
    if (e.container === ContainerName.Agent) agentVariableCheck(e)
  }
}

/** One side of a maze as a container reads it: the maze's bound (@maze-sim/maze) by @maze-sim/config's rules, as the model and the agent read theirs. */
const side = (env: string) => integer({ env, min: 1, max: MAX_SIDE, default: null, allowed: SIZE_RULE, description: 'a side of the maze' })

/**
 * The maze's one size rule (@maze-sim/maze) on the size a container will read: the model's MAZE_WIDTH
 * and MAZE_HEIGHT (set by --width/--height, or by an --env that overrides them: the --env wins), the
 * agent's AGENT_WIDTH and AGENT_HEIGHT. A size the container would refuse at start is refused here.
 * With only one side known, the other is the job definition's and the container checks the area.
 */
function sizeCheck(container: string, widthName: string, heightName: string, options: SubmitOptions): void {
  const model = container === ContainerName.Model
  const sides = (
    [
      [widthName, '--width', model ? options.width : undefined],
      [heightName, '--height', model ? options.height : undefined],
    ] as const
  ).map(([name, flag, fromFlag]) => {
    const given = (options.env ?? []).findLast((e) => e.container === container && e.name === name)
    if (given === undefined) return fromFlag === undefined ? undefined : { text: `${flag} ${fromFlag}`, value: fromFlag }
    let value: number | null
    try {
      value = readDetailed({ side: side(name) }, { env: { [name]: given.value } }).values.side
    } catch (err) {
      if (!(err instanceof ConfigProblems)) throw err
      throw usageError(`--env ${container}:${err.problems.join('; ')}`, err)
    }
    // An empty value is unset: the container reads the job definition's.
    return value === null ? undefined : { text: `--env ${container}:${name}=${value}`, value }
  })
  const [width, height] = sides
  if (width === undefined || height === undefined) return
  const problem = sizeProblem(width.value, height.value)
  if (problem !== null) throw usageError(`${width.text} ${height.text}: ${problem}`)
}

/**
 * An --env for the agent checked by the agent's own option table (AGENT_OPTIONS of @maze-sim/agent,
 * read by @maze-sim/config's rules), so a value the agent would refuse at start is refused here.
 * Variables the table does not know pass (the agent ignores them, or a team's strategy reads them).
 */
function agentVariableCheck(e: EnvOverride): void {
  const entry = Object.entries(AGENT_OPTIONS).find(([, option]) => option.env === e.name)
  if (entry === undefined) return
  try {
    readDetailed({ [entry[0]]: entry[1] }, { env: { [e.name]: e.value } })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw usageError(`--env ${e.container}:${err.problems.join('; ')} (the agent would refuse it at start)`, err)
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
    const env = new ContainerEnv()
    if (options.width !== undefined) env.set(ContainerName.Model, 'MAZE_WIDTH', String(options.width))
    if (options.height !== undefined) env.set(ContainerName.Model, 'MAZE_HEIGHT', String(options.height))
    const packed = isPacked(options) ? packedShape(options, group) : undefined
    const size = packed?.children ?? options.runs * Math.max(1, group.length)
    if (packed !== undefined) {
      // The agent plays every strategy on each of its seeds; the preload picks the child's seeds.
      if (group.length > 0) env.set(ContainerName.Agent, 'AGENT_STRATEGY', group.join(','))
      env.set(ContainerName.Agent, JobEnv.sweepSeeds, formatSeedList(packed.seeds))
      env.set(ContainerName.Agent, JobEnv.seedsPerChild, String(packed.seedsPerChild))
    } else if (size === 1) {
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
    const defaultName =
      packed !== undefined
        ? packedJobName(
            group,
            packed.seeds[0]!,
            packed.seeds.length * Math.max(1, group.length),
            packed.seedsPerChild * Math.max(1, group.length),
          )
        : jobNameFor(group, options.seed, size)
    const input: SubmitJobCommandInput = {
      jobName:
        options.jobName !== undefined
          ? groups.length > 1
            ? `${options.jobName}-${group[0]!.replace(NAME_PART, '_')}`
            : options.jobName
          : defaultName,
      jobQueue: options.queue,
      jobDefinition: options.jobDefinition,
      ...(size > 1 ? { arrayProperties: { size } } : {}),
      ...(containers.length > 0 ? { ecsPropertiesOverride: { taskProperties: [{ containers }] } } : {}),
    }
    if (packed === undefined) return { input, runs: describeRuns(input, size) }
    return { input, runs: [], packed: describePacked(input, options, order.length) }
  })
}

/** A packed group's seeds and seeds per child. */
function packedShape(
  options: SubmitOptions,
  group: readonly string[],
): { seeds: readonly number[]; seedsPerChild: number; children: number } {
  const strategies = Math.max(1, group.length)
  const seeds = seedListOf(options)
  const perChild = seedsPerChild(options.runsPerChild ?? strategies, strategies)
  return { seeds, seedsPerChild: perChild, children: packedChildCount({ strategies, seeds: seeds.length, sizes: 1 }, perChild) }
}

const envOf = (input: SubmitJobCommandInput, name: string): Record<string, string> =>
  Object.fromEntries(
    (input.ecsPropertiesOverride?.taskProperties?.[0]?.containers?.find((c) => c.name === name)?.environment ?? []).map((kv) => [
      kv.name ?? '',
      kv.value ?? '',
    ]),
  )

/** A packed job's shape, and its children's slices by the preload's own code (readPacking, deriveJobEnv). */
function describePacked(input: SubmitJobCommandInput, options: SubmitOptions, containers: number): PackedPlan {
  const agent = envOf(input, ContainerName.Agent)
  const packing = readPacking(agent)!
  const strategies = Math.max(1, packing.strategies.length)
  const single = input.arrayProperties?.size === undefined
  return {
    children: packing.children,
    runsPerChildAsked: options.runsPerChild ?? strategies,
    seedsPerChild: packing.seedsPerChild,
    runsPerChild: packing.seedsPerChild * strategies,
    strategies,
    seeds: packing.seeds.length,
    totalRuns: packing.seeds.length * strategies,
    containers,
    overheadS: options.childOverheadS ?? DEFAULT_CHILD_OVERHEAD_S,
    childAt: (index) => {
      const derived = deriveJobEnv({ ...agent, ...(single ? {} : { AWS_BATCH_JOB_ARRAY_INDEX: String(index) }) })
      return {
        index: single ? null : index,
        strategies: packing.strategies,
        seeds: derived.AGENT_SEEDS ?? '',
        runs: packedChildSeeds(packing, index).length * strategies,
      }
    },
  }
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

const thousands = (n: number): string => n.toLocaleString('en-US')
const plural = (n: number, one: string, many = `${one}s`): string => `${thousands(n)} ${n === 1 ? one : many}`

/** A packed job's lines of the plan: its shape, what packing saves, and the first and last children. */
function formatPacked(p: PackedPlan, max: number): string[] {
  const lines: string[] = []
  const what = p.strategies === 1 ? '' : ` (${plural(p.seedsPerChild, 'seed')} x ${p.strategies} strategies)`
  const rest = p.seeds % p.seedsPerChild
  lines.push(
    `  packed: ${plural(p.children, 'child', 'children')}, ${plural(p.runsPerChild, 'run')} per child${what}, ${plural(p.totalRuns, 'run')} in all (${plural(p.seeds, 'seed')} x ${plural(p.strategies, 'strategy', 'strategies')})${rest > 0 && p.children > 1 ? `; the last child plays ${plural(rest * p.strategies, 'run')}` : ''}`,
  )
  if (p.runsPerChildAsked !== p.runsPerChild)
    lines.push(
      `  --runs-per-child ${p.runsPerChildAsked} is not a multiple of the ${p.strategies} strategies: ${p.runsPerChild} runs per child instead, whole seeds, so every strategy plays each seed in the same child`,
    )
  const saved = packingSavings(p)
  lines.push(
    `  saves about ${thousands(saved)} container-seconds (${(saved / 3600).toFixed(1)} container-hours) of start-up versus one run per child: ${p.containers} containers x ${p.overheadS} s x ${thousands(p.totalRuns - p.children)} children avoided (${thousands(p.totalRuns)} -> ${thousands(p.children)}; the ${p.overheadS} s per container is an assumption: --child-overhead-s)`,
  )
  const show = (c: PackedChild): string =>
    `  ${c.index === null ? 'the job' : `child ${c.index}`}: ${c.strategies.length === 0 ? '(definition default)' : c.strategies.join(',')} on seed${/^[0-9]+$/.test(c.seeds) ? '' : 's'} ${c.seeds} (${plural(c.runs, 'run')})`
  const first = Math.min(p.children, max)
  for (let i = 0; i < first; i++) lines.push(show(p.childAt(i)))
  if (p.children > first) lines.push(`  ... ${show(p.childAt(p.children - 1)).trimStart()}`)
  return lines
}

/** A few lines for people: which child runs which strategy on which seed. */
export function formatPlan(jobs: readonly PlannedJob[], max = 6): string {
  const lines: string[] = []
  for (const job of jobs) {
    const size = job.input.arrayProperties?.size
    lines.push(
      `${job.input.jobName}: ${size === undefined ? (job.packed !== undefined ? 'one packed job' : 'one run') : `array job of ${size} children`} on queue ${job.input.jobQueue}, definition ${job.input.jobDefinition}`,
    )
    if (job.packed !== undefined) {
      lines.push(...formatPacked(job.packed, Math.min(max, 2)))
      continue
    }
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
