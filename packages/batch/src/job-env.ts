// What each container of a job derives from the variables AWS Batch sets, before the program starts.
//
// The model and agent images run `node <entry>` (an ENTRYPOINT a job definition cannot change, and
// their configuration is read once from the environment), so the job definition preloads
// job-env-preload.ts through NODE_OPTIONS (`--import=./packages/batch/src/job-env-preload.ts`; both
// images hold that file and this one, docker/Dockerfile). It does nothing unless the variables
// below are set:
//
// - an array child (AWS_BATCH_JOB_ARRAY_INDEX = i) with MAZE_SWEEP_STRATEGIES = s0,s1,...,s(n-1)
//   runs AGENT_STRATEGY = s(i mod n); with MAZE_SEED_BASE = b it runs MAZE_SEED = b + floor(i / n)
//   (mod 2^32): the order of the local sweep (`sweepPosition` of @maze-sim/maze, which both use).
//   So every seed is played by every strategy, and the same submission gives the same mazes;
// - a packed child plays a slice of the sweep, many runs in one container set: the agent container
//   gets AGENT_STRATEGY = s0,...,s(n-1) (every strategy, which the agent plays on each of its
//   seeds), MAZE_SWEEP_SEEDS = the sweep's seeds (a seed list, `1-200,500`: formatSeedList of
//   @maze-sim/maze) and MAZE_SEEDS_PER_CHILD = k (whole seeds per child); child i (of
//   packedChildCount) gets AGENT_SEEDS = the seeds of `childSlice(i)` (at most k consecutive
//   positions of the list). A packed job of one child is a single job: no array index means child 0.
//   The model container keeps MAZE_WIDTH / MAZE_HEIGHT (the episodes' size) and gets nothing else;
// - MAZE_PORT_FROM_JOB = true moves the model off 5555 to a port derived from AWS_BATCH_JOB_ID
//   (PORT for the model, MAZE_URL for the agent), because on EC2 a job's containers use the host's
//   network: two jobs placed on one instance would otherwise both want 5555. Children of one array
//   job never collide (consecutive ports); other jobs collide with a probability of about 1 in
//   22,000 per pair on one instance.
//
// Every variable is read by @maze-sim/config (JOB_ENV_OPTIONS), under the rules every program reads
// its configuration by: no trimming (`MAZE_SEED_BASE=" 80"` is refused as the model refuses
// `MAZE_SEED=" 80"`), plain digits, seeds in the one seed-list grammar (`seedList`). A refused value
// stops the container before the program starts: the config reader's message on stderr, exit code 2.
//
// This module imports nothing but @maze-sim/config and @maze-sim/maze (both programs depend on them):
// the images copy only it, the preload and those two packages.
import { boolean, ConfigProblems, integer, list, read, seedList, string, type Values } from '@maze-sim/config'
import { childSlice, formatSeedList, MAX_SEED, packedChildCount, seedsOf, sweepPosition } from '@maze-sim/maze'

/** The variables the preload reads (besides AWS Batch's own). */
export const JobEnv = {
  /** First maze seed of an array job; child i plays seed + floor(i / strategies). */
  seedBase: 'MAZE_SEED_BASE',
  /** Comma-separated strategies of a sweep; child i runs strategy i mod count. */
  sweepStrategies: 'MAZE_SWEEP_STRATEGIES',
  /** `true`: the model's port comes from AWS_BATCH_JOB_ID (host networking on EC2). */
  portFromJob: 'MAZE_PORT_FROM_JOB',
  /** A packed job's seeds (a seed list: `1-200,500`), on the agent container; child i plays a slice of them. */
  sweepSeeds: 'MAZE_SWEEP_SEEDS',
  /** A packed job's whole seeds per child (every strategy of AGENT_STRATEGY plays each). */
  seedsPerChild: 'MAZE_SEEDS_PER_CHILD',
} as const

/** The most seeds a packed job lists (the preload expands MAZE_SWEEP_SEEDS; 1,000,000 numbers is a few MB). */
export const MAX_SWEEP_SEEDS = 1_000_000
/** The most whole seeds one packed child plays. */
export const MAX_SEEDS_PER_CHILD = 10_000

/** The most array children AWS Batch runs in one job (its limit is 10,000; the index is read up to 99,999). */
const MAX_ARRAY_INDEX = 99_999

