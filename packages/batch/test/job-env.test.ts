import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ConfigProblems, read } from '@maze-sim/config'
import { deriveJobEnv, JOB_ENV_OPTIONS, JOB_ENV_PRELOAD, jobEnvNodeOptions, JobEnvError, MAX_SWEEP_SEEDS } from '../src/job-env.ts'
import { REPO_ROOT } from '../src/template.ts'

/**
 * Runs a real `node` with the rendered NODE_OPTIONS in `cwd` (the repository, or a copy of an
 * image's files), as the containers do; returns what the program sees.
 */
function inNode(
  env: Record<string, string>,
  cwd = REPO_ROOT,
): { env: Record<string, string | undefined>; stderr: string; status: number | null } {
  const program =
    'process.stdout.write(JSON.stringify({ MAZE_SEED: process.env.MAZE_SEED, AGENT_STRATEGY: process.env.AGENT_STRATEGY, PORT: process.env.PORT, MAZE_URL: process.env.MAZE_URL }))'
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_BATCH') && !k.startsWith('MAZE_') && k !== 'NODE_OPTIONS'),
  )
  const out = spawnSync(process.execPath, ['-e', program], {
    cwd,
    env: { ...clean, ...env, NODE_OPTIONS: jobEnvNodeOptions() },
    encoding: 'utf8',
  })
  return {
    env: out.status === 0 ? (JSON.parse(out.stdout) as Record<string, string | undefined>) : {},
    stderr: out.stderr,
    status: out.status,
  }
}

