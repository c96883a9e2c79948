// Packed array jobs (--runs-per-child): how many children, what each child's preload derives from
// its array index, the plan, and the submission as `submit --dry-run` prints it, applied to the job
// definition and checked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SubmitJobCommandInput } from '@aws-sdk/client-batch'
import { afterAll, describe, expect, test } from 'vitest'
import { checkJobDefinition, Severity } from '../src/check.ts'
import { runCli } from '../src/cli.ts'
import { BatchErrorCode } from '../src/errors.ts'
import { JobEnvError, jobEnvChanges } from '../src/job-env.ts'
import { applySubmission } from '../src/overrides.ts'
import { formatPlan, planSubmissions, type SubmitOptions } from '../src/submit.ts'
import { render } from '../src/template.ts'

const base: SubmitOptions = { queue: 'q', jobDefinition: 'maze-sim', strategies: [], runs: 1 }
const plan = (o: Partial<SubmitOptions>) => planSubmissions({ ...base, ...o })

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} })
  return { code, stdout, stderr }
}

const agentEnv = (input: SubmitJobCommandInput): Record<string, string> =>
  Object.fromEntries(
    (input.ecsPropertiesOverride?.taskProperties?.[0]?.containers?.find((c) => c.name === 'agent')?.environment ?? []).map((kv) => [
      kv.name!,
      kv.value!,
    ]),
  )

