// The job definition templates (job-definitions/job-definition.json and job-definition.fargate.json
// of this package) and their parameters: `{{NAME}}` inside any string value is replaced at render
// time. The templates are parsed first and filled value by value, so a parameter (an image URI, the
// collector's YAML) can hold any text without breaking the JSON.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import { BatchError, BatchErrorCode } from './errors.ts'
import { jobEnvNodeOptions } from './job-env.ts'

export const Platform = { Ec2: 'ec2', Fargate: 'fargate' } as const
export type Platform = (typeof Platform)[keyof typeof Platform]

/**
 * The repository root: the build context of docker/Dockerfile (packages/infra's push-images). No
 * file this package reads is found through it: the templates are the package's own, the collector's
 * configuration is @maze-sim/telemetry's.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The job definition templates, this package's own files (exported as `@maze-sim/batch/job-definitions/*`). */
export const TEMPLATE_FILES: Readonly<Record<Platform, string>> = {
  ec2: fileURLToPath(new URL('../job-definitions/job-definition.json', import.meta.url)),
  fargate: fileURLToPath(new URL('../job-definitions/job-definition.fargate.json', import.meta.url)),
}

/**
 * The ADOT collector's AWS configuration (inlined as AOT_CONFIG_CONTENT): @maze-sim/telemetry's
 * export, beside the compose stack's. Resolved only: none of the telemetry package's code is loaded.
 */
export const COLLECTOR_CONFIG_FILE = fileURLToPath(import.meta.resolve('@maze-sim/telemetry/collector/aws.yaml'))

/**
 * The collector image on AWS: AWS's ADOT collector (the AWS Distro for OpenTelemetry), by its name
 * without a registry host (the engine's default registry resolves it); --collector-image sets another.
 */
export const DEFAULT_COLLECTOR_IMAGE = 'amazon/aws-otel-collector:v0.50.0'

/** Images of a local run (`run-local`, `render --local`): what docker/ builds, and the collector stand-in. */
export const LOCAL_IMAGES = {
  model: 'maze-sim/model:latest',
  agent: 'maze-sim/agent:latest',
  collector: 'maze-sim/otlp-receiver:latest',
} as const

/** Every template parameter; each one can be given on the command line as `--<kebab-name>`. */
export interface TemplateParams {
  ACCOUNT_ID: string
  REGION: string
  IMAGE_TAG: string
  MODEL_IMAGE: string
  AGENT_IMAGE: string
  COLLECTOR_IMAGE: string
  JOB_ROLE_ARN: string
  EXECUTION_ROLE_ARN: string
  LOG_GROUP: string
  JOB_DEFINITION_NAME: string
  ASSIGN_PUBLIC_IP: string
  CPU_ARCHITECTURE: string
  COLLECTOR_CONFIG: string
  JOB_ENV_PRELOAD: string
}
export type ParamName = keyof TemplateParams

/** What the user gives (flags); everything else has a default derived from these. */
export interface RenderOptions {
  platform?: Platform
  account?: string | undefined
  region?: string | undefined
  imageTag?: string | undefined
  modelImage?: string | undefined
  agentImage?: string | undefined
  collectorImage?: string | undefined
  jobRoleArn?: string | undefined
  executionRoleArn?: string | undefined
  logGroup?: string | undefined
  name?: string | undefined
  assignPublicIp?: string | undefined
  cpuArchitecture?: string | undefined
  /** A file whose text becomes the collector's configuration (default COLLECTOR_CONFIG_FILE). */
  collectorConfig?: string | undefined
  /** The images and placeholders of a local run (account 000000000000; nothing of it reaches AWS). */
  local?: boolean
}

const templateError = (message: string, cause?: unknown): BatchError =>
  new BatchError(BatchErrorCode.Template, message, cause === undefined ? undefined : { cause })

/** `aws`, `aws-cn` or `aws-us-gov`, and the matching DNS suffix, from a region name. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' }
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' }
  return { partition: 'aws', dnsSuffix: 'amazonaws.com' }
}

/** The ECR registry of an account in a region: `<account>.dkr.ecr.<region>.amazonaws.com`. */
export const ecrRegistry = (account: string, region: string): string => `${account}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`

function readCollectorConfig(path: string | undefined): string {
  const file = path ?? COLLECTOR_CONFIG_FILE
  if (!existsSync(file)) {
    throw templateError(
      path !== undefined
        ? `the collector configuration ${path} does not exist (--collector-config)`
        : `the collector configuration ${file} does not exist; pass --collector-config <file>`,
    )
  }
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw templateError(`cannot read the collector configuration ${file}: ${(err as Error).message}`, err)
  }
}

/**
 * Fills in every parameter from the options, with defaults derived from the account, region and
 * tag. Throws BATCH_ERR_TEMPLATE naming the flag when the account or region is missing or malformed.
 */
