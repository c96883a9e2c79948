// The stack, synthesized offline (no credentials, no network, no context lookups): what it creates,
// the job definitions equal to `maze-batch render`'s and passing `check`, roles that grant only what
// the jobs use, and the outputs `submit` reads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assertValidJobDefinition, checkJobDefinition, render, runCli, STACK_OUTPUTS } from '@maze-sim/batch'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, test } from 'vitest'
import { fromCloudFormation } from '../src/job-definition.ts'
import { NAMES } from '../src/stack.ts'
import { synthTemplate } from './synth.ts'

const ACCOUNT = '123456789012'
const REGION = 'eu-west-1'

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
let template: { Resources: Record<string, Resource>; Outputs: Record<string, unknown>; Rules?: unknown }
let assertions: Template

// A synth takes seconds, more on a loaded machine running the whole unit project: more than the 10 s hook default.
const SYNTH_TIMEOUT_MS = 120_000

beforeAll(() => {
  // Whatever the machine has, the synth must not use it.
  for (const name of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'AWS_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID'])
    delete process.env[name]
  const synth = synthTemplate({ account: ACCOUNT, region: REGION })
  // Nothing was looked up or left to look up: the template is complete offline.
  expect(synth.missing).toBeUndefined()
  template = synth.template
  assertions = Template.fromJSON(template)
}, SYNTH_TIMEOUT_MS)

const ofType = (type: string): [string, Resource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === type)

/** `maze-batch render` as the command line runs it, in process. */
async function cliRender(...args: string[]): Promise<unknown> {
  let stdout = ''
  const code = await runCli(['render', '--account', ACCOUNT, '--region', REGION, ...args], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    env: {},
  })
  expect(code).toBe(0)
  return JSON.parse(stdout)
}

