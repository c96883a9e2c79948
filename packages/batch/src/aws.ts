// The AWS calls: register, submit, describe and list jobs (AWS Batch), and the agent's result lines
// (CloudWatch Logs). Region, credentials and profile come from the SDK's standard chain (AWS_REGION,
// AWS_PROFILE, ~/.aws/config, SSO, instance roles...); --region and --profile override them. Every
// client is made by clientConfig, so every attempt of every call has a deadline, a call has a bounded
// number of attempts, and the program's signal (SIGINT/SIGTERM) ends a call at once.
import { addAbortSignal, Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import {
  BatchClient,
  DescribeJobsCommand,
  paginateListJobs,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type JobDetail,
  type JobStatus,
  type JobSummary,
  type RegisterJobDefinitionCommandInput,
  type RegisterJobDefinitionCommandOutput,
  type SubmitJobCommandInput,
  type SubmitJobCommandOutput,
  type TaskContainerDetails,
} from '@aws-sdk/client-batch'
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs'
import { BatchError, BatchErrorCode } from './errors.ts'
import { packedJobOf, type AttemptLogs, type ChildLogs, type PackedJob } from './packed-results.ts'
import { findResult, type ResultRow, type RunResult } from './results.ts'

export interface AwsOptions {
  readonly region?: string | undefined
  readonly profile?: string | undefined
  /** How long one attempt of an AWS request may take, in ms (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  readonly requestTimeoutMs?: number | undefined
  /** Attempts per AWS call, the first included (default {@link DEFAULT_MAX_ATTEMPTS}). */
  readonly maxAttempts?: number | undefined
  /** The program's signal: when it aborts, every call of the client ends at once (BATCH_ERR_INTERRUPTED). */
  readonly signal?: AbortSignal | undefined
}

/** The CloudWatch Logs filter that selects the agent's result lines and the model's referee lines (both have this key). */
export const RESULT_FILTER_PATTERN = '"optimalSteps"'
/** Terminal job states. */
export const DONE_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED']
export const ALL_STATUSES: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED']

/**
 * The bound on every AWS call: each attempt ends after this long, whatever happens in it
 * (connecting, sending, waiting for the answer, reading the whole answer however slowly it
 * trickles in), and a call is tried at most DEFAULT_MAX_ATTEMPTS times (the SDK's standard retry
 * mode: only throttling, 5xx, network errors and these deadlines are retried, with exponential
 * backoff of at most a few seconds). Without it the SDK waits for ever on an endpoint that accepts
 * the connection and never answers, or answers a byte at a time (the SDK's own requestTimeout and
 * socketTimeout only measure silences). Batch and CloudWatch Logs answer in well under a second.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000
export const DEFAULT_MAX_ATTEMPTS = 3
/** Connecting takes at most this long (or the request timeout, when that is shorter). */
export const CONNECTION_TIMEOUT_MS = 5_000
export const MAX_REQUEST_TIMEOUT_MS = 600_000
export const MAX_ATTEMPTS_LIMIT = 10
/**
 * Paged reads (ListJobs, FilterLogEvents) go through the SDK's paginators, which end when a page
 * repeats the token it was asked with: a service that keeps answering "more" with the same token
 * cannot keep a command going for ever.
 */
const PAGINATION = { stopOnSameToken: true } as const

/** What an SDK HTTP handler is to the deadline below: it handles a request, given an abort signal. */
interface HttpHandlerLike {
  handle(request: never, options?: { abortSignal?: unknown }): Promise<{ response: { body?: unknown } }>
}

/** An SDK runtime extension's view of a client's configuration: its HTTP handler, read and replaced. */
interface HandlerConfiguration<H extends HttpHandlerLike> {
  httpHandler(): H
  setHttpHandler(handler: H): void
}

/**
 * The SDK runtime extension (a client's `extensions`) that bounds every attempt of every call: the
 * client's HTTP handler, wrapped so that an attempt is aborted after `attemptMs` (it then fails as a
 * TimeoutError, which the SDK retries within maxAttempts) or when `signal` aborts (an AbortError,
 * which the SDK does not retry). The answer's body is read inside the attempt, so a trickling answer
 * counts too; the SDK then parses the bytes read. Batch, CloudWatch Logs, CloudFormation, STS and ECR
 * answer with small JSON or XML documents, never with streams a caller reads later.
 */
export function attemptDeadline(attemptMs: number, signal?: AbortSignal) {
  return {
    configure<H extends HttpHandlerLike>(config: HandlerConfiguration<H>): void {
      const inner = config.httpHandler()
      const handle: HttpHandlerLike['handle'] = async (request, options = {}) => {
        const deadline = AbortSignal.timeout(attemptMs)
        const given = options.abortSignal instanceof AbortSignal ? [options.abortSignal] : []
        const abortSignal = AbortSignal.any([deadline, ...given, ...(signal === undefined ? [] : [signal])])
        try {
          const out = await inner.handle(request, { ...options, abortSignal })
          const body = out.response.body
          if (body instanceof Readable) out.response.body = await buffer(addAbortSignal(abortSignal, body))
          return out
        } catch (err) {
          if (signal?.aborted === true || given.some((s) => s.aborted))
            throw Object.assign(new Error(`interrupted (${String(signal?.reason ?? 'aborted')})`), { name: 'AbortError', cause: err })
          if (deadline.aborted)
            throw Object.assign(new Error(`no complete answer within ${attemptMs} ms`), { name: 'TimeoutError', cause: err })
          throw err
        }
      }
      // The same handler with `handle` wrapped: its other methods (destroy, updateHttpClientConfig...) are the SDK's.
      config.setHttpHandler(Object.assign(Object.create(inner) as H, { handle }))
    },
  }
}

/** The SDK client settings, in one place: region, profile, the deadline per attempt, retries, the program's signal. */
export function clientConfig(o: AwsOptions = {}) {
  const requestTimeout = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  return {
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    maxAttempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: Math.min(requestTimeout, CONNECTION_TIMEOUT_MS),
      requestTimeout,
      socketTimeout: requestTimeout,
      // Since @smithy/node-http-handler 4.4 an exceeded requestTimeout only logs a warning unless this is set.
      throwOnRequestTimeout: true as const,
    },
    // The whole attempt, not only its silences: see attemptDeadline.
    extensions: [attemptDeadline(requestTimeout, o.signal)],
  }
}

