import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RegisterJobDefinitionCommandInput, TaskContainerProperties } from '@aws-sdk/client-batch'
import { describe, expect, test } from 'vitest'
import { assertValidJobDefinition, checkJobDefinition } from '../src/check.ts'
import { BatchErrorCode } from '../src/errors.ts'
import { jobEnvNodeOptions } from '../src/job-env.ts'
import {
  COLLECTOR_CONFIG_FILE,
  fillTemplate,
  LOCAL_IMAGES,
  Platform,
  REPO_ROOT,
  render,
  resolveParams,
  TEMPLATE_FILES,
} from '../src/template.ts'

const account = '123456789012'
const region = 'eu-west-1'

const containersOf = (d: RegisterJobDefinitionCommandInput): TaskContainerProperties[] => d.ecsProperties!.taskProperties![0]!.containers!
const byName = (d: RegisterJobDefinitionCommandInput, name: string): TaskContainerProperties =>
  containersOf(d).find((c) => c.name === name)!
const envOf = (c: TaskContainerProperties): Record<string, string> =>
  Object.fromEntries((c.environment ?? []).map((kv) => [kv.name!, kv.value!]))

describe.each([Platform.Ec2, Platform.Fargate])('the %s template', (platform) => {
  test('renders to a RegisterJobDefinition input that passes check with no error or warning', () => {
    // The type-level half: the rendered value is the SDK's input type (a wrong field or enum
    // value in this literal, or a changed SDK type, fails `pnpm typecheck`).
    const rendered = render({ platform, account, region }) satisfies RegisterJobDefinitionCommandInput
    const input: RegisterJobDefinitionCommandInput = assertValidJobDefinition(rendered)
    expect(checkJobDefinition(input)).toEqual([])
    expect(JSON.stringify(input)).not.toMatch(/\{\{/)
  })

  test('fills account, region, images, roles and log group; nothing is hard-coded in the file', () => {
    const file = readFileSync(TEMPLATE_FILES[platform], 'utf8')
    expect(file).not.toMatch(/\d{12}/)
    expect(file).not.toMatch(/(us|eu|ap|sa|ca|me|af)-[a-z]+-\d/)
    expect(file).not.toMatch(/dkr\.ecr|arn:aws/)

    const d = render({ platform, account, region, imageTag: 'v7' })
    const registry = `${account}.dkr.ecr.${region}.amazonaws.com`
    expect(byName(d, 'model').image).toBe(`${registry}/maze-sim/model:v7`)
    expect(byName(d, 'agent').image).toBe(`${registry}/maze-sim/agent:v7`)
    expect(byName(d, 'collector').image).toBe('amazon/aws-otel-collector:v0.50.0')
    const task = d.ecsProperties!.taskProperties![0]!
    expect(task.taskRoleArn).toBe(`arn:aws:iam::${account}:role/maze-sim-batch-job`)
    expect(task.executionRoleArn).toBe(`arn:aws:iam::${account}:role/maze-sim-batch-execution`)
    for (const c of containersOf(d)) {
      expect(c.logConfiguration).toEqual({
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/aws/batch/maze-sim', 'awslogs-region': region, 'awslogs-stream-prefix': 'maze-sim' },
      })
    }
    expect(d.jobDefinitionName).toBe(platform === Platform.Fargate ? 'maze-sim-fargate' : 'maze-sim')
    expect(d.platformCapabilities).toEqual([platform === Platform.Fargate ? 'FARGATE' : 'EC2'])
  })

  test('collector first and non-essential; model and agent essential; the agent depends on the model starting', () => {
    const d = render({ platform, account, region })
    expect(containersOf(d).map((c) => [c.name, c.essential])).toEqual([
      ['collector', false],
      ['model', true],
      ['agent', true],
    ])
    expect(byName(d, 'model').dependsOn).toEqual([{ containerName: 'collector', condition: 'START' }])
    expect(byName(d, 'agent').dependsOn).toEqual([
      { containerName: 'collector', condition: 'START' },
      { containerName: 'model', condition: 'START' },
    ])
  })

  test('retries lost hosts and Spot reclaims, never the agent failing; a timeout', () => {
    const d = render({ platform, account, region })
    expect(d.retryStrategy).toEqual({
      attempts: 3,
      evaluateOnExit: [
        { onStatusReason: 'Host EC2*', action: 'RETRY' },
        { onStatusReason: 'Your Spot Task was interrupted*', action: 'RETRY' },
        { onReason: 'CannotPullContainerError*', action: 'EXIT' },
        { onExitCode: '*', action: 'EXIT' },
      ],
    })
    expect(d.timeout?.attemptDurationSeconds).toBeGreaterThanOrEqual(60)
  })

  test('the collector gets the AWS collector configuration inline, and the Node containers the job preload', () => {
    const d = render({ platform, account, region })
    expect(COLLECTOR_CONFIG_FILE.endsWith('/packages/telemetry/collector/aws.yaml')).toBe(true)
    expect(envOf(byName(d, 'collector'))).toEqual({ AWS_REGION: region, AOT_CONFIG_CONTENT: readFileSync(COLLECTOR_CONFIG_FILE, 'utf8') })
    for (const name of ['model', 'agent']) {
      expect(envOf(byName(d, name))).toMatchObject({ NODE_OPTIONS: jobEnvNodeOptions(), MAZE_PORT_FROM_JOB: 'true' })
    }
    expect(envOf(byName(d, 'model')).HOST).toBe('127.0.0.1')
  })

  test('the EC2 and Fargate variants differ only in platform fields and resources', () => {
    const strip = (d: RegisterJobDefinitionCommandInput): unknown => {
      const task = { ...d.ecsProperties!.taskProperties![0]! }
      delete task.networkConfiguration
      delete task.runtimePlatform
      delete task.platformVersion
      return {
        ...d,
        jobDefinitionName: undefined,
        platformCapabilities: undefined,
        ecsProperties: {
          taskProperties: [{ ...task, containers: task.containers!.map((c) => ({ ...c, resourceRequirements: undefined })) }],
        },
      }
    }
    expect(strip(render({ platform, account, region }))).toEqual(strip(render({ platform: Platform.Ec2, account, region })))
  })
})

describe('render parameters', () => {
  test('the Fargate variant: public IP, architecture, task size 1 vCPU / 2 GiB', () => {
    const d = render({ platform: Platform.Fargate, account, region, assignPublicIp: 'disabled', cpuArchitecture: 'arm64' })
    const task = d.ecsProperties!.taskProperties![0]!
    expect(task.networkConfiguration).toEqual({ assignPublicIp: 'DISABLED' })
    expect(task.runtimePlatform).toEqual({ operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' })
    const sum = (type: string): number =>
      containersOf(d).reduce((s, c) => s + Number(c.resourceRequirements?.find((r) => r.type === type)?.value ?? 0), 0)
    expect([sum('VCPU'), sum('MEMORY')]).toEqual([1, 2048])
  })

  test('explicit images and roles win; China regions get their partition and ECR domain', () => {
    const d = render({ account, region: 'cn-north-1', modelImage: 'reg.example/m:1', jobRoleArn: 'arn:aws-cn:iam::123456789012:role/r' })
    expect(byName(d, 'model').image).toBe('reg.example/m:1')
    expect(byName(d, 'agent').image).toBe('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/maze-sim/agent:latest')
    expect(d.ecsProperties!.taskProperties![0]!.executionRoleArn).toBe('arn:aws-cn:iam::123456789012:role/maze-sim-batch-execution')
    expect(checkJobDefinition(d).filter((p) => p.severity === 'error')).toEqual([])
  })

  test('--local: the images docker/ builds and the collector stand-in', () => {
    const d = render({ local: true })
    expect(containersOf(d).map((c) => c.image)).toEqual([LOCAL_IMAGES.collector, LOCAL_IMAGES.model, LOCAL_IMAGES.agent])
  })

  test('a missing or malformed account or region says which flag to use', () => {
    expect(() => resolveParams({})).toThrow(
      expect.objectContaining({
        code: BatchErrorCode.Template,
        message: expect.stringMatching(/--account.*AWS_ACCOUNT_ID.*--region.*AWS_REGION/),
      }),
    )
    expect(() => resolveParams({ account: '12345', region })).toThrow(/--account must be a 12-digit AWS account id, got "12345"/)
    expect(() => resolveParams({ account, region: 'Europe' })).toThrow(/--region must be an AWS region such as us-east-1/)
    expect(() => resolveParams({ account, region, assignPublicIp: 'yes' })).toThrow(/--assign-public-ip must be ENABLED or DISABLED/)
    expect(() => resolveParams({ account, region, collectorConfig: '/nonexistent.yaml' })).toThrow(
      /\/nonexistent.yaml does not exist \(--collector-config\)/,
    )
  })

  test('a value with quotes or newlines stays one JSON string; an unknown placeholder is an error', () => {
    expect(fillTemplate({ a: ['x {{P}} y'] }, { P: '"\n}' })).toEqual({ a: ['x "\n} y'] })
    expect(() => fillTemplate({ a: '{{NOPE}}' }, { P: '' }, 'my.json')).toThrow(
      expect.objectContaining({ code: BatchErrorCode.Template, message: 'my.json uses unknown parameters {{NOPE}}; the parameters are P' }),
    )
  })
})

describe('every file render reads belongs to a package, found by the package', () => {
  /** This package's directory (the test's own package) and @maze-sim/telemetry's, resolved by name. */
  const batchRoot = fileURLToPath(new URL('../', import.meta.url))
  const telemetryRoot = `${dirname(dirname(fileURLToPath(import.meta.resolve('@maze-sim/telemetry'))))}/`
  const inside = (root: string, file: string): boolean => !relative(root, file).startsWith('..')

  test.each([Platform.Ec2, Platform.Fargate])('the %s template is a file of @maze-sim/batch, the one its export names', (platform) => {
    const file = TEMPLATE_FILES[platform]
    expect(inside(batchRoot, file)).toBe(true)
    expect(relative(batchRoot, file)).toMatch(/^job-definitions\/job-definition(\.fargate)?\.json$/)
    expect(file).toBe(fileURLToPath(import.meta.resolve(`@maze-sim/batch/${relative(batchRoot, file)}`)))
    expect(existsSync(file)).toBe(true)
  })

  test("the collector's configuration is @maze-sim/telemetry's export, not a file under the repository's docker/", () => {
    expect(COLLECTOR_CONFIG_FILE).toBe(fileURLToPath(import.meta.resolve('@maze-sim/telemetry/collector/aws.yaml')))
    expect(relative(telemetryRoot, COLLECTOR_CONFIG_FILE)).toBe('collector/aws.yaml')
    expect(inside(`${REPO_ROOT}docker/`, COLLECTOR_CONFIG_FILE)).toBe(false)
    expect(existsSync(COLLECTOR_CONFIG_FILE)).toBe(true)
  })

  test('the IAM documents are exported beside the templates', () => {
    for (const name of ['ecs-tasks-trust.json', 'job-role-policy.json', 'operator-policy.json']) {
      const file = fileURLToPath(import.meta.resolve(`@maze-sim/batch/iam/${name}`))
      expect(relative(batchRoot, file)).toBe(`iam/${name}`)
      expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('Statement')
    }
  })

  test("render as a process, from another directory, loads none of @maze-sim/telemetry's code (its configuration is only resolved)", () => {
    // A module hook that names every module loaded, on stderr.
    const hook = `import { registerHooks } from 'node:module'; import { writeSync } from 'node:fs';
registerHooks({ load(url, context, next) { writeSync(2, 'loaded ' + url + '\\n'); return next(url, context) } })`
    const out = spawnSync(
      process.execPath,
      [
        `--import=data:text/javascript,${encodeURIComponent(hook)}`,
        fileURLToPath(new URL('../src/main.ts', import.meta.url)),
        'render',
        '--local',
      ],
      { encoding: 'utf8', cwd: '/', timeout: 60_000 },
    )
    expect(out.status).toBe(0)
    const loaded = out.stderr.split('\n').filter((l) => l.startsWith('loaded file:'))
    expect(loaded.some((l) => l.includes('/packages/batch/src/template.ts'))).toBe(true)
    expect(loaded.filter((l) => inside(telemetryRoot, fileURLToPath(l.slice('loaded '.length))))).toEqual([])
    const d = JSON.parse(out.stdout) as RegisterJobDefinitionCommandInput
    expect(envOf(byName(d, 'collector')).AOT_CONFIG_CONTENT).toBe(readFileSync(COLLECTOR_CONFIG_FILE, 'utf8'))
  })
})
