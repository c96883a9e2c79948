// `check`: the rules a multi-container (ecsProperties) job definition must follow, from the AWS Batch
// API model and documentation, checked offline before anything is registered. Every problem names
// where it is and says what to change.
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { BatchError, BatchErrorCode } from './errors.ts'
import { Allowed, Fields } from './sdk-shape.ts'
import { MAX_JSON_DEPTH } from './template.ts'

export const Severity = { Error: 'error', Warning: 'warning' } as const
export type Severity = (typeof Severity)[keyof typeof Severity]

/** One finding of `check`: `rule` is stable (tests and scripts match on it), `message` is for people. */
export interface Problem {
  readonly severity: Severity
  readonly rule: string
  /** Where: a JSON path such as `ecsProperties.taskProperties[0].containers[2](agent).dependsOn[0]`. */
  readonly path: string
  readonly message: string
}

export const MAX_CONTAINERS = 10
const RESERVED_PREFIX = 'AWS_BATCH'

/** Fargate's task sizes: vCPU → allowed memory (MiB), from the ResourceRequirement documentation. */
const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1024, 2048]],
  [0.5, [1024, 2048, 3072, 4096]],
  [1, [2048, 3072, 4096, 5120, 6144, 7168, 8192]],
  [2, range(4096, 16384, 1024)],
  [4, range(8192, 30720, 1024)],
  [8, range(16384, 61440, 4096)],
  [16, range(32768, 122880, 8192)],
  [32, [61440, 122880, 249856]],
])
function range(from: number, to: number, step: number): number[] {
  const out: number[] = []
  for (let v = from; v <= to; v += step) out.push(v)
  return out
}

