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
// This module imports nothing but @maze-sim/maze: the images copy only it and the preload.
import { childSlice, formatSeedList, packedChildCount, parseSeedList, sweepPosition } from '@maze-sim/maze'

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

const MAX_SEED = 4_294_967_295
const fail = (message: string): never => {
  throw new JobEnvError(`maze-sim batch preload: ${message}`)
}

/** An array child's strategy and seed, from its index (the sweep's order). */
function arrayChild(env: Env, raw: string, set: Record<string, string>, notes: string[]): void {
  if (!/^[0-9]{1,5}$/.test(raw)) fail(`AWS_BATCH_JOB_ARRAY_INDEX=${raw} is not an array index`)
  const strategies = (env[JobEnv.sweepStrategies] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const at = sweepPosition(Number(raw), Math.max(1, strategies.length))
  if (strategies.length > 0) {
    set.AGENT_STRATEGY = strategies[at.strategy]!
    notes.push(`AGENT_STRATEGY=${set.AGENT_STRATEGY}`)
  }
  const base = (env[JobEnv.seedBase] ?? '').trim()
  if (base === '') return
  if (!/^[0-9]{1,10}$/.test(base) || Number(base) > MAX_SEED) fail(`${JobEnv.seedBase}=${base} is not an integer from 0 to ${MAX_SEED}`)
  set.MAZE_SEED = String((Number(base) + at.seed) % (MAX_SEED + 1))
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
  const seedsText = (env[JobEnv.sweepSeeds] ?? '').trim()
  const perChildText = (env[JobEnv.seedsPerChild] ?? '').trim()
  if (seedsText === '' && perChildText === '') return null
  if (seedsText === '') fail(`${JobEnv.seedsPerChild}=${perChildText} needs ${JobEnv.sweepSeeds} (the packed job's seeds)`)
  if (perChildText === '') fail(`${JobEnv.sweepSeeds}=${seedsText} needs ${JobEnv.seedsPerChild} (whole seeds per child)`)
  for (const other of [JobEnv.seedBase, JobEnv.sweepStrategies]) {
    if ((env[other] ?? '').trim() !== '')
      fail(
        `${other} is for one-run children; a packed job (${JobEnv.sweepSeeds}) takes its seeds from ${JobEnv.sweepSeeds} and its strategies from AGENT_STRATEGY`,
      )
  }
  const seeds = parseSeedList(seedsText, MAX_SWEEP_SEEDS)
  if (typeof seeds === 'string') fail(`${JobEnv.sweepSeeds}=${seedsText}: ${seeds}`)
  const list = seeds as number[]
  if (list.length === 0) fail(`${JobEnv.sweepSeeds} lists no seeds`)
  if (!/^[0-9]{1,5}$/.test(perChildText) || Number(perChildText) < 1 || Number(perChildText) > MAX_SEEDS_PER_CHILD)
    fail(`${JobEnv.seedsPerChild}=${perChildText} is not a whole number from 1 to ${MAX_SEEDS_PER_CHILD}`)
  const seedsPerChild = Number(perChildText)
  const strategies = strategyList(env.AGENT_STRATEGY)
  const children = packedChildCount({ strategies: Math.max(1, strategies.length), seeds: list.length, sizes: 1 }, seedsPerChild)
  return { strategies, seeds: list, seedsPerChild, children }
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
function packedChild(env: Env, packing: Packing, raw: string, set: Record<string, string>, notes: string[]): void {
  if (raw === '' && packing.children > 1)
    fail(
      `AWS_BATCH_JOB_ARRAY_INDEX is not set, but ${JobEnv.sweepSeeds} and ${JobEnv.seedsPerChild} make ${packing.children} children: submit it as an array job of ${packing.children}`,
    )
  if (raw !== '' && !/^[0-9]{1,5}$/.test(raw)) fail(`AWS_BATCH_JOB_ARRAY_INDEX=${raw} is not an array index`)
  const index = raw === '' ? 0 : Number(raw)
  if (index >= packing.children)
    fail(
      `AWS_BATCH_JOB_ARRAY_INDEX=${raw} is beyond the ${packing.children} children that ${JobEnv.sweepSeeds} and ${JobEnv.seedsPerChild}=${packing.seedsPerChild} make`,
    )
  const seeds = packedChildSeeds(packing, index)
  set.AGENT_SEEDS = formatSeedList(seeds)
  const strategies = Math.max(1, packing.strategies.length)
  notes.push(
    `child ${index} of ${packing.children}: AGENT_SEEDS=${set.AGENT_SEEDS} (${seeds.length * strategies} runs${env.AGENT_STRATEGY !== undefined ? `, AGENT_STRATEGY=${env.AGENT_STRATEGY}` : ''})`,
  )
}

/** The model's port from the job id (FNV-1a of the parent id, plus the child's index). */
function jobPort(env: Env, set: Record<string, string>, notes: string[]): void {
  const id = (env.AWS_BATCH_JOB_ID ?? '').trim()
  if (id === '') fail(`${JobEnv.portFromJob}=true needs AWS_BATCH_JOB_ID (set by AWS Batch)`)
  const [job = '', index] = id.split(':')
  let h = 2166136261
  for (const c of job) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  const port = 10000 + ((h + Number(index ?? '0')) % 22000)
  set.PORT = String(port)
  set.MAZE_URL = `http://127.0.0.1:${port}`
  notes.push(`port ${port}`)
}

/** What the preload sets for `env`. Throws a JobEnvError naming the variable for a bad value. */
export function jobEnvChanges(env: Env): JobEnvChanges {
  const set: Record<string, string> = {}
  const notes: string[] = []
  const index = (env.AWS_BATCH_JOB_ARRAY_INDEX ?? '').trim()
  const packing = readPacking(env)
  if (packing !== null) packedChild(env, packing, index, set, notes)
  else if (index !== '') arrayChild(env, index, set, notes)
  if ((env[JobEnv.portFromJob] ?? '').trim() === 'true') jobPort(env, set, notes)
  return { set, notes }
}

/**
 * The environment the program in the container sees (a copy of `env` with the preload's changes):
 * submit's plan, the local runner's summary and the tests run the preload's own code in-process.
 */
export function deriveJobEnv(env: Env): Record<string, string | undefined> {
  return { ...env, ...jobEnvChanges(env).set }
}
