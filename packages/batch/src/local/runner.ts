// Runs a job definition's containers on the local Docker engine the way AWS Batch runs an
// ecsProperties job, so a team can try a definition (and a submission's overrides) before paying
// for it:
//
// - one network namespace per job, owned by a small holder container (as ECS's pause container
//   does for awsvpc): the containers reach each other on localhost, and parallel array children do
//   not collide on ports;
// - dependsOn: a container starts once each dependency has STARTed, COMPLETEd or SUCCEEDed; one
//   whose SUCCESS dependency failed never starts;
// - essential containers: when one exits, the others are stopped (SIGTERM, then SIGKILL after the
//   container's stopTimeout, 30 s by default), dependents before their dependencies;
// - the attempt SUCCEEDED when every essential container exited 0, else FAILED; retries follow the
//   retry strategy's evaluateOnExit rules; the attempt timeout stops the job;
// - AWS_BATCH_JOB_ID, AWS_BATCH_JOB_ATTEMPT, AWS_BATCH_JOB_ARRAY_INDEX (array children),
//   AWS_BATCH_CE_NAME and AWS_BATCH_JQ_NAME in every container; array children run a few at a time.
//
// Not emulated: image pulls (images must be local), awslogs (logs go to files), volumes and mount
// points, GPUs, secrets, host loss.
import { randomUUID } from 'node:crypto'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput, TaskContainerProperties } from '@aws-sdk/client-batch'
import { assertValidJobDefinition } from '../check.ts'
import { BatchError, BatchErrorCode } from '../errors.ts'
import { applySubmission } from '../overrides.ts'
import { findResult, localDefinitionFile, localLogFile, localSubmissionFile, localSummaryFile, type ResultRow } from '../results.ts'
import { shouldRetry, type AttemptOutcome } from '../retry.ts'
import { DockerCli } from './docker.ts'

export const JobStatus = { Succeeded: 'SUCCEEDED', Failed: 'FAILED' } as const
export type LocalJobStatus = (typeof JobStatus)[keyof typeof JobStatus]

/** The status reason AWS Batch gives a job whose essential container exited. */
export const ESSENTIAL_EXITED = 'Essential container in task exited'
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout'
/**
 * The label on every container the runner creates (for cleanup: `docker rm -f $(docker ps -aq --filter label=maze-sim.batch)`).
 * Beside it: `maze-sim.batch.job=<job id>`, `maze-sim.batch.owner=<pid>@<host>` (the process running
 * the job: containers whose owner is gone and that carry no `maze-sim.batch.keep=true` are leftovers
 * of a run that was killed before it could remove them) and the caller's `labels`.
 */
export const LABEL = 'maze-sim.batch'
/** `maze-sim.batch.owner=<pid>@<host>` of the process that runs the job. */
export const OWNER_LABEL = `${LABEL}.owner`
/** `maze-sim.batch.keep=true` on containers kept after the run (`keep`). */
export const KEEP_LABEL = `${LABEL}.keep`
const DEFAULT_STOP_TIMEOUT_S = 30

export interface LocalRunOptions {
  /** Base directory of the run directories (`<outDir>/<job id>/...`). */
  readonly outDir: string
  readonly docker?: DockerCli
  /** Array children at once (default 2). */
  readonly parallel?: number
  /** Keep the containers after the run (for `docker logs` / `docker inspect`). */
  readonly keep?: boolean
  /** More labels on every container of the run (a test run's id, say), besides the runner's own. */
  readonly labels?: Readonly<Record<string, string>>
  /** The container whose last JSON line is the run's result (default `agent`). */
  readonly resultContainer?: string
  /** The image of the network namespace holder (runs `sleep infinity`; default: the result container's image). */
  readonly netnsImage?: string
  /** The job queue name the containers see in AWS_BATCH_JQ_NAME. */
  readonly queueName?: string
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void
  /** Also pass every container output line to `log`, prefixed with the run and container. */
  readonly echo?: boolean
  readonly signal?: AbortSignal
  /** Called once the run directory exists, before any child starts (the job id and directory). */
  readonly onStart?: (job: { jobId: string; runDir: string; children: number }) => void
  /** Called as each child (or the single job) finishes, with how many have finished of how many. */
  readonly onChildDone?: (row: LocalRunRow, done: number, total: number) => void
}