/** Fields that ECS task definitions have and Batch containers do not, with what to do instead. */
const NOT_IN_BATCH: Readonly<Record<string, string>> = {
  healthCheck:
    'Batch containers have no healthCheck (and dependsOn has no HEALTHY condition): remove it, depend on START, and let the dependent container wait until its peer answers (the agent waits up to AGENT_STARTUP_TIMEOUT_MS for the model)',
  portMappings:
    'Batch containers have no portMappings: the containers of a job share one network namespace (host networking on EC2, awsvpc on Fargate) and reach each other on localhost; remove it',
  links: 'Batch containers have no links: the containers of a job reach each other on localhost; remove it',
  entryPoint: 'Batch containers have no entryPoint: set ENTRYPOINT in the image and pass arguments with command',
  cpu: 'Batch containers have no cpu field: use resourceRequirements [{"type":"VCPU","value":"1"}]',
  memory: 'Batch containers have no memory field: use resourceRequirements [{"type":"MEMORY","value":"1024"}]',
  memoryReservation: 'Batch containers have no memoryReservation: use resourceRequirements with type MEMORY',
  hostname: 'Batch containers have no hostname field: remove it',
  workingDirectory: 'Batch containers have no workingDirectory: set WORKDIR in the image',
  healthcheck: 'Batch containers have no health check: remove it',
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/** ` (did you mean "x"?)` when a candidate is close, else ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : distance(word, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? ` (did you mean "${best}"?)` : ''
}

class Findings {
  readonly list: Problem[] = []
  error(rule: string, path: string, message: string): void {
    this.list.push({ severity: Severity.Error, rule, path, message })
  }
  warning(rule: string, path: string, message: string): void {
    this.list.push({ severity: Severity.Warning, rule, path, message })
  }
  /** Fields the SDK structure does not have. */
  fields(value: Json, allowed: ReadonlySet<string>, path: string, what: string, special: Readonly<Record<string, string>> = {}): void {
    for (const key of Object.keys(value)) {
      if (allowed.has(key)) continue
      const hint = special[key]
      if (hint !== undefined)
        this.error(
          key === 'healthCheck' ? 'health-check' : key === 'portMappings' ? 'port-mappings' : 'unsupported-field',
          `${path}.${key}`,
          hint,
        )
      else
        this.error(
          'unknown-field',
          `${path}.${key}`,
          `${what} has no field "${key}"${didYouMean(key, allowed)}; its fields are ${[...allowed].join(', ')}`,
        )
    }
  }
  type(value: unknown, expected: 'string' | 'number' | 'boolean' | 'object' | 'array', path: string): boolean {
    const ok =
      expected === 'array'
        ? Array.isArray(value)
        : expected === 'object'
          ? isObject(value)
          : typeof value === expected && (expected !== 'number' || Number.isFinite(value))
    if (!ok)
      this.error(
        'wrong-type',
        path,
        `must be ${expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`}, got ${JSON.stringify(value) ?? 'undefined'}`,
      )
    return ok
  }
}

/** A container as `check` saw it, for the dependency rules. */
interface ContainerInfo {
  readonly index: number
  readonly name: string | undefined
  readonly path: string
  readonly essential: boolean
  readonly dependsOn: readonly { containerName: string; condition: string; path: string }[]
  readonly vcpu: number
  readonly memory: number
  readonly gpu: number
}

/** Checks a parsed job definition (RegisterJobDefinition input) and returns every problem found. */
export function checkJobDefinition(input: unknown): Problem[] {
  const f = new Findings()
  if (!isObject(input)) {
    f.error('wrong-type', '$', 'a job definition must be a JSON object (the RegisterJobDefinition input)')
    return f.list
  }
  f.fields(input, Fields.RegisterJobDefinitionRequest, '$', 'RegisterJobDefinition')
  placeholders(input, '$', f)

  const name = input.jobDefinitionName
  if (name === undefined) f.error('missing-field', 'jobDefinitionName', 'jobDefinitionName is required')
  else if (f.type(name, 'string', 'jobDefinitionName') && !/^[A-Za-z0-9_-]{1,128}$/.test(name as string)) {
    f.error(
      'job-definition-name',
      'jobDefinitionName',
      `"${String(name)}" is not a valid name: up to 128 letters, numbers, hyphens and underscores`,
    )
  }
  if (input.type !== 'container') {
    f.error(
      'type',
      'type',
      `type must be "container" for an ecsProperties job (multinode jobs are not supported here), got ${JSON.stringify(input.type)}`,
    )
  }
  for (const other of ['containerProperties', 'eksProperties', 'nodeProperties'] as const) {
    if (input[other] !== undefined)
      f.error(
        'not-ecs',
        other,
        `${other} cannot be combined with ecsProperties: this job definition describes its containers in ecsProperties.taskProperties[0].containers; remove ${other}`,
      )
  }

  let fargate = false
  const caps = input.platformCapabilities
  if (caps !== undefined && f.type(caps, 'array', 'platformCapabilities')) {
    ;(caps as unknown[]).forEach((cap, i) => {
      if (typeof cap !== 'string' || !Allowed.platformCapability.has(cap)) {
        f.error(
          'platform',
          `platformCapabilities[${i}]`,
          `${JSON.stringify(cap)} is not a platform capability; use one of ${[...Allowed.platformCapability].join(', ')}`,
        )
      }
    })
    if ((caps as unknown[]).length !== 1)
      f.error('platform', 'platformCapabilities', 'give exactly one platform capability (EC2 or FARGATE)')
    fargate = (caps as unknown[]).includes('FARGATE')
  }

  checkRetryStrategy(input.retryStrategy, f)
  if (input.timeout !== undefined && f.type(input.timeout, 'object', 'timeout')) {
    const timeout = input.timeout as Json
    f.fields(timeout, Fields.JobTimeout, 'timeout', 'JobTimeout')
    const seconds = timeout.attemptDurationSeconds
    if (
      seconds !== undefined &&
      f.type(seconds, 'number', 'timeout.attemptDurationSeconds') &&
      (!Number.isInteger(seconds) || (seconds as number) < 60)
    ) {
      f.error(
        'timeout',
        'timeout.attemptDurationSeconds',
        `the attempt timeout must be a whole number of seconds, at least 60, got ${String(seconds)}`,
      )
    }
  }
  if (input.parameters !== undefined && f.type(input.parameters, 'object', 'parameters')) {
    f.warning(
      'parameters',
      'parameters',
      'parameters (Ref:: substitution) apply to containerProperties commands; this CLI fills templates at render time instead',
    )
  }

  const ecs = input.ecsProperties
  if (ecs === undefined) {
    f.error(
      'not-ecs',
      'ecsProperties',
      'ecsProperties is required: the multi-container job lives in ecsProperties.taskProperties[0].containers',
    )
    return f.list
  }
  if (!f.type(ecs, 'object', 'ecsProperties')) return f.list
  f.fields(ecs as Json, Fields.EcsProperties, 'ecsProperties', 'EcsProperties')
  const tasks = (ecs as Json).taskProperties
  if (!f.type(tasks, 'array', 'ecsProperties.taskProperties')) return f.list
  const taskList = tasks as unknown[]
  if (taskList.length !== 1) {
    f.error(
      'task-count',
      'ecsProperties.taskProperties',
      `taskProperties must hold exactly one task (it holds ${taskList.length}); put every container in taskProperties[0].containers`,
    )
  }
  const task = taskList[0]
  if (!f.type(task, 'object', 'ecsProperties.taskProperties[0]')) return f.list
  checkTask(task as Json, 'ecsProperties.taskProperties[0]', fargate, f)
  return f.list
}

function placeholders(value: unknown, path: string, f: Findings, depth = 0): void {
  if (typeof value === 'string') {
    const left = value.match(/\{\{[A-Za-z0-9_]+\}\}/g)
    if (left !== null)
      f.error(
        'placeholder',
        path,
        `${left.join(', ')} was not filled in: render the template (pnpm batch render) instead of using it as is`,
      )
    return
  }
  if (value === null || typeof value !== 'object') return
  // Deeper is refused, not recursed into: a value built in memory can nest deeper than the stack allows.
  if (depth >= MAX_JSON_DEPTH) {
    f.error('too-deep', path, `arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep here; a job definition needs about 8`)
    return
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) placeholders(v, `${path}[${i}]`, f, depth + 1)
  } else for (const [k, v] of Object.entries(value)) placeholders(v, path === '$' ? k : `${path}.${k}`, f, depth + 1)
}

const STATUS_REASON_PATTERN = /^[A-Za-z0-9.: \t]*\*?$/
const EXIT_CODE_PATTERN = /^[0-9]*\*?$/

function checkRetryStrategy(retry: unknown, f: Findings): void {
  if (retry === undefined) {
    f.warning(
      'retry',
      'retryStrategy',
      'no retryStrategy: a job that loses its host (Spot reclaim, instance failure) fails instead of being retried',
    )
    return
  }
  if (!f.type(retry, 'object', 'retryStrategy')) return
  const r = retry as Json
  f.fields(r, Fields.RetryStrategy, 'retryStrategy', 'RetryStrategy')
  if (r.attempts !== undefined && f.type(r.attempts, 'number', 'retryStrategy.attempts')) {
    const n = r.attempts as number
    if (!Number.isInteger(n) || n < 1 || n > 10)
      f.error('retry-attempts', 'retryStrategy.attempts', `attempts must be a whole number from 1 to 10, got ${n}`)
  }
  if (r.evaluateOnExit === undefined || !f.type(r.evaluateOnExit, 'array', 'retryStrategy.evaluateOnExit')) return
  const rules = r.evaluateOnExit as unknown[]
  if (rules.length > 5)
    f.error('retry-rules', 'retryStrategy.evaluateOnExit', `at most 5 evaluateOnExit rules are allowed, there are ${rules.length}`)
  rules.forEach((rule, i) => {
    const path = `retryStrategy.evaluateOnExit[${i}]`
    if (!f.type(rule, 'object', path)) return
    const e = rule as Json
    f.fields(e, Fields.EvaluateOnExit, path, 'EvaluateOnExit')
    const action = e.action
    if (action === undefined) f.error('retry-action', `${path}.action`, 'action is required: RETRY or EXIT')
    else if (typeof action !== 'string' || !Allowed.retryAction.has(action.toUpperCase())) {
      f.error('retry-action', `${path}.action`, `action must be RETRY or EXIT, got ${JSON.stringify(action)}`)
    }
    for (const key of ['onStatusReason', 'onReason'] as const) {
      const v = e[key]
      if (v === undefined || !f.type(v, 'string', `${path}.${key}`)) continue
      const s = v as string
      if (s.length > 512 || !STATUS_REASON_PATTERN.test(s)) {
        f.error(
          'retry-pattern',
          `${path}.${key}`,
          `${JSON.stringify(s)} is not a valid pattern: letters, numbers, periods, colons and white space, up to 512 characters, optionally ending with * (a prefix match; * elsewhere is not allowed)`,
        )
      }
    }
    if (e.onExitCode !== undefined && f.type(e.onExitCode, 'string', `${path}.onExitCode`)) {
      const s = e.onExitCode as string
      if (s.length > 512 || !EXIT_CODE_PATTERN.test(s)) {
        f.error(
          'retry-pattern',
          `${path}.onExitCode`,
          `${JSON.stringify(s)} is not a valid exit code pattern: digits only, optionally ending with * (e.g. "1", "13*" or "*")`,
        )
      }
    }
  })
}

function checkTask(task: Json, path: string, fargate: boolean, f: Findings): void {
  f.fields(task, Fields.EcsTaskProperties, path, 'EcsTaskProperties')
  if (fargate) {
    if (task.executionRoleArn === undefined)
      f.error(
        'fargate-execution-role',
        `${path}.executionRoleArn`,
        'jobs on Fargate need an executionRoleArn (to pull images and write logs); add one',
      )
    for (const key of ['ipcMode', 'pidMode'] as const) {
      if (task[key] !== undefined) f.error('fargate-unsupported', `${path}.${key}`, `${key} is not supported on Fargate; remove it`)
    }
  } else if (task.networkConfiguration !== undefined) {
    f.error(
      'network-configuration',
      `${path}.networkConfiguration`,
      'networkConfiguration is for Fargate jobs only (EC2 jobs use host networking); remove it or set platformCapabilities to ["FARGATE"]',
    )
  }
  if (task.networkConfiguration !== undefined && f.type(task.networkConfiguration, 'object', `${path}.networkConfiguration`)) {
    const network = task.networkConfiguration as Json
    f.fields(network, Fields.NetworkConfiguration, `${path}.networkConfiguration`, 'NetworkConfiguration')
    if (network.assignPublicIp !== undefined && network.assignPublicIp !== 'ENABLED' && network.assignPublicIp !== 'DISABLED') {
      f.error(
        'network-configuration',
        `${path}.networkConfiguration.assignPublicIp`,
        `assignPublicIp must be ENABLED or DISABLED, got ${JSON.stringify(network.assignPublicIp)}`,
      )
    }
  }
  for (const key of ['taskRoleArn', 'executionRoleArn'] as const) {
    const v = task[key]
    if (v !== undefined && f.type(v, 'string', `${path}.${key}`) && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(v as string)) {
      f.error('role-arn', `${path}.${key}`, `${JSON.stringify(v)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`)
    }
  }

  const containersPath = `${path}.containers`
  if (!f.type(task.containers, 'array', containersPath)) return
  const raw = task.containers as unknown[]
  if (raw.length === 0) {
    f.error('container-count', containersPath, 'a job needs at least one container')
    return
  }
  if (raw.length > MAX_CONTAINERS) {
    f.error(
      'container-count',
      containersPath,
      `a job can run at most ${MAX_CONTAINERS} containers, this one has ${raw.length}: merge some, or split the work into dependent jobs`,
    )
  }
  const infos: ContainerInfo[] = []
  raw.forEach((c, i) => {
    const info = checkContainer(c, i, `${containersPath}[${i}]`, raw.length, fargate, f)
    if (info !== undefined) infos.push(info)
  })
  checkNames(infos, f)
  checkDependencies(infos, f)
  checkResources(infos, containersPath, fargate, f)
}

function checkContainer(
  value: unknown,
  index: number,
  basePath: string,
  count: number,
  fargate: boolean,
  f: Findings,
): ContainerInfo | undefined {
  if (!f.type(value, 'object', basePath)) return undefined
  const c = value as Json
  const name = typeof c.name === 'string' ? c.name : undefined
  const path = name !== undefined ? `${basePath}(${name})` : basePath
  f.fields(c, Fields.TaskContainerProperties, path, 'A Batch container (TaskContainerProperties)', NOT_IN_BATCH)
  // How messages name this container when it has no name.
  const label = name ?? `#${index}`

  checkContainerName(c, path, count, f)
  checkImage(c, path, name, label, f)

  let essential = true
  if (c.essential !== undefined && f.type(c.essential, 'boolean', `${path}.essential`)) essential = c.essential as boolean

  if (c.command !== undefined && f.type(c.command, 'array', `${path}.command`)) {
    for (const [i, arg] of (c.command as unknown[]).entries()) f.type(arg, 'string', `${path}.command[${i}]`)
  }

  if (c.environment !== undefined && f.type(c.environment, 'array', `${path}.environment`)) {
    checkEnvironment(c.environment as unknown[], `${path}.environment`, f)
  }

  checkRuntimeSettings(c, path, fargate, f)
  checkLogConfiguration(c, path, f)
  const dependsOn = checkDependsOn(c, path, label, f)
  const resources = checkResourceRequirements(c, path, f)
  return { index, name, path, essential, dependsOn, ...resources }
}

/** A name is required once a job has several containers, and must be a valid container name. */
function checkContainerName(c: Json, path: string, count: number, f: Findings): void {
  if (c.name === undefined) {
    if (count > 1)
      f.error(
        'container-name',
        `${path}.name`,
        'every container of a multi-container job needs a name (dependsOn and submit overrides refer to it)',
      )
  } else if (f.type(c.name, 'string', `${path}.name`) && !/^[A-Za-z0-9_-]{1,255}$/.test(c.name as string)) {
    f.error(
      'container-name',
      `${path}.name`,
      `"${String(c.name)}" is not a valid container name: up to 255 letters, numbers, hyphens and underscores`,
    )
  }
}

function checkImage(c: Json, path: string, name: string | undefined, label: string, f: Findings): void {
  const image = c.image
  if (image === undefined || image === '')
    f.error(
      'image-missing',
      `${path}.image`,
      `container ${label} has no image: set "image" to an image URI (render fills it from --${name ?? 'model'}-image or the ECR defaults)`,
    )
  else if (
    f.type(image, 'string', `${path}.image`) &&
    ((image as string).length > 255 || !/^[A-Za-z0-9._:/@#{}-]+$/.test(image as string))
  ) {
    f.error(
      'image',
      `${path}.image`,
      `${JSON.stringify(image)} is not a valid image reference: up to 255 letters, numbers, - _ : . / # and @`,
    )
  }
}

/** Timeouts, privileges, user, and the type of the settings checked no further. */
function checkRuntimeSettings(c: Json, path: string, fargate: boolean, f: Findings): void {
  for (const key of ['startTimeout', 'stopTimeout'] as const) {
    const v = c[key]
    if (v === undefined || !f.type(v, 'number', `${path}.${key}`)) continue
    const n = v as number
    if (!Number.isInteger(n) || n < 2 || (fargate && n > 120)) {
      f.error(
        'container-timeout',
        `${path}.${key}`,
        `${key} must be a whole number of seconds from 2${fargate ? ' to 120 on Fargate' : ''}, got ${n}`,
      )
    }
  }
  if (fargate && c.privileged === true)
    f.error(
      'fargate-unsupported',
      `${path}.privileged`,
      'privileged containers are not supported on Fargate; remove privileged or set it to false',
    )
  for (const key of ['privileged', 'readonlyRootFilesystem'] as const) {
    if (c[key] !== undefined) f.type(c[key], 'boolean', `${path}.${key}`)
  }
  if (c.user !== undefined) f.type(c.user, 'string', `${path}.user`)
  for (const key of ['linuxParameters', 'repositoryCredentials', 'firelensConfiguration'] as const) {
    if (c[key] !== undefined) f.type(c[key], 'object', `${path}.${key}`)
  }
  for (const key of ['mountPoints', 'secrets', 'ulimits'] as const) {
    if (c[key] !== undefined) f.type(c[key], 'array', `${path}.${key}`)
  }
}

function checkLogConfiguration(c: Json, path: string, f: Findings): void {
  if (c.logConfiguration === undefined || !f.type(c.logConfiguration, 'object', `${path}.logConfiguration`)) return
  const log = c.logConfiguration as Json
  f.fields(log, Fields.LogConfiguration, `${path}.logConfiguration`, 'LogConfiguration')
  if (typeof log.logDriver !== 'string' || !Allowed.logDriver.has(log.logDriver)) {
    f.error(
      'log-driver',
      `${path}.logConfiguration.logDriver`,
      `logDriver must be one of ${[...Allowed.logDriver].join(', ')}, got ${JSON.stringify(log.logDriver)}`,
    )
  }
  if (log.options !== undefined && f.type(log.options, 'object', `${path}.logConfiguration.options`)) {
    for (const [k, v] of Object.entries(log.options as Json)) f.type(v, 'string', `${path}.logConfiguration.options.${k}`)
  }
}

/** Checks each dependsOn entry and returns the valid ones (checked against the other containers later). */
function checkDependsOn(c: Json, path: string, label: string, f: Findings): ContainerInfo['dependsOn'] {
  const dependsOn: { containerName: string; condition: string; path: string }[] = []
  if (c.dependsOn === undefined || !f.type(c.dependsOn, 'array', `${path}.dependsOn`)) return dependsOn
  ;(c.dependsOn as unknown[]).forEach((d, i) => {
    const dPath = `${path}.dependsOn[${i}]`
    if (!f.type(d, 'object', dPath)) return
    const dep = d as Json
    f.fields(dep, Fields.TaskContainerDependency, dPath, 'TaskContainerDependency')
    if (typeof dep.containerName !== 'string' || dep.containerName === '') {
      f.error('depends-on-unknown', `${dPath}.containerName`, 'containerName is required: the name of the container to wait for')
      return
    }
    const condition = dep.condition
    if (typeof condition !== 'string') {
      f.error('depends-on-condition', `${dPath}.condition`, 'condition is required: START, COMPLETE or SUCCESS')
      return
    }
    if (condition.toUpperCase() === 'HEALTHY') {
      f.error(
        'depends-on-healthy',
        `${dPath}.condition`,
        `Batch has no HEALTHY condition (its containers have no health checks): use "START" and make "${label}" wait until "${dep.containerName}" answers (the agent already waits for the model: AGENT_STARTUP_TIMEOUT_MS)`,
      )
      return
    }
    if (!Allowed.dependencyCondition.has(condition)) {
      f.error(
        'depends-on-condition',
        `${dPath}.condition`,
        `condition must be START, COMPLETE or SUCCESS (upper case), got ${JSON.stringify(condition)}`,
      )
      return
    }
    dependsOn.push({ containerName: dep.containerName, condition, path: dPath })
  })
  return dependsOn
}

/** Checks resourceRequirements and returns this container's totals (0 where not given). */
function checkResourceRequirements(c: Json, path: string, f: Findings): { vcpu: number; memory: number; gpu: number } {
  const resources = { vcpu: 0, memory: 0, gpu: 0 }
  if (c.resourceRequirements === undefined || !f.type(c.resourceRequirements, 'array', `${path}.resourceRequirements`)) return resources
  const seen = new Set<string>()
  ;(c.resourceRequirements as unknown[]).forEach((r, i) => {
    const rPath = `${path}.resourceRequirements[${i}]`
    if (!f.type(r, 'object', rPath)) return
    const req = r as Json
    f.fields(req, Fields.ResourceRequirement, rPath, 'ResourceRequirement')
    if (typeof req.type !== 'string' || !Allowed.resourceType.has(req.type)) {
      f.error('resources', `${rPath}.type`, `type must be one of ${[...Allowed.resourceType].join(', ')}, got ${JSON.stringify(req.type)}`)
      return
    }
    if (seen.has(req.type)) f.error('resources', rPath, `${req.type} is given twice for this container; keep one`)
    seen.add(req.type)
    const amount = typeof req.value === 'string' && /^\d+(\.\d+)?$/.test(req.value) ? Number(req.value) : Number.NaN
    if (!(amount > 0)) {
      f.error(
        'resources',
        `${rPath}.value`,
        `value must be a positive number written as a string (e.g. "1", "0.5", "1024"), got ${JSON.stringify(req.value)}`,
      )
      return
    }
    if (req.type === 'VCPU') resources.vcpu += amount
    else if (req.type === 'MEMORY') resources.memory += amount
    else resources.gpu += amount
  })
  return resources
}

function checkEnvironment(environment: unknown[], path: string, f: Findings): void {
  const seen = new Set<string>()
  environment.forEach((pair, i) => {
    const p = `${path}[${i}]`
    if (!f.type(pair, 'object', p)) return
    const kv = pair as Json
    f.fields(kv, Fields.KeyValuePair, p, 'An environment variable (KeyValuePair)')
    if (!f.type(kv.name, 'string', `${p}.name`)) return
    const name = kv.name as string
    if (kv.value !== undefined) f.type(kv.value, 'string', `${p}.value`)
    if (name.toUpperCase().startsWith(RESERVED_PREFIX)) {
      f.error(
        'reserved-variable',
        `${p}.name`,
        `${name}: variables starting with ${RESERVED_PREFIX} are reserved for the ones AWS Batch sets (AWS_BATCH_JOB_ID, AWS_BATCH_JOB_ARRAY_INDEX, AWS_BATCH_JOB_ATTEMPT, ...); rename it`,
      )
    }
    if (seen.has(name)) f.error('duplicate-variable', `${p}.name`, `${name} is set twice in this container; keep one`)
    seen.add(name)
  })
}

function checkNames(infos: readonly ContainerInfo[], f: Findings): void {
  const seen = new Map<string, ContainerInfo>()
  for (const info of infos) {
    if (info.name === undefined) continue
    const first = seen.get(info.name)
    if (first !== undefined)
      f.error(
        'container-name',
        `${info.path}.name`,
        `the name "${info.name}" is already used by containers[${first.index}]; container names must be unique`,
      )
    else seen.set(info.name, info)
  }
  if (infos.length > 0 && infos.every((c) => !c.essential)) {
    f.error(
      'no-essential',
      infos[0]!.path.replace(/\[\d+\](\(.*\))?$/, ''),
      'no container is essential: a job needs at least one essential container (the one whose exit decides the job, here the agent)',
    )
  }
}

function checkDependencies(infos: readonly ContainerInfo[], f: Findings): void {
  const byName = new Map<string, ContainerInfo>()
  for (const info of infos) if (info.name !== undefined && !byName.has(info.name)) byName.set(info.name, info)
  const names = [...byName.keys()]
  const edges = new Map<string, string[]>()
  for (const info of infos) {
    const who = info.name ?? `#${info.index}`
    const targets: string[] = []
    const seen = new Set<string>()
    for (const dep of info.dependsOn) {
      if (seen.has(dep.containerName))
        f.warning('depends-on-duplicate', dep.path, `"${who}" depends on "${dep.containerName}" more than once; keep one entry`)
      seen.add(dep.containerName)
      if (dep.containerName === info.name) {
        f.error('depends-on-self', `${dep.path}.containerName`, `"${who}" depends on itself; remove this entry`)
        continue
      }
      const target = byName.get(dep.containerName)
      if (target === undefined) {
        f.error(
          'depends-on-unknown',
          `${dep.path}.containerName`,
          `"${who}" depends on "${dep.containerName}", which is not a container of this job${didYouMean(dep.containerName, names)}; the containers are ${names.map((n) => `"${n}"`).join(', ')}`,
        )
        continue
      }
      if ((dep.condition === 'COMPLETE' || dep.condition === 'SUCCESS') && target.essential) {
        f.error(
          'depends-on-essential',
          `${dep.path}.condition`,
          `"${who}" waits for "${dep.containerName}" to ${dep.condition === 'COMPLETE' ? 'complete' : 'succeed'}, but "${dep.containerName}" is essential: when an essential container exits, Batch stops the whole job, so "${who}" would never start. Mark "${dep.containerName}" "essential": false, or use "START"`,
        )
      }
      targets.push(dep.containerName)
    }
    if (info.name !== undefined) edges.set(info.name, targets)
  }
  // Cycles: a depth-first search; each cycle is reported once, from its first container in order.
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const reported = new Set<string>()
  const visit = (node: string): void => {
    state.set(node, 'visiting')
    stack.push(node)
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next]
        const key = [...new Set(cycle)].sort().join(',')
        if (!reported.has(key)) {
          reported.add(key)
          const first = byName.get(next)!
          f.error(
            'depends-on-cycle',
            `${first.path}.dependsOn`,
            `dependsOn forms a cycle: ${cycle.map((n) => `"${n}"`).join(' → ')}; none of these containers could ever start. Remove one of these dependencies`,
          )
        }
      } else if (state.get(next) === undefined) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const name of edges.keys()) if (state.get(name) === undefined) visit(name)
}

function checkResources(infos: readonly ContainerInfo[], path: string, fargate: boolean, f: Findings): void {
  const vcpu = infos.reduce((s, c) => s + c.vcpu, 0)
  const memory = infos.reduce((s, c) => s + c.memory, 0)
  const gpu = infos.reduce((s, c) => s + c.gpu, 0)
  if (memory < 4)
    f.error(
      'resources',
      path,
      `the job reserves ${memory} MiB of memory: give the containers MEMORY resourceRequirements (at least 4 MiB in all)`,
    )
  if (fargate) {
    if (gpu > 0) f.error('resources', path, 'GPUs are not available on Fargate: remove the GPU requirements or use an EC2 job definition')
    const allowed = FARGATE_SIZES.get(vcpu)
    if (allowed === undefined) {
      f.error(
        'fargate-resources',
        path,
        `on Fargate the containers' VCPU must add up to one of ${[...FARGATE_SIZES.keys()].join(', ')}; they add up to ${vcpu}`,
      )
    } else if (!allowed.includes(memory)) {
      f.error(
        'fargate-resources',
        path,
        `on Fargate, ${vcpu} vCPU allows ${allowed.join(', ')} MiB of memory; the containers' MEMORY adds up to ${memory}`,
      )
    }
  } else if (vcpu < 1) {
    f.error(
      'resources',
      path,
      `the job reserves ${vcpu} vCPU: on EC2 at least 1 vCPU must be reserved (a VCPU resourceRequirement on the containers)`,
    )
  }
}

/** The problems as lines: `error [rule] path: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.severity.padEnd(7)} [${p.rule}] ${p.path}: ${p.message}`).join('\n')
}

/**
 * Checks and returns the definition typed for the SDK; throws BATCH_ERR_CHECK listing every error
 * (warnings do not stop it).
 */
export function assertValidJobDefinition(input: unknown, what = 'the job definition'): RegisterJobDefinitionCommandInput {
  const errors = checkJobDefinition(input).filter((p) => p.severity === Severity.Error)
  if (errors.length > 0) {
    throw new BatchError(
      BatchErrorCode.Check,
      `${what} has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${formatProblems(errors)}`,
    )
  }
  return input as RegisterJobDefinitionCommandInput
}
