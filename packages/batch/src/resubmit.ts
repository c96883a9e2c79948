// `--only-missing`: the runs a packed job is missing, played again as packed submissions. The
// missing runs are cut into cross products (`groupRuns` of @maze-sim/maze: consecutive seeds
// missing the same strategies), and each becomes one submission with an explicit seed list and
// that subset of strategies, so exactly the missing runs are played, each once.
import { groupRuns } from '@maze-sim/maze'
import type { MissingRun, PackedJob } from './packed-results.ts'
import { MAX_JOB_NAME_LENGTH, planSubmissions, type EnvOverride, type PlannedJob, type SubmitOptions } from './submit.ts'

/** What a resubmission keeps of the command line it was asked with. */
export interface ResubmitBase {
  readonly queue: string
  readonly jobDefinition: string
  /** The original job's name: each resubmission is `<name>-missing[-<n>]`. */
  readonly jobName: string
  /** Runs per child (default: the original job's seeds per child, times the group's strategies). */
  readonly runsPerChild?: number | undefined
  readonly childOverheadS?: number | undefined
  readonly env?: readonly EnvOverride[] | undefined
  readonly containerNames?: readonly string[] | undefined
}

/**
 * The submissions that play exactly `missing`: one per group of runs, each with the group's seeds and
 * strategies, the original job's size, step limit and seeds per child. Empty when nothing is missing.
 */
export function missingRunsOptions(job: PackedJob, missing: readonly MissingRun[], base: ResubmitBase): SubmitOptions[] {
  const groups = groupRuns(missing, job.strategies)
  return groups.map((group, i) => {
    const suffix = `-missing${groups.length > 1 ? `-${i + 1}` : ''}`
    return {
      queue: base.queue,
      jobDefinition: base.jobDefinition,
      jobName: `${base.jobName.slice(0, MAX_JOB_NAME_LENGTH - suffix.length)}${suffix}`,
      // A job of the definition's default strategy lists none; its runs are named `(default)`.
      strategies: group.strategies.filter((s) => s !== '(default)'),
      runs: 1,
      seeds: group.seeds,
      runsPerChild: base.runsPerChild ?? job.seedsPerChild * Math.max(1, group.strategies.length),
      width: group.width > 0 ? group.width : undefined,
      height: group.height > 0 ? group.height : undefined,
      maxSteps: job.maxSteps ?? undefined,
      childOverheadS: base.childOverheadS,
      env: base.env,
      containerNames: base.containerNames,
    }
  })
}

/** The planned submissions (SubmitJob inputs and their plans) that play exactly `missing`. */
export const planMissing = (job: PackedJob, missing: readonly MissingRun[], base: ResubmitBase): PlannedJob[] =>
  missingRunsOptions(job, missing, base).flatMap((options) => planSubmissions(options))
