import type { EcsTaskProperties, RegisterJobDefinitionCommandInput, TaskContainerProperties } from '@aws-sdk/client-batch'
import { describe, expect, test } from 'vitest'
import { assertValidJobDefinition, checkJobDefinition, didYouMean, formatProblems, type Problem } from '../src/check.ts'
import { BatchErrorCode } from '../src/errors.ts'
import { Platform, render } from '../src/template.ts'

/** Containers and tasks as plain JSON objects: the tests add fields the SDK types do not have. */
type Container = TaskContainerProperties & Record<string, unknown>
type Mutable = RegisterJobDefinitionCommandInput

/** A fresh rendered definition to break. */
const definition = (platform: 'ec2' | 'fargate' = Platform.Ec2): Mutable =>
  structuredClone(render({ platform, account: '123456789012', region: 'us-east-1' }))
const task = (d: Mutable): EcsTaskProperties & Record<string, unknown> =>
  d.ecsProperties!.taskProperties![0]! as EcsTaskProperties & Record<string, unknown>
const containers = (d: Mutable): Container[] => task(d).containers as Container[]
const container = (d: Mutable, name: string): Container => containers(d).find((c) => c.name === name)!
const errors = (d: unknown): Problem[] => checkJobDefinition(d).filter((p) => p.severity === 'error')
const rules = (d: unknown): string[] => errors(d).map((p) => p.rule)

describe('check rejects what Batch rejects, saying what to fix: dependsOn', () => {
  test('an essential container behind COMPLETE or SUCCESS', () => {
    const d = definition()
    container(d, 'agent').dependsOn = [{ containerName: 'model', condition: 'COMPLETE' }]
    expect(errors(d)).toEqual([
      {
        severity: 'error',
        rule: 'depends-on-essential',
        path: 'ecsProperties.taskProperties[0].containers[2](agent).dependsOn[0].condition',
        message:
          '"agent" waits for "model" to complete, but "model" is essential: when an essential container exits, Batch stops the whole job, so "agent" would never start. Mark "model" "essential": false, or use "START"',
      },
    ])
    container(d, 'agent').dependsOn = [{ containerName: 'model', condition: 'SUCCESS' }]
    expect(errors(d)[0]!.message).toMatch(/waits for "model" to succeed, but "model" is essential/)
    // Behind a non-essential container, COMPLETE is fine (an init container).
    container(d, 'agent').dependsOn = [{ containerName: 'collector', condition: 'COMPLETE' }]
    expect(errors(d)).toEqual([])
  })

  test('a dependsOn on an unknown container, with the likely name', () => {
    const d = definition()
    container(d, 'agent').dependsOn = [{ containerName: 'modle', condition: 'START' }]
    expect(errors(d)).toEqual([
      expect.objectContaining({
        rule: 'depends-on-unknown',
        message:
          '"agent" depends on "modle", which is not a container of this job (did you mean "model"?); the containers are "collector", "model", "agent"',
      }),
    ])
  })

  test('a cycle, named container by container', () => {
    const d = definition()
    container(d, 'collector').dependsOn = [{ containerName: 'model', condition: 'START' }]
    const problems = errors(d)
    expect(problems.map((p) => p.rule)).toEqual(['depends-on-cycle'])
    expect(problems[0]!.message).toBe(
      'dependsOn forms a cycle: "collector" → "model" → "collector"; none of these containers could ever start. Remove one of these dependencies',
    )
    // Two cycles through the agent too: each is reported once.
    container(d, 'collector').dependsOn = [{ containerName: 'agent', condition: 'START' }]
    expect(errors(d).map((p) => p.message.split(';')[0])).toEqual([
      'dependsOn forms a cycle: "collector" → "agent" → "collector"',
      'dependsOn forms a cycle: "collector" → "agent" → "model" → "collector"',
    ])
  })

  test('a self-dependency', () => {
    const d = definition()
    container(d, 'model').dependsOn = [{ containerName: 'model', condition: 'START' }]
    expect(rules(d)).toEqual(['depends-on-self'])
  })

  test('HEALTHY, which Batch does not have, and other conditions', () => {
    const d = definition()
    container(d, 'agent').dependsOn = [{ containerName: 'model', condition: 'HEALTHY' }]
    expect(errors(d)).toEqual([
      expect.objectContaining({
        rule: 'depends-on-healthy',
        message: expect.stringMatching(/^Batch has no HEALTHY condition .*use "START" and make "agent" wait until "model" answers/),
      }),
    ])
    container(d, 'agent').dependsOn = [{ containerName: 'model', condition: 'start' }]
    expect(errors(d)[0]!.message).toBe('condition must be START, COMPLETE or SUCCESS (upper case), got "start"')
  })
})