/** The preload's variables, read by @maze-sim/config: AWS Batch's own and those `submit` sets (JobEnv). */
export const JOB_ENV_OPTIONS = {
  arrayIndex: integer({
    env: 'AWS_BATCH_JOB_ARRAY_INDEX',
    min: 0,
    max: MAX_ARRAY_INDEX,
    default: null,
    description: "an array child's index (set by AWS Batch)",
  }),
  jobId: string({ env: 'AWS_BATCH_JOB_ID', default: null, description: 'the job id (set by AWS Batch)' }),
  seedBase: integer({
    env: JobEnv.seedBase,
    min: 0,
    max: MAX_SEED,
    default: null,
    description: 'first maze seed of an array job; child i plays seed + floor(i / strategies)',
  }),
  sweepStrategies: list({
    env: JobEnv.sweepStrategies,
    default: null,
    description: 'strategies of a sweep; child i runs strategy i mod count',
  }),
  portFromJob: boolean({ env: JobEnv.portFromJob, description: "true: the model's port comes from AWS_BATCH_JOB_ID" }),
  sweepSeeds: seedList({
    env: JobEnv.sweepSeeds,
    limit: MAX_SWEEP_SEEDS,
    default: null,
    description: "a packed job's seeds; child i plays a slice of them",
  }),
  seedsPerChild: integer({
    env: JobEnv.seedsPerChild,
    min: 1,
    max: MAX_SEEDS_PER_CHILD,
    default: null,
    description: "a packed job's whole seeds per child",
  }),
} as const

/** The preload's variables, typed. */
export type JobEnvValues = Values<typeof JOB_ENV_OPTIONS>

/** The preload module, relative to the images' working directory (/app) and to the repository root. */
export const JOB_ENV_PRELOAD = './packages/batch/src/job-env-preload.ts'

/** The NODE_OPTIONS value that preloads JOB_ENV_PRELOAD (rendered into the job definition). */
export function jobEnvNodeOptions(): string {
  return `--import=${JOB_ENV_PRELOAD}`
}

/** A bad value the preload refuses (in a container: the message on stderr, exit code 2). */
export class JobEnvError extends Error {
  override readonly name = 'JobEnvError'
}

/** What the preload sets, and a short note per change for the container's log. */
export interface JobEnvChanges {
  readonly set: Readonly<Record<string, string>>
  readonly notes: readonly string[]
}

type Env = Readonly<Record<string, string | undefined>>

const PREFIX = 'maze-sim batch preload: '
const fail = (message: string): never => {
  throw new JobEnvError(`${PREFIX}${message}`)
}

/** The preload's variables of `env`, by @maze-sim/config's rules; a JobEnvError with its message (every problem) otherwise. */
export function readJobEnv(env: Env): JobEnvValues {
  try {
    return read(JOB_ENV_OPTIONS, { env })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw new JobEnvError(`${PREFIX}${err.problems.join('; ')}`, { cause: err })
  }
}

/** An array child's strategy and seed, from its index (the sweep's order). */
function arrayChild(values: JobEnvValues, index: number, set: Record<string, string>, notes: string[]): void {
  const strategies = values.sweepStrategies ?? []
  const at = sweepPosition(index, Math.max(1, strategies.length))
  if (strategies.length > 0) {
    set.AGENT_STRATEGY = strategies[at.strategy]!
    notes.push(`AGENT_STRATEGY=${set.AGENT_STRATEGY}`)
  }
  if (values.seedBase === null) return
  set.MAZE_SEED = String((values.seedBase + at.seed) % (MAX_SEED + 1))
  notes.push(`MAZE_SEED=${set.MAZE_SEED}`)
}

/** What a packed job plays, read from its agent container's variables (see the header). */
export interface Packing {
  /** AGENT_STRATEGY's names (empty: the agent's own default, one strategy). */
  readonly strategies: readonly string[]
  /** MAZE_SWEEP_SEEDS, expanded, in order. */
  readonly seeds: readonly number[]
  /** MAZE_SEEDS_PER_CHILD. */
  readonly seedsPerChild: number
  /** How many children the job has (packedChildCount). */
  readonly children: number
}

/** AGENT_STRATEGY as a list of names (the agent's own comma-separated form). */
export const strategyList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

/**
 * A packed job's settings from the agent container's environment; null when it is not packed
 * (neither MAZE_SWEEP_SEEDS nor MAZE_SEEDS_PER_CHILD set). Throws a JobEnvError naming the variable
 * for a bad or half-given value. The preload, `submit`'s plan and `results` all read it here.
 */
export function readPacking(env: Env): Packing | null {
  return packingOf(env, readJobEnv(env))
}