export interface ContainerOutcome {
  readonly name: string
  readonly essential: boolean
  readonly started: boolean
  readonly exitCode: number | null
  readonly reason?: string | undefined
  readonly logFile: string
}

export interface AttemptResult {
  readonly attempt: number
  readonly status: LocalJobStatus
  readonly statusReason: string
  readonly containers: readonly ContainerOutcome[]
}

export interface LocalRunRow extends ResultRow {
  /** Exit code by container name (null: never started), of the last attempt. */
  readonly containers: Readonly<Record<string, number | null>>
  readonly attemptDetails: readonly AttemptResult[]
}

export interface LocalJobRun {
  readonly jobId: string
  readonly jobName: string
  readonly runDir: string
  readonly status: LocalJobStatus
  readonly rows: readonly LocalRunRow[]
}

const essentialOf = (c: TaskContainerProperties): boolean => c.essential !== false

/** A promise that can be resolved from outside: the scheduler waits on it for the next event. */
function signalSlot(): { wait: () => Promise<void>; notify: () => void } {
  let resolve: (() => void) | undefined
  let pending = false
  return {
    wait: () => {
      if (pending) {
        pending = false
        return Promise.resolve()
      }
      return new Promise<void>((r) => {
        resolve = r
      })
    },
    notify: () => {
      if (resolve !== undefined) {
        const r = resolve
        resolve = undefined
        r()
      } else pending = true
    },
  }
}

/** `docker create` arguments (before the image) for one container of the task. */
export function containerArgs(
  c: TaskContainerProperties,
  env: Readonly<Record<string, string>>,
  options: { name: string; network: string; labels: readonly string[] },
): { args: string[]; ignored: string[] } {
  const args = ['--name', options.name, '--network', options.network, '--log-driver', 'json-file']
  for (const label of options.labels) args.push('--label', label)
  const ignored: string[] = []
  const merged: Record<string, string> = {}
  for (const kv of c.environment ?? []) if (kv.name !== undefined) merged[kv.name] = kv.value ?? ''
  Object.assign(merged, env)
  for (const [k, v] of Object.entries(merged)) args.push('--env', `${k}=${v}`)
  for (const r of c.resourceRequirements ?? []) {
    const amount = Number(r.value)
    // As ECS on EC2 maps them: MEMORY is a hard limit (MiB), VCPU a CPU share (1 vCPU = 1024 shares).
    if (r.type === 'MEMORY') args.push('--memory', `${Math.round(amount)}m`)
    else if (r.type === 'VCPU') args.push('--cpu-shares', String(Math.max(2, Math.round(amount * 1024))))
    else ignored.push(`resourceRequirements ${r.type}`)
  }
  if (c.user !== undefined) args.push('--user', c.user)
  if (c.readonlyRootFilesystem === true) args.push('--read-only')
  if (c.linuxParameters?.initProcessEnabled === true) args.push('--init')
  if (c.linuxParameters?.sharedMemorySize !== undefined) args.push('--shm-size', `${c.linuxParameters.sharedMemorySize}m`)
  for (const u of c.ulimits ?? []) args.push('--ulimit', `${u.name}=${u.softLimit}:${u.hardLimit}`)
  if (c.privileged === true) ignored.push('privileged')
  if ((c.mountPoints ?? []).length > 0) ignored.push('mountPoints')
  if ((c.secrets ?? []).length > 0) ignored.push('secrets')
  if (c.repositoryCredentials !== undefined) ignored.push('repositoryCredentials')
  if (c.firelensConfiguration !== undefined) ignored.push('firelensConfiguration')
  return { args, ignored }
}

