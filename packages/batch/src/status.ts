// `status` and `watch`: a job's state for people, with the children's counts by state for an array job.
import { setTimeout } from 'node:timers/promises'
import type { BatchClient, JobDetail } from '@aws-sdk/client-batch'
import { ALL_STATUSES, describeJobs, DONE_STATUSES } from './aws.ts'

export const isDone = (job: JobDetail): boolean => job.status !== undefined && DONE_STATUSES.includes(job.status)

/** `SUCCEEDED 80, FAILED 3, RUNNING 5 (83/100 done)` for an array job, '' otherwise. */
export function childProgress(job: JobDetail): string {
  const summary = job.arrayProperties?.statusSummary
  const size = job.arrayProperties?.size
  if (summary === undefined || size === undefined) return ''
  const parts = ALL_STATUSES.filter((s) => (summary[s] ?? 0) > 0).map((s) => `${s} ${summary[s]}`)
  const done = (summary.SUCCEEDED ?? 0) + (summary.FAILED ?? 0)
  return `${parts.length > 0 ? parts.join(', ') : 'no children yet'} (${done}/${size} done)`
}

/** One line per job, plus its containers' exit codes once they have them. */
export function formatJob(job: JobDetail): string {
  const head = `${job.jobName} ${job.jobId}: ${job.status}${job.statusReason !== undefined ? ` (${job.statusReason})` : ''}`
  const progress = childProgress(job)
  const lines = [progress !== '' ? `${head}\n  children: ${progress}` : head]
  const containers = job.ecsProperties?.taskProperties?.[0]?.containers ?? []
  const exited = containers.filter((c) => c.exitCode !== undefined || c.reason !== undefined)
  if (exited.length > 0) {
    lines.push(
      `  containers: ${exited.map((c) => `${c.name} ${c.exitCode ?? '-'}${c.reason !== undefined ? ` (${c.reason})` : ''}`).join(', ')}`,
    )
  }
  if ((job.attempts?.length ?? 0) > 1) lines.push(`  attempts: ${job.attempts!.length}`)
  return lines.join('\n')
}

/** A short key of what `watch` shows, to print a line only when something changed. */
const stateKey = (jobs: readonly JobDetail[]): string => jobs.map((j) => `${j.status}|${childProgress(j)}`).join(';')

export interface WatchOptions {
  readonly intervalMs: number
  readonly print: (line: string) => void
  readonly sleep?: (ms: number) => Promise<void>
  readonly signal?: AbortSignal | undefined
  /** After every poll: the jobs' children (a single job counts as one) that are done, of all. */
  readonly progress?: (done: number, total: number) => void
}

/** Children SUCCEEDED or FAILED, and children in all, over the jobs (a single job is one child). */
export function doneCounts(jobs: readonly JobDetail[]): { done: number; total: number } {
  let done = 0
  let total = 0
  for (const job of jobs) {
    const size = job.arrayProperties?.size
    if (size !== undefined && job.arrayProperties?.index === undefined) {
      const summary = job.arrayProperties?.statusSummary ?? {}
      total += size
      done += isDone(job) ? size : (summary.SUCCEEDED ?? 0) + (summary.FAILED ?? 0)
    } else {
      total += 1
      done += isDone(job) ? 1 : 0
    }
  }
  return { done, total }
}

/** Polls until every job is SUCCEEDED or FAILED, printing progress when it changes; returns the final details. */
export async function watchJobs(client: BatchClient, jobIds: readonly string[], options: WatchOptions): Promise<JobDetail[]> {
  // The pause between polls ends early when the signal aborts, so SIGINT/SIGTERM stop a watch at once.
  const sleep = options.sleep ?? ((ms: number) => setTimeout(ms, undefined, { signal: options.signal }).catch(() => {}))
  const stopped = (): boolean => options.signal?.aborted === true
  let previous = ''
  for (;;) {
    const jobs = await describeJobs(client, jobIds)
    const key = stateKey(jobs)
    if (key !== previous) {
      const time = new Date().toISOString().slice(11, 19)
      for (const job of jobs) options.print(`${time} ${formatJob(job)}`)
      previous = key
    }
    if (options.progress !== undefined) {
      const { done, total } = doneCounts(jobs)
      options.progress(done, total)
    }
    if (jobs.every(isDone)) return jobs
    if (stopped()) return jobs
    await sleep(options.intervalMs)
    if (stopped()) return jobs
  }
}
