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
// - MAZE_PORT_FROM_JOB = true moves the model off 5555 to a port derived from AWS_BATCH_JOB_ID
//   (PORT for the model, MAZE_URL for the agent), because on EC2 a job's containers use the host's
//   network: two jobs placed on one instance would otherwise both want 5555. Children of one array
//   job never collide (consecutive ports); other jobs collide with a probability of about 1 in
//   22,000 per pair on one instance.
//
// This module imports nothing but @maze-sim/maze: the images copy only it and the preload.
import { sweepPosition } from '@maze-sim/maze'

/** The variables the preload reads (besides AWS Batch's own). */
export const JobEnv = {
  /** First maze seed of an array job; child i plays seed + floor(i / strategies). */
  seedBase: 'MAZE_SEED_BASE',
  /** Comma-separated strategies of a sweep; child i runs strategy i mod count. */
  sweepStrategies: 'MAZE_SWEEP_STRATEGIES',
  /** `true`: the model's port comes from AWS_BATCH_JOB_ID (host networking on EC2). */
  portFromJob: 'MAZE_PORT_FROM_JOB',
} as const

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
  if (index !== '') arrayChild(env, index, set, notes)
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