class Task {
  private readonly docker: DockerCli
  private readonly slot = signalSlot()
  private stopping = false
  private timedOut = false
  private interrupted = false
  private readonly states: {
    c: TaskContainerProperties
    name: string
    id: string
    state: 'waiting' | 'running' | 'exited' | 'skipped'
    started: boolean
    exitCode: number | null
    reason?: string
    logFile: string
    logs?: Promise<void>
  }[] = []

  private readonly definition: RegisterJobDefinitionCommandInput
  private readonly ctx: { childJobId: string; index: number | null; attempt: number; runDir: string; prefix: string }
  private readonly options: LocalRunOptions
  private readonly log: (line: string) => void

  constructor(
    definition: RegisterJobDefinitionCommandInput,
    ctx: { childJobId: string; index: number | null; attempt: number; runDir: string; prefix: string },
    options: LocalRunOptions,
    log: (line: string) => void,
  ) {
    this.definition = definition
    this.ctx = ctx
    this.options = options
    this.log = log
    this.docker = options.docker ?? new DockerCli()
  }

  private get label(): string {
    return `${this.ctx.index === null ? 'job' : `child ${this.ctx.index}`} attempt ${this.ctx.attempt}`
  }

  async run(netnsImage: string): Promise<AttemptResult> {
    const task = this.definition.ecsProperties!.taskProperties![0]!
    const containers = task.containers ?? []
    const labels = [
      `${LABEL}=1`,
      `${LABEL}.job=${this.ctx.childJobId}`,
      `${OWNER_LABEL}=${process.pid}@${hostname()}`,
      ...(this.options.keep === true ? [`${KEEP_LABEL}=true`] : []),
      ...Object.entries(this.options.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    ]
    const created: string[] = []
    const batchEnv: Record<string, string> = {
      AWS_BATCH_JOB_ID: this.ctx.childJobId,
      AWS_BATCH_JOB_ATTEMPT: String(this.ctx.attempt),
      AWS_BATCH_CE_NAME: 'local',
      AWS_BATCH_JQ_NAME: this.options.queueName ?? 'local',
      ...(this.ctx.index !== null ? { AWS_BATCH_JOB_ARRAY_INDEX: String(this.ctx.index) } : {}),
    }
    let timer: NodeJS.Timeout | undefined
    const onAbort = (): void => {
      this.interrupted = true
      void this.stopAll('interrupted')
    }
    try {
      const holder = await this.docker.create([
        '--name',
        `${this.ctx.prefix}-netns`,
        ...labels.flatMap((l) => ['--label', l]),
        '--entrypoint',
        'sleep',
        netnsImage,
        'infinity',
      ])
      created.push(holder)
      try {
        await this.docker.start(holder)
      } catch (err) {
        throw new BatchError(
          BatchErrorCode.Docker,
          `the network namespace holder (image ${netnsImage}, command sleep infinity) did not start: ${(err as Error).message}; pass --netns-image <an image with /bin/sleep>`,
          { cause: err },
        )
      }
      for (const c of containers) {
        const name = c.name ?? `container-${this.states.length}`
        const { args, ignored } = containerArgs(c, batchEnv, { name: `${this.ctx.prefix}-${name}`, network: `container:${holder}`, labels })
        if (ignored.length > 0 && this.ctx.attempt === 1 && (this.ctx.index ?? 0) === 0)
          this.log(`${name}: not emulated locally, ignored: ${ignored.join(', ')}`)
        const id = await this.docker.create([...args, c.image!, ...(c.command ?? [])])
        created.push(id)
        this.states.push({
          c,
          name,
          id,
          state: 'waiting',
          started: false,
          exitCode: null,
          logFile: localLogFile(this.ctx.runDir, this.ctx.index, this.ctx.attempt, name),
        })
      }
      const seconds = this.definition.timeout?.attemptDurationSeconds
      if (seconds !== undefined) {
        timer = setTimeout(() => {
          this.timedOut = true
          void this.stopAll(`attempt timeout (${seconds} s)`)
        }, seconds * 1000)
      }
      if (this.options.signal?.aborted === true) onAbort()
      this.options.signal?.addEventListener('abort', onAbort, { once: true })
      await this.schedule()
      await Promise.all(this.states.map((s) => s.logs))
    } finally {
      if (timer !== undefined) clearTimeout(timer)
      this.options.signal?.removeEventListener('abort', onAbort)
      if (this.options.keep !== true) await this.docker.remove(created)
    }
    return this.outcome()
  }

  private byName(name: string) {
    return this.states.find((s) => s.name === name)
  }

  private async schedule(): Promise<void> {
    for (;;) {
      let progressed = true
      while (progressed) {
        progressed = false
        for (const s of this.states) {
          if (s.state !== 'waiting') continue
          if (this.stopping) {
            s.state = 'skipped'
            s.reason = 'the task stopped before its dependencies were met'
            progressed = true
            continue
          }
          const deps = s.c.dependsOn ?? []
          const blocking = deps.find((d) => {
            const t = this.byName(d.containerName ?? '')
            return t === undefined || t.state === 'skipped' || (d.condition === 'SUCCESS' && t.state === 'exited' && t.exitCode !== 0)
          })
          if (blocking !== undefined) {
            const t = this.byName(blocking.containerName ?? '')
            s.state = 'skipped'
            s.reason = `dependency ${blocking.containerName} (${blocking.condition}) ${t?.state === 'exited' ? `exited with ${t.exitCode}` : 'never started'}`
            this.log(`${this.label}: ${s.name} cannot start: ${s.reason}`)
            progressed = true
            if (essentialOf(s.c)) await this.stopAll(`essential container ${s.name} cannot start`)
            continue
          }
          const ready = deps.every((d) => {
            const t = this.byName(d.containerName ?? '')!
            if (d.condition === 'START') return t.state === 'running' || t.state === 'exited'
            return t.state === 'exited' && (d.condition === 'COMPLETE' || t.exitCode === 0)
          })
          if (!ready) continue
          await this.startContainer(s)
          progressed = true
        }
      }
      const running = this.states.filter((s) => s.state === 'running')
      if (running.length === 0) {
        for (const s of this.states.filter((x) => x.state === 'waiting')) {
          s.state = 'skipped'
          s.reason = 'its dependencies can never be met'
        }
        return
      }
      await this.slot.wait()
    }
  }

  private async startContainer(s: Task['states'][number]): Promise<void> {
    try {
      await this.docker.start(s.id)
    } catch (err) {
      s.state = 'exited'
      s.exitCode = null
      s.reason = `CannotStartContainerError: ${(err as Error).message}`
      this.log(`${this.label}: ${s.name} did not start: ${(err as Error).message}`)
      if (essentialOf(s.c)) await this.stopAll(`essential container ${s.name} did not start`)
      return
    }
    s.state = 'running'
    s.started = true
    this.log(`${this.label}: ${s.name} started`)
    const prefix = `${this.ctx.index === null ? '' : `${this.ctx.index} `}${s.name} | `
    s.logs = this.docker.followLogs(s.id, s.logFile, this.options.echo === true ? (line) => this.log(prefix + line) : undefined)
    void this.docker
      .wait(s.id)
      .then(async (code) => {
        const state = await this.docker.state(s.id).catch(() => undefined)
        s.exitCode = code
        if (state?.oomKilled === true) s.reason = 'OutOfMemoryError: Container killed due to memory usage'
      })
      .catch((err: unknown) => {
        s.exitCode = null
        s.reason = `lost track of the container: ${(err as Error).message}`
      })
      .then(async () => {
        s.state = 'exited'
        this.log(`${this.label}: ${s.name} exited ${s.exitCode ?? '(no code)'}${s.reason !== undefined ? ` (${s.reason})` : ''}`)
        if (essentialOf(s.c)) await this.stopAll(`essential container ${s.name} exited`)
        this.slot.notify()
      })
  }

  /**
   * Stops every running container (SIGTERM, then SIGKILL after its stopTimeout), once, in the
   * reverse of the start order as ECS does: a container is stopped once nothing still running
   * depends on it (the agent's exit stops the model, then the collector, which so receives the
   * model's last telemetry).
   */
  private async stopAll(why: string): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    const stopped = new Set<string>()
    for (let wave = 0; ; wave++) {
      const running = this.states.filter((s) => s.state === 'running' && !stopped.has(s.name))
      if (running.length === 0) break
      const free = running.filter((s) => !running.some((o) => o !== s && (o.c.dependsOn ?? []).some((d) => d.containerName === s.name)))
      const now = free.length > 0 ? free : running
      const names = now.map((s) => s.name).join(', ')
      this.log(`${this.label}: ${wave === 0 ? `${why}: stopping ${names}` : `stopping ${names} (after what depends on it)`}`)
      await Promise.all(
        now.map((s) =>
          this.docker
            .stop(s.id, s.c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S)
            .catch(() => {})
            .then(() => stopped.add(s.name)),
        ),
      )
    }
    this.slot.notify()
  }

