import type { SubmitJobCommandInput } from '@aws-sdk/client-batch'
import { describe, expect, test } from 'vitest'
import { BatchErrorCode } from '../src/errors.ts'
import { applySubmission } from '../src/overrides.ts'
import { formatPlan, planSubmissions, type SubmitOptions } from '../src/submit.ts'
import { render } from '../src/template.ts'

const base: SubmitOptions = { queue: 'maze-queue', jobDefinition: 'maze-sim', strategies: [], runs: 1 }
const inputs = (o: Partial<SubmitOptions>): SubmitJobCommandInput[] => planSubmissions({ ...base, ...o }).map((p) => p.input)

describe('submit builds SubmitJob inputs with ecsPropertiesOverride only', () => {
  test('one run: the seed on the model, the strategy on the agent', () => {
    expect(inputs({ strategies: ['random-dfs'], seed: 42, width: 120, height: 30, maxSteps: 9000 })).toEqual([
      {
        jobName: 'maze-sim-random-dfs-seed42',
        jobQueue: 'maze-queue',
        jobDefinition: 'maze-sim',
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                {
                  name: 'model',
                  environment: [
                    { name: 'MAZE_WIDTH', value: '120' },
                    { name: 'MAZE_HEIGHT', value: '30' },
                    { name: 'MAZE_SEED', value: '42' },
                  ],
                },
                {
                  name: 'agent',
                  environment: [
                    { name: 'AGENT_STRATEGY', value: 'random-dfs' },
                    { name: 'AGENT_MAX_STEPS', value: '9000' },
                  ],
                },
              ],
            },
          ],
        },
      },
    ])
  })

  test('no options: the definition as registered (random seed, its strategy)', () => {
    expect(inputs({})).toEqual([{ jobName: 'maze-sim-default', jobQueue: 'maze-queue', jobDefinition: 'maze-sim' }])
  })
})

describe('submit: sweeps, split strategies, --env and limits, with ecsPropertiesOverride only', () => {
  test('a sweep: one array job of runs x strategies, seeds from MAZE_SEED_BASE', () => {
    const [job] = planSubmissions({ ...base, strategies: ['astar', 'random-dfs'], runs: 50, seed: 1000 })
    expect(job!.input).toEqual({
      jobName: 'maze-sim-astar-random-dfs-seed1000-x100',
      jobQueue: 'maze-queue',
      jobDefinition: 'maze-sim',
      arrayProperties: { size: 100 },
      ecsPropertiesOverride: {
        taskProperties: [
          {
            containers: [
              {
                name: 'model',
                environment: [
                  { name: 'MAZE_SEED_BASE', value: '1000' },
                  { name: 'MAZE_SWEEP_STRATEGIES', value: 'astar,random-dfs' },
                ],
              },
              { name: 'agent', environment: [{ name: 'MAZE_SWEEP_STRATEGIES', value: 'astar,random-dfs' }] },
            ],
          },
        ],
      },
    })
    expect(job!.runs.slice(0, 4)).toEqual([
      { index: 0, strategy: 'astar', seed: 1000 },
      { index: 1, strategy: 'random-dfs', seed: 1000 },
      { index: 2, strategy: 'astar', seed: 1001 },
      { index: 3, strategy: 'random-dfs', seed: 1001 },
    ])
    expect(job!.runs[99]).toEqual({ index: 99, strategy: 'random-dfs', seed: 1049 })
    expect(formatPlan([job!], 2)).toBe(
      'maze-sim-astar-random-dfs-seed1000-x100: array job of 100 children on queue maze-queue, definition maze-sim\n' +
        '  child 0: strategy astar, seed 1000\n' +
        '  child 1: strategy random-dfs, seed 1000\n' +
        '  ... child 99: strategy random-dfs, seed 1049',
    )
  })

  test('--split-strategies: one array job per strategy, each with its own AGENT_STRATEGY override', () => {
    expect(inputs({ strategies: ['astar', 'random-dfs'], runs: 3, splitStrategies: true })).toEqual(
      ['astar', 'random-dfs'].map((s) => ({
        jobName: `maze-sim-${s}-seed1-x3`,
        jobQueue: 'maze-queue',
        jobDefinition: 'maze-sim',
        arrayProperties: { size: 3 },
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                { name: 'model', environment: [{ name: 'MAZE_SEED_BASE', value: '1' }] },
                { name: 'agent', environment: [{ name: 'AGENT_STRATEGY', value: s }] },
              ],
            },
          ],
        },
      })),
    )
  })

  test('--env goes to the named container; reserved names and unknown containers are refused', () => {
    const [input] = inputs({
      env: [{ container: 'collector', name: 'OTEL_LOG_LEVEL', value: 'debug' }],
      containerNames: ['collector', 'model', 'agent'],
    })
    expect(input!.ecsPropertiesOverride).toEqual({
      taskProperties: [{ containers: [{ name: 'collector', environment: [{ name: 'OTEL_LOG_LEVEL', value: 'debug' }] }] }],
    })
    expect(() => inputs({ env: [{ container: 'agent', name: 'AWS_BATCH_JOB_ID', value: 'x' }] })).toThrow(/reserved for AWS Batch/)
    expect(() => inputs({ env: [{ container: 'sidecar', name: 'X', value: '1' }], containerNames: ['model', 'agent'] })).toThrow(
      '--env sidecar:X=...: the job definition has no container "sidecar"; its containers are model, agent',
    )
  })

  test('limits: 10,000 children, seeds, queue', () => {
    expect(() => inputs({ strategies: ['a', 'b'], runs: 6000 })).toThrow(
      expect.objectContaining({
        code: BatchErrorCode.Usage,
        message:
          '6000 runs x 2 strategies = 12000 children, more than the 10000 of one array job: lower --runs, add --split-strategies, or pack runs into children with --runs-per-child',
      }),
    )
    expect(inputs({ strategies: ['a', 'b'], runs: 6000, splitStrategies: true }).map((i) => i.arrayProperties?.size)).toEqual([6000, 6000])
    expect(() => inputs({ seed: 2 ** 32 })).toThrow(/--seed must be a whole number from 0 to 4294967295/)
    expect(() => inputs({ queue: ' ' })).toThrow(/--queue is required/)
    expect(() => inputs({ strategies: ['astar', 'astar'] })).toThrow(/lists a strategy twice/)
  })
})