export function resolveParams(options: RenderOptions): TemplateParams {
  const platform = options.platform ?? Platform.Ec2
  const local = options.local === true
  const account = options.account ?? (local ? '000000000000' : undefined)
  const region = options.region ?? (local ? 'us-east-1' : undefined)
  const problems: string[] = []
  if (account === undefined) problems.push('the AWS account id is missing: pass --account <12 digits> or set AWS_ACCOUNT_ID')
  else if (!/^\d{12}$/.test(account)) problems.push(`--account must be a 12-digit AWS account id, got ${JSON.stringify(account)}`)
  if (region === undefined) problems.push('the AWS region is missing: pass --region, set AWS_REGION, or set a region in your AWS profile')
  else if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    problems.push(`--region must be an AWS region such as us-east-1, got ${JSON.stringify(region)}`)
  if (problems.length > 0 || account === undefined || region === undefined) throw templateError(problems.join('; '))

  const tag = options.imageTag ?? 'latest'
  const registry = ecrRegistry(account, region)
  const { partition } = partitionOf(region)
  const assignPublicIp = (options.assignPublicIp ?? 'ENABLED').toUpperCase()
  if (assignPublicIp !== 'ENABLED' && assignPublicIp !== 'DISABLED') {
    throw templateError(`--assign-public-ip must be ENABLED or DISABLED, got ${JSON.stringify(options.assignPublicIp)}`)
  }
  const cpuArchitecture = (options.cpuArchitecture ?? 'X86_64').toUpperCase()
  if (cpuArchitecture !== 'X86_64' && cpuArchitecture !== 'ARM64') {
    throw templateError(`--cpu-architecture must be X86_64 or ARM64, got ${JSON.stringify(options.cpuArchitecture)}`)
  }
  return {
    ACCOUNT_ID: account,
    REGION: region,
    IMAGE_TAG: tag,
    MODEL_IMAGE: options.modelImage ?? (local ? LOCAL_IMAGES.model : `${registry}/maze-sim/model:${tag}`),
    AGENT_IMAGE: options.agentImage ?? (local ? LOCAL_IMAGES.agent : `${registry}/maze-sim/agent:${tag}`),
    COLLECTOR_IMAGE: options.collectorImage ?? (local ? LOCAL_IMAGES.collector : DEFAULT_COLLECTOR_IMAGE),
    JOB_ROLE_ARN: options.jobRoleArn ?? `arn:${partition}:iam::${account}:role/maze-sim-batch-job`,
    EXECUTION_ROLE_ARN: options.executionRoleArn ?? `arn:${partition}:iam::${account}:role/maze-sim-batch-execution`,
    LOG_GROUP: options.logGroup ?? '/aws/batch/maze-sim',
    JOB_DEFINITION_NAME: options.name ?? (platform === Platform.Fargate ? 'maze-sim-fargate' : 'maze-sim'),
    ASSIGN_PUBLIC_IP: assignPublicIp,
    CPU_ARCHITECTURE: cpuArchitecture,
    COLLECTOR_CONFIG: readCollectorConfig(options.collectorConfig),
    JOB_ENV_PRELOAD: jobEnvNodeOptions(),
  }
}

/**
 * How deeply a template or definition file may nest arrays and objects. A job definition nests about
 * 8 levels (ecsProperties.taskProperties[0].containers[0].environment[0]); every walk over a parsed
 * definition (filling in, `check`) recurses once per level, so a file nested 100,000 deep would
 * overflow the stack instead of getting a message.
 */
export const MAX_JSON_DEPTH = 64

/** The deepest nesting of arrays and objects in JSON text, stopping early past `limit`; strings are skipped. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/** Reads a JSON file (a template or a rendered definition); nested deeper than MAX_JSON_DEPTH is refused. */
export function readJsonFile(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw templateError(`cannot read ${path}: ${(err as Error).message}`, err)
  }
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw templateError(`${path} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; a job definition needs about 8`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw templateError(`${path} is not valid JSON: ${(err as Error).message}`, err)
  }
}

const PLACEHOLDER = /\{\{([A-Za-z0-9_]+)\}\}/g

/** Replaces `{{NAME}}` in every string of a parsed template; an unknown name is an error. */
export function fillTemplate(template: unknown, params: Readonly<Record<string, string>>, where = 'template'): unknown {
  const unknown = new Set<string>()
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (whole, name: string) => {
        const v = params[name]
        if (v === undefined) {
          unknown.add(name)
          return whole
        }
        return v
      })
    }
    if (Array.isArray(value)) return value.map(walk)
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
    }
    return value
  }
  const filled = walk(template)
  if (unknown.size > 0) {
    throw templateError(
      `${where} uses unknown parameters ${[...unknown].map((n) => `{{${n}}}`).join(', ')}; the parameters are ${Object.keys(params).join(', ')}`,
    )
  }
  return filled
}

/**
 * Renders the platform's template with the options: the RegisterJobDefinition input, unchecked
 * (run `check` on it). The cast is the boundary between JSON and the SDK type; `check` validates
 * the same value against the SDK's field lists and enumerations.
 */
export function render(options: RenderOptions, templateFile?: string): RegisterJobDefinitionCommandInput {
  const platform = options.platform ?? Platform.Ec2
  const file = templateFile ?? TEMPLATE_FILES[platform]
  const params = resolveParams(options)
  return fillTemplate(readJsonFile(file), { ...params }, file) as RegisterJobDefinitionCommandInput
}