  private outcome(): AttemptResult {
    const containers: ContainerOutcome[] = this.states.map((s) => ({
      name: s.name,
      essential: essentialOf(s.c),
      started: s.started,
      exitCode: s.exitCode,
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      logFile: s.logFile,
    }))
    const failedEssential = containers.find((c) => c.essential && c.exitCode !== 0)
    let status: LocalJobStatus =
      failedEssential === undefined && !this.timedOut && !this.interrupted ? JobStatus.Succeeded : JobStatus.Failed
    let statusReason = ESSENTIAL_EXITED
    if (this.timedOut) statusReason = TIMEOUT_REASON
    else if (this.interrupted) statusReason = 'Interrupted (local run stopped)'
    else if (containers.every((c) => !c.essential || c.exitCode === null)) {
      status = JobStatus.Failed
      statusReason = 'No essential container ran'
    }
    return { attempt: this.ctx.attempt, status, statusReason, containers }
  }
}

/** Runs `items` with at most `limit` at once, in order of start. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, stop: () => boolean): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const i = next++
      results[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results.filter((r) => r !== undefined)
}

/** Checks that the engine answers and that every image is local (the runner never pulls). */
export async function preflight(definition: RegisterJobDefinitionCommandInput, docker: DockerCli, netnsImage: string): Promise<void> {
  const ping = await docker.ping()
  if (!ping.ok)
    throw new BatchError(BatchErrorCode.Docker, `no Docker engine answers (${ping.reason}); start Docker, or point DOCKER_HOST at one`)
  const containers = definition.ecsProperties?.taskProperties?.[0]?.containers ?? []
  const wanted = new Map<string, string>()
  for (const c of containers) if (c.image !== undefined) wanted.set(c.image, wanted.get(c.image) ?? c.name ?? '?')
  if (!wanted.has(netnsImage)) wanted.set(netnsImage, 'the network namespace holder')
  const missing: string[] = []
  for (const [image, who] of wanted) if (!(await docker.imageExists(image))) missing.push(`${image} (${who})`)
  if (missing.length > 0) {
    throw new BatchError(
      BatchErrorCode.ImageMissing,
      `not on the local Docker engine: ${missing.join(', ')}. The local runner does not pull images: build them first (docker/README.md), or choose others with --model-image, --agent-image, --collector-image`,
    )
  }
}