describe('job definitions', { timeout: SYNTH_TIMEOUT_MS }, () => {
  test.each([
    ['ec2', 'maze-sim'],
    ['fargate', 'maze-sim-fargate'],
  ] as const)('%s: the template holds what `maze-batch render --platform %s` prints, and it passes check', async (platform, name) => {
    const [[, resource] = []] = ofType('AWS::Batch::JobDefinition').filter(([, r]) => r.Properties.JobDefinitionName === name)
    expect(resource).toBeDefined()
    const deployed = fromCloudFormation(resource!.Properties)
    expect(deployed).toEqual(await cliRender('--platform', platform))
    expect(deployed).toEqual(render({ platform, account: ACCOUNT, region: REGION }))
    expect(checkJobDefinition(deployed).filter((p) => p.severity === 'error')).toEqual([])
    expect(() => assertValidJobDefinition(deployed)).not.toThrow()
    // And `maze-batch check <file>`, as the command line runs it.
    const dir = mkdtempSync(join(tmpdir(), 'maze-sim-check-'))
    try {
      const file = join(dir, `${name}.json`)
      writeFileSync(file, JSON.stringify(deployed))
      let output = ''
      const code = await runCli(['check', file], { stdout: (t) => (output += t), stderr: (t) => (output += t), env: {} })
      expect({ code, output }).toMatchObject({ code: 0 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('are made after the roles and the log group they name', () => {
    const logicalIds = (type: string) => ofType(type).map(([id]) => id)
    for (const [, definition] of ofType('AWS::Batch::JobDefinition')) {
      expect(definition.DependsOn).toEqual(expect.arrayContaining([...logicalIds('AWS::Logs::LogGroup').slice(0, 1)]))
      const roles = ofType('AWS::IAM::Role').filter(([, r]) =>
        [NAMES.jobRole, NAMES.executionRole].includes(r.Properties.RoleName as never),
      )
      expect(definition.DependsOn).toEqual(expect.arrayContaining(roles.map(([id]) => id)))
    }
  })

  test('--image-tag reaches the images of both definitions', async () => {
    const tagged = synthTemplate({ account: ACCOUNT, region: REGION, imageTag: 'v7', capacity: 'spot' }).template as typeof template
    const definitions = Object.values(tagged.Resources).filter((r) => r.Type === 'AWS::Batch::JobDefinition')
    expect(definitions.map((r) => fromCloudFormation(r.Properties))).toEqual([
      await cliRender('--image-tag', 'v7'),
      await cliRender('--image-tag', 'v7', '--platform', 'fargate'),
    ])
    // --capacity spot: one EC2 compute environment, Spot.
    const environments = Object.values(tagged.Resources).filter((r) => r.Type === 'AWS::Batch::ComputeEnvironment')
    expect(environments.map((r) => (r.Properties.ComputeResources as { Type: string }).Type).sort()).toEqual(['FARGATE', 'SPOT'])
  })
})

describe('resources', () => {
  test('ECR repositories for the model, the agent and a team agent, scanned, emptied on destroy', () => {
    for (const name of [NAMES.modelRepository, NAMES.agentRepository, NAMES.teamAgentRepository]) {
      assertions.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: name,
        ImageScanningConfiguration: { ScanOnPush: true },
        EmptyOnDelete: true,
      })
    }
    assertions.resourceCountIs('AWS::ECR::Repository', 3)
  })

  test('compute environments: EC2 Spot and On-Demand from 0 vCPUs, and Fargate', () => {
    const types = ofType('AWS::Batch::ComputeEnvironment').map(([, r]) => r.Properties.ComputeResources as Record<string, unknown>)
    expect(types.map((c) => c.Type).sort()).toEqual(['EC2', 'FARGATE', 'SPOT'])
    for (const c of types.filter((c) => c.Type !== 'FARGATE')) expect(c).toMatchObject({ MinvCpus: 0, MaxvCpus: 256 })
    expect(types.find((c) => c.Type === 'SPOT')).toMatchObject({ AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED' })
    for (const [, r] of ofType('AWS::Batch::ComputeEnvironment')) expect(r.Properties.Type).toBe('managed')
  })

  test('queues: maze-sim (Spot first, then On-Demand) and maze-sim-fargate', () => {
    const queues = Object.fromEntries(ofType('AWS::Batch::JobQueue').map(([, r]) => [r.Properties.JobQueueName, r.Properties]))
    expect(Object.keys(queues).sort()).toEqual([NAMES.ec2Queue, NAMES.fargateQueue])
    const environmentType = (ref: unknown) => {
      const id = (ref as { Ref?: string; 'Fn::GetAtt'?: [string] }).Ref ?? (ref as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]
      return (template.Resources[id]!.Properties.ComputeResources as { Type: string }).Type
    }
    const order = (queue: string) =>
      (queues[queue]!.ComputeEnvironmentOrder as { Order: number; ComputeEnvironment: unknown }[])
        .sort((a, b) => a.Order - b.Order)
        .map((o) => environmentType(o.ComputeEnvironment))
    expect(order(NAMES.ec2Queue)).toEqual(['SPOT', 'EC2'])
    expect(order(NAMES.fargateQueue)).toEqual(['FARGATE'])
  })

  test('the log groups have a retention (30 days by default)', () => {
    assertions.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: NAMES.logGroup, RetentionInDays: 30 })
    assertions.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: NAMES.metricsLogGroup, RetentionInDays: 30 })
    for (const [, r] of ofType('AWS::Logs::LogGroup')) expect(r.Properties.RetentionInDays).toBeGreaterThan(0)
  })

  test('no bootstrap needed: no assets, no bootstrap version rule, the template fits inline', () => {
    expect(template.Rules).toBeUndefined()
    expect(JSON.stringify(template).length).toBeLessThan(51_200)
  })

  test('outputs: what submit and push-images read, by the names @maze-sim/batch gives them', () => {
    expect(Object.keys(template.Outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort())
    expect(template.Outputs[STACK_OUTPUTS.region]).toMatchObject({ Value: REGION })
  })
})

describe('roles grant nothing beyond what the jobs use', () => {
  const role = (name: string) => ofType('AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === name)!
  const policiesOf = (roleId: string) =>
    ofType('AWS::IAM::Policy').filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
  const trustedBy = (r: Resource) =>
    (r.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string } }[] }).Statement.map((s) => s.Principal.Service)

  test('the job role: exactly @maze-sim/batch/iam/job-role-policy.json, trusted by ECS tasks only', () => {
    const [id, jobRole] = role(NAMES.jobRole)
    const expected = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@maze-sim/batch/iam/job-role-policy.json')), 'utf8')) as {
      Statement: unknown[]
    }
    const inline = jobRole.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]
    expect(inline).toHaveLength(1)
    expect(inline[0]!.PolicyDocument.Statement).toEqual(expected.Statement)
    expect(jobRole.Properties.ManagedPolicyArns).toBeUndefined()
    expect(policiesOf(id)).toEqual([])
    expect(trustedBy(jobRole)).toEqual(['ecs-tasks.amazonaws.com'])
  })

  test('the execution role: pull from the three repositories, write to the job log group, nothing else', () => {
    const [id, executionRole] = role(NAMES.executionRole)
    expect(executionRole.Properties.ManagedPolicyArns).toBeUndefined()
    expect(executionRole.Properties.Policies).toBeUndefined()
    expect(trustedBy(executionRole)).toEqual(['ecs-tasks.amazonaws.com'])
    const statements = policiesOf(id).flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    )
    const repositories = ofType('AWS::ECR::Repository').map(([rid]) => ({ 'Fn::GetAtt': [rid, 'Arn'] }))
    const logGroup = ofType('AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === NAMES.logGroup)![0]
    const pull = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']
    const byAction = statements.map((s) => ({ actions: [s.Action].flat().sort(), resources: [s.Resource].flat() }))
    const key = (s: { actions: unknown; resources: unknown }) => JSON.stringify(s)
    expect(byAction.map(key).sort()).toEqual(
      [
        ...repositories.map((repo) => ({ actions: pull, resources: [repo] })),
        { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [{ 'Fn::GetAtt': [logGroup, 'Arn'] }] },
      ]
        .map(key)
        .sort(),
    )
    for (const s of statements) expect(s.Effect).toBe('Allow')
  })

  test('the instances: only the ECS instance role policy', () => {
    const instanceRoles = ofType('AWS::IAM::Role').filter(([, r]) => trustedBy(r).includes('ec2.amazonaws.com'))
    expect(instanceRoles).toHaveLength(2)
    for (const [id, r] of instanceRoles) {
      expect(JSON.stringify(r.Properties.ManagedPolicyArns)).toMatch(/service-role\/AmazonEC2ContainerServiceforEC2Role"/)
      expect((r.Properties.ManagedPolicyArns as unknown[]).length).toBe(1)
      expect(policiesOf(id)).toEqual([])
    }
  })
})