export const createBatchClient = (o: AwsOptions = {}): BatchClient => new BatchClient(clientConfig(o))
export const createLogsClient = (o: AwsOptions = {}): CloudWatchLogsClient => new CloudWatchLogsClient(clientConfig(o))

/** The region the SDK would use (flags, environment, profile), or undefined; no network access. */
export async function resolveRegion(o: AwsOptions = {}): Promise<string | undefined> {
  if (o.region !== undefined) return o.region
  const client = createBatchClient(o)
  try {
    return await client.config.region()
  } catch {
    return undefined
  } finally {
    client.destroy()
  }
}

/** Wraps an SDK error as BATCH_ERR_AWS with what was being done and a hint for the usual causes. */
export function awsError(err: unknown, doing: string): BatchError {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } }
  const name = e.name ?? 'Error'
  const message = (e.message ?? String(err)).replace(/\.+$/, '')
  const attempts = e.$metadata?.attempts
  if (name === 'AbortError') return new BatchError(BatchErrorCode.Interrupted, `${doing} stopped: ${message}`, { cause: err })
  let hint = ''
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || /timed out|exceeded the configured/i.test(message)) {
    hint = ` No answer from AWS${attempts !== undefined ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : ''}: check the network, the region and any AWS_ENDPOINT_URL* setting, or allow more with --request-timeout-ms / --max-attempts.`
  } else if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(`${e.code ?? ''} ${message}`)) {
    hint = ' AWS could not be reached: check the network, the region and any AWS_ENDPOINT_URL* setting.'
  } else if (/Region is missing/i.test(message)) hint = ' Set AWS_REGION, pass --region, or set a region in your AWS profile.'
  else if (name === 'CredentialsProviderError' || /credentials/i.test(message)) {
    hint = ' No usable AWS credentials: set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`.'
  } else if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`)) {
    hint = ' The caller lacks an IAM permission (see packages/batch/README.md, "IAM roles").'
  } else if (name === 'ExpiredTokenException' || /expired/i.test(message))
    hint = ' The session has expired: log in again (e.g. `aws sso login`).'
  return new BatchError(BatchErrorCode.Aws, `${doing} failed: ${name}: ${message}.${hint}`, { cause: err })
}

export async function registerJobDefinition(
  client: BatchClient,
  input: RegisterJobDefinitionCommandInput,
): Promise<RegisterJobDefinitionCommandOutput> {
  try {
    return await client.send(new RegisterJobDefinitionCommand(input))
  } catch (err) {
    throw awsError(err, `RegisterJobDefinition ${input.jobDefinitionName}`)
  }
}

export async function submitJob(client: BatchClient, input: SubmitJobCommandInput): Promise<SubmitJobCommandOutput> {
  try {
    return await client.send(new SubmitJobCommand(input))
  } catch (err) {
    throw awsError(err, `SubmitJob ${input.jobName}`)
  }
}

/** DescribeJobs for any number of ids (100 per call); an unknown id is BATCH_ERR_JOB_NOT_FOUND. */
export async function describeJobs(client: BatchClient, jobIds: readonly string[]): Promise<JobDetail[]> {
  const out: JobDetail[] = []
  for (let i = 0; i < jobIds.length; i += 100) {
    const chunk = jobIds.slice(i, i + 100)
    let jobs: JobDetail[]
    try {
      jobs = (await client.send(new DescribeJobsCommand({ jobs: chunk }))).jobs ?? []
    } catch (err) {
      throw awsError(err, 'DescribeJobs')
    }
    out.push(...jobs)
  }
  const found = new Set(out.map((j) => j.jobId))
  const missing = jobIds.filter((id) => !found.has(id))
  if (missing.length > 0) {
    throw new BatchError(
      BatchErrorCode.JobNotFound,
      `AWS Batch does not know job ${missing.join(', ')} in this region (wrong id or region, or finished more than about 7 days ago)`,
    )
  }
  // In the order asked for.
  return jobIds.map((id) => out.find((j) => j.jobId === id)!)
}

/** The children of an array job in the given states (ListJobs with arrayJobId, every page). */
export async function listArrayChildren(
  client: BatchClient,
  arrayJobId: string,
  statuses: readonly JobStatus[] = ALL_STATUSES,
): Promise<JobSummary[]> {
  const out: JobSummary[] = []
  for (const jobStatus of statuses) {
    try {
      // The SDK's paginator, stopping if the service hands back the token it was given (a loop).
      for await (const page of paginateListJobs({ client, ...PAGINATION }, { arrayJobId, jobStatus })) {
        out.push(...(page.jobSummaryList ?? []))
      }
    } catch (err) {
      throw awsError(err, `ListJobs (children of ${arrayJobId}, ${jobStatus})`)
    }
  }
  return out.sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0))
}

/** A container of an ecsProperties job (the latest attempt), by name. */
export const jobContainer = (job: JobDetail, name: string): TaskContainerDetails | undefined =>
  job.ecsProperties?.taskProperties?.[0]?.containers?.find((c) => c.name === name)

/** A job as `results` reads it: its details and, for an array job, its finished children's. */
export interface DescribedJob {
  readonly job: JobDetail
  readonly isArray: boolean
  /** The finished children of an array job (SUCCEEDED or FAILED), else the job itself. */
  readonly jobs: readonly JobDetail[]
}

/** DescribeJobs of a job and, for an array job, ListJobs and DescribeJobs of its finished children. */
export async function describeWithChildren(batch: BatchClient, jobId: string): Promise<DescribedJob> {
  const [job] = await describeJobs(batch, [jobId])
  const isArray = job!.arrayProperties?.size !== undefined && job!.arrayProperties.index === undefined
  const jobs = isArray
    ? await describeJobs(
        batch,
        (await listArrayChildren(batch, jobId, DONE_STATUSES)).map((s) => s.jobId!),
      )
    : [job!]
  return { job: job!, isArray, jobs }
}

/**
 * The result-looking events (RESULT_FILTER_PATTERN) of log streams, by group and 100 streams a
 * request (FilterLogEvents' limit), from the jobs' creation on; paginated with the bounded
 * PAGINATION. A failing call is a BatchError naming its group.
 */
async function* resultEvents(
  logs: CloudWatchLogsClient,
  streams: readonly { readonly group: string; readonly stream: string }[],
  jobs: readonly JobDetail[],
): AsyncGenerator<{ logStreamName: string; timestamp: number; message: string }> {
  const byGroup = new Map<string, string[]>()
  for (const { group, stream } of streams) byGroup.set(group, [...(byGroup.get(group) ?? []), stream])
  const startTime = Math.min(...jobs.map((j) => j.createdAt ?? j.startedAt ?? 0))
  for (const [group, groupStreams] of byGroup) {
    for (let i = 0; i < groupStreams.length; i += 100) {
      const logStreamNames = groupStreams.slice(i, i + 100)
      try {
        const pages = paginateFilterLogEvents(
          { client: logs, ...PAGINATION },
          {
            logGroupName: group,
            logStreamNames,
            filterPattern: RESULT_FILTER_PATTERN,
            ...(Number.isFinite(startTime) && startTime > 0 ? { startTime } : {}),
          },
        )
        for await (const page of pages) {
          for (const event of page.events ?? []) {
            if (event.logStreamName === undefined || event.message === undefined) continue
            yield { logStreamName: event.logStreamName, timestamp: event.timestamp ?? 0, message: event.message }
          }
        }
      } catch (err) {
        throw awsError(err, `FilterLogEvents (${group})`)
      }
    }
  }
}

/**
 * The result rows of a job: for an array job one per finished child, else one. The result line is
 * read from the CloudWatch Logs stream of `container` (its awslogs group, default /aws/batch/job),
 * with FilterLogEvents over up to 100 streams per call.
 */
export async function fetchResults(
  batch: BatchClient,
  logs: CloudWatchLogsClient,
  jobId: string,
  container = 'agent',
): Promise<ResultRow[]> {
  return resultsOf(logs, await describeWithChildren(batch, jobId), container)
}

/** The result rows of a described job (fetchResults without the Batch calls). */
export async function resultsOf(logs: CloudWatchLogsClient, described: DescribedJob, container = 'agent'): Promise<ResultRow[]> {
  const { jobs } = described
  // Streams by log group.
  const streamOf = new Map<string, { group: string; stream: string }>()
  for (const j of jobs) {
    const c = jobContainer(j, container)
    if (c?.logStreamName === undefined) continue
    const group = c.logConfiguration?.options?.['awslogs-group'] ?? '/aws/batch/job'
    streamOf.set(j.jobId!, { group, stream: c.logStreamName })
  }
  const lastResult = new Map<string, { timestamp: number; result: RunResult }>()
  for await (const event of resultEvents(logs, [...streamOf.values()], jobs)) {
    const result = findResult(event.message)
    if (result === null) continue
    const previous = lastResult.get(event.logStreamName)
    if (previous === undefined || previous.timestamp <= event.timestamp)
      lastResult.set(event.logStreamName, { timestamp: event.timestamp, result })
  }

  return jobs.map((j) => {
    const c = jobContainer(j, container)
    const stream = streamOf.get(j.jobId!)?.stream
    return {
      jobId: j.jobId!,
      arrayIndex: j.arrayProperties?.index ?? null,
      status: j.status ?? 'UNKNOWN',
      exitCode: c?.exitCode ?? null,
      ...(j.statusReason !== undefined ? { statusReason: j.statusReason } : {}),
      attempts: j.attempts?.length ?? 0,
      result: stream === undefined ? null : (lastResult.get(stream)?.result ?? null),
    }
  })
}

/** A job's packing, from its agent and model containers' variables (null: not packed). */
export const packedJobOfDetail = (job: JobDetail, agent = 'agent', model = 'model'): PackedJob | null =>
  packedJobOf(jobContainer(job, agent)?.environment, jobContainer(job, model)?.environment)

/**
 * A job's packing as DescribeJobs shows it: the parent's containers' variables, else (a parent shown
 * without them) a finished child's. Null for a job that is not packed.
 */
export function describedPacking(described: DescribedJob, agent = 'agent', model = 'model'): PackedJob | null {
  const withEnv = [described.job, ...described.jobs].find((j) => jobContainer(j, agent)?.environment !== undefined)
  return withEnv === undefined ? null : packedJobOfDetail(withEnv, agent, model)
}

/** Where one attempt of one container of a child logged. */
interface AttemptStream {
  readonly child: number
  readonly attempt: number
  readonly container: 'model' | 'agent'
  readonly group: string
  readonly stream: string
}

/** Every attempt's log streams of the model and agent of a child: its past attempts, and the current one. */
function attemptStreams(job: JobDetail, child: number, names: { agent: string; model: string }): AttemptStream[] {
  const out: AttemptStream[] = []
  const seen = new Set<string>()
  const groupOf = (name: string): string => jobContainer(job, name)?.logConfiguration?.options?.['awslogs-group'] ?? '/aws/batch/job'
  const add = (attempt: number, container: 'model' | 'agent', stream: string | undefined): void => {
    if (stream === undefined || seen.has(stream)) return
    seen.add(stream)
    out.push({ child, attempt, container, group: groupOf(names[container]), stream })
  }
  const attempts = job.attempts ?? []
  attempts.forEach((a, i) => {
    for (const c of a.taskProperties?.[0]?.containers ?? []) {
      if (c.name === names.agent) add(i + 1, 'agent', c.logStreamName)
      if (c.name === names.model) add(i + 1, 'model', c.logStreamName)
    }
  })
  // The current attempt (running, or not yet in attempts).
  add(Math.max(1, attempts.length), 'agent', jobContainer(job, names.agent)?.logStreamName)
  add(Math.max(1, attempts.length), 'model', jobContainer(job, names.model)?.logStreamName)
  return out
}

/**
 * The children of a packed job with the model's referee lines and the agent's result lines of every
 * attempt (CloudWatch Logs FilterLogEvents on their streams, 100 streams per call, in time order),
 * and the indices of the children not finished yet.
 */
export async function fetchPackedLogs(
  logs: CloudWatchLogsClient,
  described: DescribedJob,
  names: { agent: string; model: string } = { agent: 'agent', model: 'model' },
): Promise<{ children: ChildLogs[]; pending: number[] }> {
  const { job, isArray, jobs } = described
  const pending: number[] = []
  if (isArray) {
    const finished = new Set(jobs.map((j) => j.arrayProperties?.index))
    for (let i = 0; i < job.arrayProperties!.size!; i++) if (!finished.has(i)) pending.push(i)
  } else if (!DONE_STATUSES.includes(job.status!)) pending.push(0)

  const streams = jobs.flatMap((j) => attemptStreams(j, j.arrayProperties?.index ?? 0, names))
  const lines = new Map<string, { timestamp: number; message: string }[]>()
  for await (const event of resultEvents(logs, streams, jobs)) {
    const list = lines.get(event.logStreamName) ?? []
    list.push({ timestamp: event.timestamp, message: event.message })
    lines.set(event.logStreamName, list)
  }
  const messages = (stream: string | undefined): string[] =>
    stream === undefined ? [] : (lines.get(stream) ?? []).sort((a, b) => a.timestamp - b.timestamp).map((e) => e.message)

  const children = jobs.map((j): ChildLogs => {
    const index = j.arrayProperties?.index ?? 0
    const own = streams.filter((s) => s.child === index)
    const attempts = [...new Set(own.map((s) => s.attempt))].sort((a, b) => a - b)
    return {
      jobId: j.jobId!,
      arrayIndex: isArray ? index : null,
      status: j.status ?? 'UNKNOWN',
      attempts: attempts.map(
        (attempt): AttemptLogs => ({
          attempt,
          model: messages(own.find((s) => s.attempt === attempt && s.container === 'model')?.stream),
          agent: messages(own.find((s) => s.attempt === attempt && s.container === 'agent')?.stream),
        }),
      ),
    }
  })
  return { children, pending }
}