describe('the local runner applies a submission as Batch does', () => {
  const definition = render({ local: true })
  const container = (d: typeof definition, name: string) => d.ecsProperties!.taskProperties![0]!.containers!.find((c) => c.name === name)!

  test('environment merged by name, the override winning; other containers untouched', () => {
    const [input] = inputs({ strategies: ['random-dfs'], seed: 3, width: 10 })
    const applied = applySubmission(definition, input!)
    expect(container(applied, 'agent').environment).toEqual([
      { name: 'AGENT_STRATEGY', value: 'random-dfs' },
      ...container(definition, 'agent').environment!.filter((kv) => kv.name !== 'AGENT_STRATEGY'),
    ])
    expect(Object.fromEntries(container(applied, 'model').environment!.map((kv) => [kv.name, kv.value]))).toMatchObject({
      MAZE_WIDTH: '10',
      MAZE_HEIGHT: '20',
      MAZE_SEED: '3',
    })
    expect(container(applied, 'collector')).toEqual(container(definition, 'collector'))
    // The definition itself is not modified.
    expect(container(definition, 'agent').environment!.find((kv) => kv.name === 'AGENT_STRATEGY')!.value).toBe('astar')
  })

  test('command and resource requirements; containerOverrides and unknown names are refused', () => {
    const applied = applySubmission(definition, {
      jobName: 'j',
      jobQueue: 'q',
      jobDefinition: 'd',
      ecsPropertiesOverride: {
        taskProperties: [
          { containers: [{ name: 'agent', command: ['--quiet'], resourceRequirements: [{ type: 'MEMORY', value: '2048' }] }] },
        ],
      },
    })
    expect(container(applied, 'agent').command).toEqual(['--quiet'])
    expect(container(applied, 'agent').resourceRequirements).toEqual([
      { type: 'VCPU', value: '1' },
      { type: 'MEMORY', value: '2048' },
    ])
    expect(() =>
      applySubmission(definition, { jobName: 'j', jobQueue: 'q', jobDefinition: 'd', containerOverrides: { environment: [] } }),
    ).toThrow(/containerOverrides is rejected by AWS Batch for ecsProperties \(multi-container\) jobs/)
    expect(() =>
      applySubmission(definition, {
        jobName: 'j',
        jobQueue: 'q',
        jobDefinition: 'd',
        ecsPropertiesOverride: { taskProperties: [{ containers: [{ name: 'agnet' }] }] },
      }),
    ).toThrow(
      'ecsPropertiesOverride names container "agnet", which the job definition does not have (its containers: collector, model, agent)',
    )
  })
})