describe('packing: children and runs per child', () => {
  test('2 strategies x 200 seeds at 50 runs per child: 8 children of 25 whole seeds', () => {
    const [job] = plan({ strategies: ['astar', 'random-dfs'], runs: 200, runsPerChild: 50 })
    expect(job!.input.arrayProperties).toEqual({ size: 8 })
    expect(job!.packed).toMatchObject({ children: 8, seedsPerChild: 25, runsPerChild: 50, totalRuns: 400, containers: 3 })
    expect(agentEnv(job!.input)).toEqual({ AGENT_STRATEGY: 'astar,random-dfs', MAZE_SWEEP_SEEDS: '1-200', MAZE_SEEDS_PER_CHILD: '25' })
    expect(job!.packed!.childAt(0)).toEqual({ index: 0, strategies: ['astar', 'random-dfs'], seeds: '1-25', runs: 50 })
    expect(job!.packed!.childAt(7)).toEqual({ index: 7, strategies: ['astar', 'random-dfs'], seeds: '176-200', runs: 50 })
  })

  test('one strategy, 10,000 runs at 100 per child: 100 children', () => {
    const [job] = plan({ strategies: ['astar'], runs: 10_000, runsPerChild: 100 })
    expect(job!.input.arrayProperties).toEqual({ size: 100 })
    expect(job!.packed!.childAt(99).seeds).toBe('9901-10000')
  })

  test('runs per child not a multiple of the strategies: whole seeds (the plan says so); the last child has fewer', () => {
    const [job] = plan({ strategies: ['a', 'b', 'c'], runs: 10, runsPerChild: 8, seed: 100 })
    expect(job!.packed).toMatchObject({ seedsPerChild: 2, runsPerChild: 6, children: 5 })
    const text = formatPlan([job!])
    expect(text).toContain('--runs-per-child 8 is not a multiple of the 3 strategies: 6 runs per child instead, whole seeds')
    // Fewer runs per child than strategies: one seed each.
    expect(plan({ strategies: ['a', 'b', 'c'], runs: 4, runsPerChild: 1 })[0]!.packed).toMatchObject({ seedsPerChild: 1, children: 4 })
    const [uneven] = plan({ strategies: ['astar'], runs: 201, runsPerChild: 50 })
    expect(uneven!.packed!.childAt(4)).toMatchObject({ seeds: '201', runs: 1 })
    expect(formatPlan([uneven!])).toContain('the last child plays 1 run')
  })

  test('the plan: children, runs per child, total, what packing saves (and the overhead assumed), first and last slices', () => {
    const [job] = plan({ strategies: ['astar', 'random-dfs'], runs: 200, runsPerChild: 50, childOverheadS: 12 })
    expect(formatPlan([job!])).toBe(
      [
        'maze-sim-astar-random-dfs-seed1-x400-per50: array job of 8 children on queue q, definition maze-sim',
        '  packed: 8 children, 50 runs per child (25 seeds x 2 strategies), 400 runs in all (200 seeds x 2 strategies)',
        '  saves about 14,112 container-seconds (3.9 container-hours) of start-up versus one run per child: 3 containers x 12 s x 392 children avoided (400 -> 8; the 12 s per container is an assumption: --child-overhead-s)',
        '  child 0: astar,random-dfs on seeds 1-25 (50 runs)',
        '  child 1: astar,random-dfs on seeds 26-50 (50 runs)',
        '  ... child 7: astar,random-dfs on seeds 176-200 (50 runs)',
      ].join('\n'),
    )
  })

  test('an explicit seed list (--seeds): packed, one seed per child unless runs per child say otherwise', () => {
    const [one] = plan({ strategies: ['astar'], seeds: [1, 2, 3, 500] })
    expect(one!.input.arrayProperties).toEqual({ size: 4 })
    expect(one!.packed!.childAt(3).seeds).toBe('500')
    const [packed] = plan({ strategies: ['astar', 'random-dfs'], seeds: [5, 6, 7, 9], runsPerChild: 4 })
    expect(agentEnv(packed!.input).MAZE_SWEEP_SEEDS).toBe('5-7,9')
    expect([packed!.packed!.childAt(0).seeds, packed!.packed!.childAt(1).seeds]).toEqual(['5-6', '7,9'])
    // One child: a single job (Batch's arrays have at least 2 children), the preload's child 0.
    const [single] = plan({ strategies: ['astar'], seeds: [42], runsPerChild: 10 })
    expect(single!.input.arrayProperties).toBeUndefined()
    expect(single!.packed!.childAt(0)).toEqual({ index: null, strategies: ['astar'], seeds: '42', runs: 1 })
  })

  test('limits: 10,000 children (so up to 10,000 x seeds per child), the seed list, runs per child', () => {
    expect(() => plan({ runs: 20_000, runsPerChild: 1 })).toThrow(
      expect.objectContaining({
        code: BatchErrorCode.Usage,
        message:
          '20000 seeds at 1 seed per child (--runs-per-child 1) = 20000 children, more than the 10000 of one array job: raise --runs-per-child to at least 2 (a packed job plays up to 10000 x its seeds per child)',
      }),
    )
    expect(plan({ runs: 20_000, runsPerChild: 2 })[0]!.input.arrayProperties).toEqual({ size: 10_000 })
    expect(() => plan({ runs: 1_000_001, runsPerChild: 1000 })).toThrow(/from 1 to 1000000 seeds per strategy/)
    expect(() => plan({ runs: 10, runsPerChild: 0 })).toThrow(/--runs-per-child must be a whole number from 1 to 10000/)
    expect(() => plan({ seeds: [1, 2, 1] })).toThrow(/--seeds lists a seed twice/)
    expect(() => plan({ seeds: [1], seed: 4 })).toThrow(/leave out --seed/)
    expect(() => plan({ seed: 4_294_967_290, runs: 10, runsPerChild: 5 })).toThrow(/seeds end at 4294967295/)
    // Unpacked: still one child per run, and the message says how to go further.
    expect(() => plan({ runs: 20_000 })).toThrow(/pack several runs into each child with --runs-per-child/)
  })
})