describe('the job preload (NODE_OPTIONS) derives each array child from AWS_BATCH_JOB_ARRAY_INDEX', () => {
  test('a sweep: child i runs strategy i mod n on seed base + floor(i / n)', () => {
    const sweep = { MAZE_SEED_BASE: '1000', MAZE_SWEEP_STRATEGIES: 'astar, random-dfs ,wall-follower' }
    const children = Array.from({ length: 7 }, (_, i) => deriveJobEnv({ ...sweep, AWS_BATCH_JOB_ARRAY_INDEX: String(i) }))
    expect(children.map((e) => [e.AGENT_STRATEGY, e.MAZE_SEED])).toEqual([
      ['astar', '1000'],
      ['random-dfs', '1000'],
      ['wall-follower', '1000'],
      ['astar', '1001'],
      ['random-dfs', '1001'],
      ['wall-follower', '1001'],
      ['astar', '1002'],
    ])
  })

  test('seeds only: child i plays base + i, wrapping at 2^32; the strategy is left alone', () => {
    expect(deriveJobEnv({ MAZE_SEED_BASE: '7', AWS_BATCH_JOB_ARRAY_INDEX: '5', AGENT_STRATEGY: 'astar' })).toMatchObject({
      MAZE_SEED: '12',
      AGENT_STRATEGY: 'astar',
    })
    expect(deriveJobEnv({ MAZE_SEED_BASE: '4294967295', AWS_BATCH_JOB_ARRAY_INDEX: '2' }).MAZE_SEED).toBe('1')
  })

  test('nothing happens outside an array job or without the variables', () => {
    const env = { MAZE_SEED: '5', AGENT_STRATEGY: 'astar', PORT: '5555' }
    expect(deriveJobEnv(env)).toEqual(env)
    expect(deriveJobEnv({ ...env, AWS_BATCH_JOB_ARRAY_INDEX: '3' })).toEqual({ ...env, AWS_BATCH_JOB_ARRAY_INDEX: '3' })
  })

  test('MAZE_PORT_FROM_JOB: one port per job, the same in every container of it, consecutive for array children', () => {
    const port = (id: string): number => Number(deriveJobEnv({ MAZE_PORT_FROM_JOB: 'true', AWS_BATCH_JOB_ID: id }).PORT)
    const a = port('3f1c5e2a-0000-4000-8000-000000000001')
    expect(a).toBeGreaterThanOrEqual(10000)
    expect(a).toBeLessThan(32000)
    expect(port('3f1c5e2a-0000-4000-8000-000000000001')).toBe(a)
    const children = [0, 1, 2].map((i) => port(`3f1c5e2a-0000-4000-8000-000000000001:${i}`))
    expect(new Set(children).size).toBe(3)
    expect(children[1]).toBe(10000 + ((children[0]! - 10000 + 1) % 22000))
    const env = deriveJobEnv({ MAZE_PORT_FROM_JOB: 'true', AWS_BATCH_JOB_ID: 'x' })
    expect(env.MAZE_URL).toBe(`http://127.0.0.1:${env.PORT}`)
  })

  test('bad values stop the container with a message that names the variable (exit 2)', () => {
    expect(() => deriveJobEnv({ MAZE_SEED_BASE: 'ten', AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toThrow(
      new JobEnvError('maze-sim batch preload: MAZE_SEED_BASE="ten" is not allowed: expected an integer from 0 to 4294967295'),
    )
    expect(() => deriveJobEnv({ MAZE_PORT_FROM_JOB: 'true' })).toThrow(/MAZE_PORT_FROM_JOB=true needs AWS_BATCH_JOB_ID/)
    const run = inNode({ MAZE_SEED_BASE: '-1', AWS_BATCH_JOB_ARRAY_INDEX: '0' })
    expect(run.status).toBe(2)
    expect(run.stderr).toBe('maze-sim batch preload: MAZE_SEED_BASE="-1" is not allowed: expected an integer from 0 to 4294967295\n')
  })

  test('in a real node process through NODE_OPTIONS, the same as in-process', () => {
    const env = {
      MAZE_SEED_BASE: '40',
      MAZE_SWEEP_STRATEGIES: 'astar,random-dfs',
      AWS_BATCH_JOB_ARRAY_INDEX: '3',
      AWS_BATCH_JOB_ID: 'abc:3',
      MAZE_PORT_FROM_JOB: 'true',
    }
    const run = inNode(env)
    expect(run.status).toBe(0)
    const expected = deriveJobEnv(env)
    expect(run.env).toEqual({ MAZE_SEED: '41', AGENT_STRATEGY: 'random-dfs', PORT: expected.PORT, MAZE_URL: expected.MAZE_URL })
    expect(run.stderr).toBe(`maze-sim batch: AGENT_STRATEGY=random-dfs, MAZE_SEED=41, port ${expected.PORT}\n`)
  })

  test('NODE_OPTIONS names the preload module, a file of this package', () => {
    expect(jobEnvNodeOptions()).toBe(`--import=${JOB_ENV_PRELOAD}`)
    expect(readFileSync(join(REPO_ROOT, JOB_ENV_PRELOAD), 'utf8')).toMatch(/jobEnvChanges\(process\.env\)/)
  })
})

describe('the model and agent images hold the preload', () => {
  /** The files of packages/batch/src docker/Dockerfile copies into the images (its build stage, shared by both). */
  const copied = (): string[] => {
    const text = readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8')
    const line = /cp -a ((?:packages\/batch\/src\/\S+ )+)\/out\/packages\/batch\/src\//.exec(text)
    return line === null ? [] : line[1]!.trim().split(' ')
  }
  /** The packages the Dockerfile links beside the preload: [target, name under @maze-sim]. */
  const linked = (): [string, string][] => {
    const text = readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8')
    return [...text.matchAll(/ln -s (\S+) \/out\/packages\/batch\/node_modules\/@maze-sim\/(\S+)/g)].map((m) => [m[1]!, m[2]!])
  }
  const dir = mkdtempSync(join(tmpdir(), 'maze-batch-image-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('the Dockerfile copies the preload, and it runs from those files alone (with @maze-sim/config and @maze-sim/maze beside them, as in the images)', () => {
    const files = copied()
    expect(files).toContain(JOB_ENV_PRELOAD.replace(/^\.\//, ''))
    // The image's layout: /app/package.json, packages/maze, and only those files of packages/batch.
    copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'))
    mkdirSync(join(dir, 'packages/batch/src'), { recursive: true })
    mkdirSync(join(dir, 'packages/batch/node_modules/@maze-sim'), { recursive: true })
    copyFileSync(join(REPO_ROOT, 'packages/batch/package.json'), join(dir, 'packages/batch/package.json'))
    for (const file of files) copyFileSync(join(REPO_ROOT, file), join(dir, file))
    symlinkSync(join(REPO_ROOT, 'packages/maze'), join(dir, 'packages/maze'))
    symlinkSync(join(REPO_ROOT, 'packages/config'), join(dir, 'packages/config'))
    // The packages the preload imports, linked as the Dockerfile links them (no link: the import fails).
    const links = linked()
    expect(links.map(([, at]) => at).sort()).toEqual(['config', 'maze'])
    for (const [target, at] of links) symlinkSync(target, join(dir, 'packages/batch/node_modules/@maze-sim', at))
    const env = { MAZE_SEED_BASE: '40', MAZE_SWEEP_STRATEGIES: 'astar,random-dfs', AWS_BATCH_JOB_ARRAY_INDEX: '3' }
    const run = inNode(env, dir)
    expect([run.status, run.stderr]).toEqual([0, 'maze-sim batch: AGENT_STRATEGY=random-dfs, MAZE_SEED=41\n'])
    expect(run.env).toMatchObject({ MAZE_SEED: '41', AGENT_STRATEGY: 'random-dfs' })
  })
})

/** The message @maze-sim/config gives for `env` read by the preload's own table (null: read). */
function configSays(env: Record<string, string>): string | null {
  try {
    read(JOB_ENV_OPTIONS, { env })
    return null
  } catch (err) {
    if (err instanceof ConfigProblems) return err.problems.join('; ')
    throw err
  }
}

describe('the preload reads its variables by @maze-sim/config: refused as every program refuses them', () => {
  const sweep = { MAZE_SWEEP_STRATEGIES: 'astar,random-dfs', AWS_BATCH_JOB_ARRAY_INDEX: '3' }
  const packed = { AGENT_STRATEGY: 'astar', MAZE_SWEEP_SEEDS: '1-10', MAZE_SEEDS_PER_CHILD: '2', AWS_BATCH_JOB_ARRAY_INDEX: '0' }

  // Each of these was read before (trimmed, or by a regex of its own); the model refuses MAZE_SEED=" 80".
  test.each([
    [{ ...sweep, MAZE_SEED_BASE: ' 80' }, 'MAZE_SEED_BASE=" 80" has spaces around it: expected an integer from 0 to 4294967295'],
    [{ ...sweep, MAZE_SEED_BASE: '+5' }, 'MAZE_SEED_BASE="+5" is not allowed: expected an integer from 0 to 4294967295'],
    [{ ...packed, MAZE_SEEDS_PER_CHILD: ' 2' }, 'MAZE_SEEDS_PER_CHILD=" 2" has spaces around it: expected an integer from 1 to 10000'],
    [{ ...packed, MAZE_SEEDS_PER_CHILD: '+5' }, 'MAZE_SEEDS_PER_CHILD="+5" is not allowed: expected an integer from 1 to 10000'],
    [{ ...packed, MAZE_SWEEP_SEEDS: '1 - 3' }, 'MAZE_SWEEP_SEEDS="1 - 3" is not allowed: "1 - 3" is not a seed or a range FROM-TO'],
    [{ ...packed, MAZE_SWEEP_SEEDS: ' 1-10' }, 'MAZE_SWEEP_SEEDS=" 1-10" has spaces around it'],
    [{ ...packed, MAZE_SWEEP_SEEDS: '+5' }, 'MAZE_SWEEP_SEEDS="+5" is not allowed'],
    [{ ...packed, MAZE_SWEEP_SEEDS: '1-5,3-9' }, 'MAZE_SWEEP_SEEDS="1-5,3-9" is not allowed: seed 3 is listed more than once'],
    [{ ...sweep, AWS_BATCH_JOB_ARRAY_INDEX: ' 3' }, 'AWS_BATCH_JOB_ARRAY_INDEX=" 3" has spaces around it'],
    [
      { ...sweep, MAZE_PORT_FROM_JOB: 'yes', AWS_BATCH_JOB_ID: 'j' },
      'MAZE_PORT_FROM_JOB="yes" is not allowed: expected true, false, 1 or 0',
    ],
  ])('%j: %s', (env, message) => {
    const said = configSays(env)
    expect(said).toContain(message)
    expect(() => deriveJobEnv(env)).toThrow(new JobEnvError(`maze-sim batch preload: ${said}`))
  })

  test('every refused variable at once, in one message', () => {
    expect(() => deriveJobEnv({ ...sweep, MAZE_SEED_BASE: ' 80', MAZE_PORT_FROM_JOB: 'maybe' })).toThrow(
      /MAZE_SEED_BASE=" 80" has spaces around it[^;]*; MAZE_PORT_FROM_JOB="maybe" is not allowed/,
    )
  })

  test('a real node process through NODE_OPTIONS: the program never starts, the message on stderr, exit 2', () => {
    const env = { ...sweep, MAZE_SEED_BASE: ' 80' }
    const run = inNode(env)
    expect([run.status, run.stderr]).toEqual([2, `maze-sim batch preload: ${configSays(env)}\n`])
    const packedRun = inNode({ ...packed, MAZE_SWEEP_SEEDS: '1 - 3' })
    expect(packedRun.status).toBe(2)
    expect(packedRun.stderr).toMatch(/^maze-sim batch preload: MAZE_SWEEP_SEEDS="1 - 3" is not allowed: [^\n]+\n$/)
  })

  test('MAZE_SWEEP_SEEDS is the shared seed list (limit MAX_SWEEP_SEEDS); the others the shared integers and switch', () => {
    expect(JOB_ENV_OPTIONS.sweepSeeds.kind).toBe('seeds')
    expect(JOB_ENV_OPTIONS.sweepSeeds.allowed).toContain(`at most ${MAX_SWEEP_SEEDS} seeds`)
    expect(JOB_ENV_OPTIONS.seedBase.kind).toBe('integer')
    expect(JOB_ENV_OPTIONS.seedsPerChild.kind).toBe('integer')
    expect(JOB_ENV_OPTIONS.portFromJob.kind).toBe('boolean')
    // MAZE_PORT_FROM_JOB=false (and 0) is off, as unset.
    expect(deriveJobEnv({ MAZE_PORT_FROM_JOB: 'false' }).PORT).toBeUndefined()
    expect(deriveJobEnv({ MAZE_PORT_FROM_JOB: '1', AWS_BATCH_JOB_ID: 'j' }).PORT).toMatch(/^[0-9]+$/)
  })
})