describe('check rejects what Batch rejects, saying what to fix: the containers', () => {
  test('healthCheck and portMappings, which Batch containers do not have', () => {
    const d = definition()
    container(d, 'model').healthCheck = { command: ['CMD', 'true'] }
    container(d, 'model').portMappings = [{ containerPort: 5555 }]
    const problems = errors(d)
    expect(problems.map((p) => [p.rule, p.path])).toEqual([
      ['health-check', 'ecsProperties.taskProperties[0].containers[1](model).healthCheck'],
      ['port-mappings', 'ecsProperties.taskProperties[0].containers[1](model).portMappings'],
    ])
    expect(problems[1]!.message).toMatch(/share one network namespace .* reach each other on localhost; remove it/)
  })

  test('a misspelled field, with the right one', () => {
    const d = definition()
    const agent = container(d, 'agent')
    agent.dependOn = agent.dependsOn
    delete agent.dependsOn
    expect(errors(d)).toEqual([
      expect.objectContaining({
        rule: 'unknown-field',
        message: expect.stringMatching(
          /^A Batch container \(TaskContainerProperties\) has no field "dependOn" \(did you mean "dependsOn"\?\)/,
        ),
      }),
    ])
  })

  test('reserved AWS_BATCH_ variables and duplicates', () => {
    const d = definition()
    container(d, 'agent').environment!.push({ name: 'AWS_BATCH_JOB_ARRAY_INDEX', value: '3' }, { name: 'AGENT_STRATEGY', value: 'x' })
    expect(errors(d).map((p) => [p.rule, p.message.split(':')[0]])).toEqual([
      ['reserved-variable', 'AWS_BATCH_JOB_ARRAY_INDEX'],
      ['duplicate-variable', 'AGENT_STRATEGY is set twice in this container; keep one'],
    ])
  })

  test('a missing image, and placeholders left unfilled', () => {
    const d = definition()
    delete container(d, 'agent').image
    container(d, 'model').image = '{{MODEL_IMAGE}}'
    expect(
      errors(d)
        .map((p) => p.rule)
        .sort(),
    ).toEqual(['image-missing', 'placeholder'])
    expect(errors(d).find((p) => p.rule === 'placeholder')!.message).toMatch(/\{\{MODEL_IMAGE\}\} was not filled in: render the template/)
  })

  test('more than 10 containers; none essential; duplicate names', () => {
    const d = definition()
    const extra = Array.from({ length: 8 }, (_, i) => ({ name: `side-${i}`, image: 'busybox', essential: false }))
    containers(d).push(...extra)
    expect(rules(d)).toEqual(['container-count'])
    expect(errors(d)[0]!.message).toBe(
      'a job can run at most 10 containers, this one has 11: merge some, or split the work into dependent jobs',
    )

    const e = definition()
    for (const c of containers(e)) c.essential = false
    expect(rules(e)).toEqual(['no-essential'])

    const f = definition()
    container(f, 'collector').name = 'model'
    expect(rules(f)).toContain('container-name')
  })
})

describe('check rejects what Batch rejects, saying what to fix: the job and its platform', () => {
  test('retry patterns and attempts; the timeout', () => {
    const d = definition()
    d.retryStrategy = {
      attempts: 11,
      evaluateOnExit: [
        { onStatusReason: 'Host*EC2', action: 'RETRY' },
        { onExitCode: '1x', action: 'RETRY' },
        { onReason: 'x', action: 'AGAIN' as 'RETRY' },
      ],
    }
    d.timeout = { attemptDurationSeconds: 30 }
    expect(rules(d)).toEqual(['retry-attempts', 'retry-pattern', 'retry-pattern', 'retry-action', 'timeout'])
  })

  test('Fargate: task sizes, the execution role, no networkConfiguration on EC2', () => {
    const d = definition(Platform.Fargate)
    container(d, 'model').resourceRequirements = [
      { type: 'VCPU', value: '1' },
      { type: 'MEMORY', value: '1024' },
    ]
    expect(errors(d)).toEqual([
      expect.objectContaining({
        rule: 'fargate-resources',
        message: "on Fargate the containers' VCPU must add up to one of 0.25, 0.5, 1, 2, 4, 8, 16, 32; they add up to 1.5",
      }),
    ])
    container(d, 'model').resourceRequirements = [
      { type: 'VCPU', value: '0.5' },
      { type: 'MEMORY', value: '8192' },
    ]
    expect(errors(d)[0]!.message).toBe(
      "on Fargate, 1 vCPU allows 2048, 3072, 4096, 5120, 6144, 7168, 8192 MiB of memory; the containers' MEMORY adds up to 9216",
    )
    delete task(d).executionRoleArn
    expect(rules(d)).toContain('fargate-execution-role')

    const ec2 = definition()
    task(ec2).networkConfiguration = { assignPublicIp: 'ENABLED' }
    expect(rules(ec2)).toEqual(['network-configuration'])
  })

  test('not an ecsProperties job', () => {
    expect(rules({ jobDefinitionName: 'x', type: 'container', containerProperties: {} })).toEqual(['not-ecs', 'not-ecs'])
    expect(rules([])).toEqual(['wrong-type'])
  })
})

describe('assertValidJobDefinition, formatProblems and didYouMean', () => {
  test('assertValidJobDefinition throws BATCH_ERR_CHECK listing every error, one per line', () => {
    const d = definition()
    container(d, 'agent').dependsOn = [{ containerName: 'nope', condition: 'HEALTHY' }]
    container(d, 'model').portMappings = []
    expect(() => assertValidJobDefinition(d)).toThrow(
      expect.objectContaining({
        code: BatchErrorCode.Check,
        message: expect.stringMatching(
          /^the job definition has 2 problems:\nerror {3}\[port-mappings\].*\nerror {3}\[depends-on-healthy\]/,
        ),
      }),
    )
    expect(formatProblems(errors(d))).toMatch(
      /^error {3}\[port-mappings\] ecsProperties\.taskProperties\[0\]\.containers\[1\]\(model\)\.portMappings: /,
    )
  })

  test('didYouMean only suggests close names', () => {
    expect(didYouMean('agnet', ['model', 'agent'])).toBe(' (did you mean "agent"?)')
    expect(didYouMean('Essential', ['essential'])).toBe(' (did you mean "essential"?)')
    expect(didYouMean('zzzzzz', ['model', 'agent'])).toBe('')
  })
})