describe("a packed child's preload (jobEnvChanges): AGENT_SEEDS from AWS_BATCH_JOB_ARRAY_INDEX", () => {
  const [job] = plan({ strategies: ['astar', 'random-dfs'], runs: 200, runsPerChild: 50, seed: 1000 })
  const agent = agentEnv(job!.input)

  test('child 0 and the last child', () => {
    expect(jobEnvChanges({ ...agent, AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toEqual({
      set: { AGENT_SEEDS: '1000-1024' },
      notes: ['child 0 of 8: AGENT_SEEDS=1000-1024 (50 runs, AGENT_STRATEGY=astar,random-dfs)'],
    })
    expect(jobEnvChanges({ ...agent, AWS_BATCH_JOB_ARRAY_INDEX: '7' }).set).toEqual({ AGENT_SEEDS: '1175-1199' })
  })

  test('a seed list with gaps: the slice of the list, written short', () => {
    const env = { AGENT_STRATEGY: 'astar', MAZE_SWEEP_SEEDS: '1-3,10,20-21', MAZE_SEEDS_PER_CHILD: '2' }
    expect([0, 1, 2].map((i) => jobEnvChanges({ ...env, AWS_BATCH_JOB_ARRAY_INDEX: String(i) }).set.AGENT_SEEDS)).toEqual([
      '1-2',
      '3,10',
      '20-21',
    ])
  })

  test('the model container (no packing variables) is left alone; one-run children keep their derivation', () => {
    expect(jobEnvChanges({ MAZE_WIDTH: '80', AWS_BATCH_JOB_ARRAY_INDEX: '3' }).set).toEqual({})
    expect(jobEnvChanges({ MAZE_SEED_BASE: '10', AWS_BATCH_JOB_ARRAY_INDEX: '3' }).set).toEqual({ MAZE_SEED: '13' })
  })

  test('bad or half-given values are a JobEnvError naming the variable', () => {
    const bad = (env: Record<string, string>): string => {
      try {
        jobEnvChanges(env)
      } catch (err) {
        expect(err).toBeInstanceOf(JobEnvError)
        return (err as Error).message
      }
      throw new Error('not refused')
    }
    expect(bad({ ...agent, AWS_BATCH_JOB_ARRAY_INDEX: '8' })).toMatch(/AWS_BATCH_JOB_ARRAY_INDEX=8 is beyond the 8 children/)
    expect(bad({ ...agent })).toMatch(/AWS_BATCH_JOB_ARRAY_INDEX is not set, but .* make 8 children/)
    expect(bad({ ...agent, MAZE_SEEDS_PER_CHILD: '0', AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toMatch(
      /MAZE_SEEDS_PER_CHILD="0" is not allowed: expected an integer from 1 to 10000/,
    )
    expect(bad({ ...agent, MAZE_SWEEP_SEEDS: '5-1', AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toMatch(
      /MAZE_SWEEP_SEEDS="5-1" is not allowed: the range 5-1 runs backwards/,
    )
    expect(bad({ MAZE_SWEEP_SEEDS: '1-10', AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toMatch(/MAZE_SWEEP_SEEDS=1-10 needs MAZE_SEEDS_PER_CHILD/)
    expect(bad({ MAZE_SEEDS_PER_CHILD: '5' })).toMatch(/MAZE_SEEDS_PER_CHILD=5 needs MAZE_SWEEP_SEEDS/)
    expect(bad({ ...agent, MAZE_SEED_BASE: '3', AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toMatch(/MAZE_SEED_BASE is for one-run children/)
  })
})

describe('submit --dry-run of 10,000 runs at 100 per child', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maze-batch-packed-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('prints 100 children and the override; applied to the job definition it passes check', async () => {
    const run = await cli('submit', '--queue', 'q', '--strategy', 'astar', '--runs', '10000', '--runs-per-child', '100', '--dry-run')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('array job of 100 children')
    expect(run.stderr).toContain('packed: 100 children, 100 runs per child, 10,000 runs in all (10,000 seeds x 1 strategy)')
    expect(run.stderr).toContain('9,900 children avoided')
    expect(run.stderr).toContain('... child 99: astar on seeds 9901-10000 (100 runs)')
    const inputs = JSON.parse(run.stdout) as SubmitJobCommandInput[]
    expect(inputs).toEqual([
      {
        jobName: 'maze-sim-astar-seed1-x10000-per100',
        jobQueue: 'q',
        jobDefinition: 'maze-sim',
        arrayProperties: { size: 100 },
        ecsPropertiesOverride: {
          taskProperties: [
            {
              containers: [
                {
                  name: 'agent',
                  environment: [
                    { name: 'AGENT_STRATEGY', value: 'astar' },
                    { name: 'MAZE_SWEEP_SEEDS', value: '1-10000' },
                    { name: 'MAZE_SEEDS_PER_CHILD', value: '100' },
                  ],
                },
              ],
            },
          ],
        },
      },
    ])
    for (const definition of [render({ account: '123456789012', region: 'eu-west-1' }), render({ local: true })]) {
      const applied = applySubmission(definition, inputs[0]!)
      expect(checkJobDefinition(applied).filter((p) => p.severity === Severity.Error)).toEqual([])
      // And as `pnpm batch check <file>` checks a file.
      const file = join(dir, 'applied.json')
      writeFileSync(file, JSON.stringify(applied))
      expect(await cli('check', file)).toMatchObject({ code: 0, stderr: `${file}: ok\n` })
    }
  })
})