function packingOf(env: Env, values: JobEnvValues): Packing | null {
  const { sweepSeeds, seedsPerChild } = values
  if (sweepSeeds === null && seedsPerChild === null) return null
  if (sweepSeeds === null) fail(`${JobEnv.seedsPerChild}=${seedsPerChild} needs ${JobEnv.sweepSeeds} (the packed job's seeds)`)
  if (seedsPerChild === null) fail(`${JobEnv.sweepSeeds}=${env[JobEnv.sweepSeeds]} needs ${JobEnv.seedsPerChild} (whole seeds per child)`)
  for (const [name, value] of [
    [JobEnv.seedBase, values.seedBase],
    [JobEnv.sweepStrategies, values.sweepStrategies],
  ] as const) {
    if (value !== null)
      fail(
        `${name} is for one-run children; a packed job (${JobEnv.sweepSeeds}) takes its seeds from ${JobEnv.sweepSeeds} and its strategies from AGENT_STRATEGY`,
      )
  }
  const seeds = [...seedsOf(sweepSeeds!)]
  const strategies = strategyList(env.AGENT_STRATEGY)
  const children = packedChildCount({ strategies: Math.max(1, strategies.length), seeds: seeds.length, sizes: 1 }, seedsPerChild!)
  return { strategies, seeds, seedsPerChild: seedsPerChild!, children }
}

/** The seeds packed child `child` plays: its `childSlice` of the job's seed list. */
export function packedChildSeeds(packing: Packing, child: number): number[] {
  const slice = childSlice(
    child,
    { strategies: Math.max(1, packing.strategies.length), seeds: packing.seeds.length, sizes: 1 },
    packing.seedsPerChild,
  )
  return packing.seeds.slice(slice.seedFrom, slice.seedTo)
}

/** A packed child's AGENT_SEEDS, from its index (none: a packed single job, child 0). */
function packedChild(env: Env, packing: Packing, index: number | null, set: Record<string, string>, notes: string[]): void {
  if (index === null && packing.children > 1)
    fail(
      `AWS_BATCH_JOB_ARRAY_INDEX is not set, but ${JobEnv.sweepSeeds} and ${JobEnv.seedsPerChild} make ${packing.children} children: submit it as an array job of ${packing.children}`,
    )
  const child = index ?? 0
  if (child >= packing.children)
    fail(
      `AWS_BATCH_JOB_ARRAY_INDEX=${index} is beyond the ${packing.children} children that ${JobEnv.sweepSeeds} and ${JobEnv.seedsPerChild}=${packing.seedsPerChild} make`,
    )
  const seeds = packedChildSeeds(packing, child)
  set.AGENT_SEEDS = formatSeedList(seeds)
  const strategies = Math.max(1, packing.strategies.length)
  notes.push(
    `child ${child} of ${packing.children}: AGENT_SEEDS=${set.AGENT_SEEDS} (${seeds.length * strategies} runs${env.AGENT_STRATEGY !== undefined ? `, AGENT_STRATEGY=${env.AGENT_STRATEGY}` : ''})`,
  )
}

/** The model's port from the job id (FNV-1a of the parent id, plus the child's index). */
function jobPort(id: string | null, set: Record<string, string>, notes: string[]): void {
  if (id === null) fail(`${JobEnv.portFromJob}=true needs AWS_BATCH_JOB_ID (set by AWS Batch)`)
  const [job = '', index] = id!.split(':')
  let h = 2166136261
  for (const c of job) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  const port = 10000 + ((h + Number(index ?? '0')) % 22000)
  set.PORT = String(port)
  set.MAZE_URL = `http://127.0.0.1:${port}`
  notes.push(`port ${port}`)
}

/** What the preload sets for `env`. Throws a JobEnvError naming the variable for a bad value (every refused one at once). */
export function jobEnvChanges(env: Env): JobEnvChanges {
  const set: Record<string, string> = {}
  const notes: string[] = []
  const values = readJobEnv(env)
  const packing = packingOf(env, values)
  if (packing !== null) packedChild(env, packing, values.arrayIndex, set, notes)
  else if (values.arrayIndex !== null) arrayChild(values, values.arrayIndex, set, notes)
  if (values.portFromJob) jobPort(values.jobId, set, notes)
  return { set, notes }
}

/**
 * The environment the program in the container sees (a copy of `env` with the preload's changes):
 * submit's plan, the local runner's summary and the tests run the preload's own code in-process.
 */
export function deriveJobEnv(env: Env): Record<string, string | undefined> {
  return { ...env, ...jobEnvChanges(env).set }
}