/**
 * Runs a submission of a job definition locally (a single job, or every child of an array job) and
 * returns one row per run. Writes each container's output to `<outDir>/<job id>/.../<container>.log`
 * and the rows to `<outDir>/<job id>/status.jsonl`.
 */
export async function runLocalJob(
  definition: RegisterJobDefinitionCommandInput,
  submission: SubmitJobCommandInput,
  options: LocalRunOptions,
): Promise<LocalJobRun> {
  const docker = options.docker ?? new DockerCli()
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const applied = assertValidJobDefinition(applySubmission(definition, submission), 'the job definition with the submission applied')
  const containers = applied.ecsProperties!.taskProperties![0]!.containers ?? []
  const resultContainer = options.resultContainer ?? 'agent'
  const netnsImage = options.netnsImage ?? containers.find((c) => c.name === resultContainer)?.image ?? containers[0]!.image!
  await preflight(applied, docker, netnsImage)

  const jobId = randomUUID()
  const jobName = submission.jobName ?? applied.jobDefinitionName ?? 'job'
  const runDir = join(options.outDir, jobId)
  mkdirSync(runDir, { recursive: true })
  // The job as run, so `results --dir` knows what each child was given (and --only-missing can replay it).
  writeFileSync(localDefinitionFile(runDir), `${JSON.stringify(definition, null, 2)}\n`)
  writeFileSync(localSubmissionFile(runDir), `${JSON.stringify(submission, null, 2)}\n`)
  const size = submission.arrayProperties?.size
  const indices: (number | null)[] = size === undefined ? [null] : Array.from({ length: size }, (_, i) => i)
  log(`${jobName}: local job ${jobId}${size === undefined ? '' : `, array of ${size}`}; logs in ${runDir}`)
  options.onStart?.({ jobId, runDir, children: indices.length })
  const summaryLine = (r: LocalRunRow): string =>
    JSON.stringify({
      jobId: r.jobId,
      arrayIndex: r.arrayIndex,
      status: r.status,
      exitCode: r.exitCode,
      statusReason: r.statusReason,
      attempts: r.attempts,
      containers: r.containers,
    })
  let done = 0

  const runOne = async (index: number | null): Promise<LocalRunRow> => {
    const childJobId = index === null ? jobId : `${jobId}:${index}`
    const attempts: AttemptResult[] = []
    for (let attempt = 1; ; attempt++) {
      const prefix = `mzb-${jobId.slice(0, 8)}-${index ?? 'job'}-a${attempt}`
      const result = await new Task(applied, { childJobId, index, attempt, runDir, prefix }, options, log).run(netnsImage)
      attempts.push(result)
      const failing = result.containers.find((c) => c.essential && c.exitCode !== 0)
      const outcome: AttemptOutcome = { exitCode: failing?.exitCode ?? null, reason: failing?.reason, statusReason: result.statusReason }
      const label = index === null ? 'job' : `child ${index}`
      if (
        result.status === JobStatus.Succeeded ||
        options.signal?.aborted === true ||
        !shouldRetry(applied.retryStrategy, attempt, outcome)
      ) {
        log(
          `${label}: ${result.status} after ${attempt} attempt${attempt === 1 ? '' : 's'} (${result.containers.map((c) => `${c.name} ${c.exitCode ?? '-'}`).join(', ')})`,
        )
        break
      }
      log(`${label}: attempt ${attempt} FAILED (${result.statusReason}); the retry strategy retries it`)
    }
    const last = attempts[attempts.length - 1]!
    const agent = last.containers.find((c) => c.name === resultContainer)
    let result = null
    if (agent !== undefined) {
      try {
        result = findResult(readFileSync(agent.logFile, 'utf8'))
      } catch {
        result = null
      }
    }
    return {
      jobId: childJobId,
      arrayIndex: index,
      status: last.status,
      exitCode: agent?.exitCode ?? null,
      statusReason: last.statusReason,
      attempts: attempts.length,
      containers: Object.fromEntries(last.containers.map((c) => [c.name, c.exitCode])),
      attemptDetails: attempts,
      result,
    }
  }

  // Each child's row is appended as it finishes (a stopped run's directory still says what finished),
  // and the file is rewritten in index order at the end.
  const finishOne = async (index: number | null): Promise<LocalRunRow> => {
    const row = await runOne(index)
    appendFileSync(localSummaryFile(runDir), `${summaryLine(row)}\n`)
    done += 1
    options.onChildDone?.(row, done, indices.length)
    return row
  }
  const rows = await pool(indices, options.parallel ?? 2, finishOne, () => options.signal?.aborted === true)
  writeFileSync(localSummaryFile(runDir), rows.map((r) => `${summaryLine(r)}\n`).join(''))
  const status =
    rows.length === indices.length && rows.every((r) => r.status === JobStatus.Succeeded) ? JobStatus.Succeeded : JobStatus.Failed
  return { jobId, jobName, runDir, status, rows }
}
