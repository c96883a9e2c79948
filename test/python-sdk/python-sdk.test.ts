// The Python SDK (packages/python-sdk) with Debian's python3 against real model processes:
// - its unittest suite: the client on the classic routes and episodes, the model's errors, the
//   start-up wait on 503 + Retry-After (a model still generating a large maze) and 429 waits, the
//   runner's result line and exit codes, the program as a process;
// - its random-dfs walks as the TypeScript one: over 100 seeded mazes, the referee's figures are equal;
// - the referee's lines of one sweep of Python random-dfs, TypeScript random-dfs and astar make one
//   leaderboard (`sweep leaderboard --from`) with a row per strategy.
// - mypy --strict over the SDK and its tests.
// Standard library only, so nothing to install; in CI (CI=true) a missing python3 (or mypy) fails the
// suite, on a laptop it is skipped loudly (findPython).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { reconcile, type RefereeLine } from '@maze-sim/agent/referee'
import { type AgentResult, isFailedResult } from '@maze-sim/agent/result'
import { buildLeaderboard, parseResultLines } from '@maze-sim/sweep'
import { refereeLines, resultLines } from '../support/lines.ts'
import {
  agentEntry,
  findPython,
  freePort,
  modelEntry,
  repoRoot,
  start,
  startNode,
  waitForHttp,
  type Running,
} from '../support/processes.ts'

const python = findPython([])
/** Debian's mypy (python3-mypy, installed by .ci/run): the SDK is typed, strictly. */
const mypy = python === undefined ? undefined : findPython(['mypy'])
const sdk = join(repoRoot, 'packages/python-sdk')
const sweepEntry = join(repoRoot, 'packages/sweep/src/main.ts')
const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')))
})
const scratch = mkdtempSync(join(tmpdir(), 'maze-python-sdk-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The environment of the Python processes: the SDK's sources and its tests importable, nothing of the caller's agent settings. */
const pythonEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  PYTHONPATH: `${join(sdk, 'src')}:${sdk}`,
  PYTHONDONTWRITEBYTECODE: '1',
  AGENT_STRATEGY: '',
  AGENT_SEED: '',
  AGENT_MAX_STEPS: '',
  ...env,
})

async function startModel(env: Record<string, string>): Promise<{ model: Running; url: string }> {
  const port = await freePort()
  const model = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', OTEL_SDK_DISABLED: 'true', ...env })
  running.push(model)
  return { model, url: `http://127.0.0.1:${port}` }
}

/** `python3 -m unittest …` must pass with every test run: a skipped test (a model not found) fails too. */
function expectAllRan(run: Running, code: number | string, atLeast: number): void {
  const out = run.stderr()
  expect(code, out).toBe(0)
  expect(out, out).toMatch(/^OK$/m)
  expect(out).not.toMatch(/skipped/)
  const ran = Number(/^Ran (\d+) tests? in/m.exec(out)?.[1] ?? 0)
  expect(ran, out).toBeGreaterThanOrEqual(atLeast)
}

const until = async (what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.skipIf(python === undefined)('the Python SDK (packages/python-sdk) with Debian’s python3', () => {
  test('python3 -m unittest: start-up wait on 503 + Retry-After, then 429 waits, against a model generating a large maze', async () => {
    // 4000 x 4000 takes about 2.5 s to generate on the 2-core machine: the client's first requests
    // meet 503 MAZE_ERR_NOT_READY. One live episode at most: a second create meets 429.
    const { model, url } = await startModel({ MAZE_WIDTH: '4000', MAZE_HEIGHT: '4000', MAZE_SEED: '1', EPISODES_MAX_LIVE: '1' })
    await until('the model to start generating', () => model.stdout().includes('"generating maze"'))
    expect(model.stdout()).not.toContain('"maze ready"')
    const tests = start(python!, ['-m', 'unittest', '-v', 'tests.startup_wait'], {
      cwd: sdk,
      env: pythonEnv({ MAZE_SIM_TEST_SLOW_MODEL_URL: url }),
    })
    running.push(tests)
    expectAllRan(tests, await tests.exited, 4)
  })

  test('python3 -m unittest discover: client, runner and program against a real model (classic routes, episodes, errors)', async () => {
    const { url } = await startModel({ MAZE_WIDTH: '20', MAZE_HEIGHT: '8', MAZE_SEED: '7' })
    await waitForHttp(`${url}/health/ready`)
    const tests = start(python!, ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], {
      cwd: sdk,
      env: pythonEnv({
        MAZE_SIM_TEST_MODEL_URL: url,
        MAZE_SIM_TEST_MODEL_SEED: '7',
        MAZE_SIM_TEST_MODEL_WIDTH: '20',
        MAZE_SIM_TEST_MODEL_HEIGHT: '8',
      }),
    })
    running.push(tests)
    expectAllRan(tests, await tests.exited, 30)
  })

  test.skipIf(mypy === undefined)('mypy --strict: the SDK and its tests are typed', async () => {
    const check = start(mypy!, ['-m', 'mypy', '--strict', '--cache-dir=/dev/null', 'src', 'tests'], { cwd: sdk, env: pythonEnv({}) })
    running.push(check)
    expect(await check.exited, check.stdout()).toBe(0)
    expect(check.stdout()).toMatch(/^Success: no issues found/m)
  })

  test('100 seeded mazes: Python random-dfs = TypeScript random-dfs step for step (referee), and one leaderboard with astar', async () => {
    const { model, url } = await startModel({ MAZE_WIDTH: '30', MAZE_HEIGHT: '10', MAZE_SEED: '1' })
    await waitForHttp(`${url}/health/ready`)
    const plan = ['--seeds', '1-100', '--width', '30', '--height', '10', '-q']
    // One sweep against one model: the TypeScript agent plays astar and random-dfs on each seed, the
    // Python agent its random-dfs on the same seeds, at the same time.
    const ts = startNode(agentEntry, ['--strategy', 'astar,random-dfs', ...plan], {
      MAZE_URL: url,
      OTEL_SDK_DISABLED: 'true',
      AGENT_STRATEGY: '',
    })
    const py = start(python!, ['-m', 'maze_sim_agent', '--strategy', 'random-dfs', ...plan], {
      cwd: sdk,
      env: pythonEnv({ MAZE_URL: url }),
    })
    running.push(ts, py)
    const [tsCode, pyCode] = await Promise.all([ts.exited, py.exited])
    expect(tsCode, ts.stderr()).toBe(0)
    expect(pyCode, py.stderr()).toBe(0)

    const pyLines = resultLines(py.stdout())
    expect(pyLines).toHaveLength(100)
    expect(new Set(pyLines.map((l) => l.strategy))).toEqual(new Set(['python:random-dfs']))
    await until('the referee lines of all 300 runs', () => refereeLines(model.stdout()).length >= 300, 10_000)
    const records = refereeLines(model.stdout())
    const byAgent = (agent: string): Map<number | null, RefereeLine> =>
      new Map(records.filter((r) => r.agent === agent).map((r) => [r.seed, r]))
    const tsWalks = byAgent('maze-agent:random-dfs')
    const pyWalks = byAgent('maze-agent:python:random-dfs')
    expect(tsWalks.size).toBe(100)
    expect(pyWalks.size).toBe(100)
    const figures = (r: RefereeLine | undefined) =>
      r && { status: r.status, steps: r.steps, keyStep: r.keyStep, bumps: r.bumps, optimalSteps: r.optimalSteps }
    for (let seed = 1; seed <= 100; seed++) expect(figures(pyWalks.get(seed)), `seed ${seed}`).toEqual(figures(tsWalks.get(seed)))
    expect([...pyWalks.values()].every((r) => r.status === 'solved')).toBe(true)

    // The referee's records, reconciled with both agents' lines as the sweep and the Batch results do:
    // every Python line matches its record (the label reads back as its strategy), none disagrees.
    const { results, disagreements, unrefereed, abandoned } = reconcile(records, [...resultLines(ts.stdout()), ...pyLines])
    expect({ disagreements, unrefereed, abandoned }).toEqual({ disagreements: [], unrefereed: [], abandoned: [] })
    expect(results).toHaveLength(300)
    const file = join(scratch, 'refereed.jsonl')
    writeFileSync(file, `${results.map((r) => JSON.stringify(r)).join('\n')}\n`)

    const markdown = join(scratch, 'board.md')
    const cli = startNode(sweepEntry, ['leaderboard', '--from', file, '--markdown', markdown], { OTEL_SDK_DISABLED: 'true' })
    running.push(cli)
    expect(await cli.exited, cli.stderr()).toBe(0)
    for (const name of ['python:random-dfs', 'random-dfs', 'astar']) expect(cli.stdout()).toContain(name)
    expect(readFileSync(markdown, 'utf8')).toContain('python:random-dfs')

    const [board] = buildLeaderboard(results.filter((r): r is AgentResult => !isFailedResult(r))).sizes
    expect(board).toMatchObject({ width: 30, height: 10, seeds: 100 })
    const rows = new Map(board!.strategies.map((s) => [s.strategy, s]))
    expect([...rows.keys()].sort()).toEqual(['astar', 'python:random-dfs', 'random-dfs'])
    for (const name of rows.keys()) expect(rows.get(name)).toMatchObject({ runs: 100, solved: 100, errors: 0 })
    // Same walks, same figures: the Python row equals the TypeScript row but for requests and time.
    expect(rows.get('python:random-dfs')!.steps).toEqual(rows.get('random-dfs')!.steps)
    expect(rows.get('python:random-dfs')!.ratio).toEqual(rows.get('random-dfs')!.ratio)
    expect(rows.get('astar')!.ratio.mean).toBeLessThan(rows.get('python:random-dfs')!.ratio.mean)
  }, 300_000)
})

describe.skipIf(python === undefined)('pnpm sweep with Python strategies', () => {
  test('pnpm sweep --strategies astar,python:random-dfs,random-dfs --transport http: one sweep, Python agent processes beside ours, one leaderboard', async () => {
    const out = join(scratch, 'mixed-sweep.jsonl')
    const args = [
      '--strategies',
      'astar,python:random-dfs,random-dfs',
      '--seeds',
      '1-30',
      '--size',
      '30x10',
      '--transport',
      'http',
      '--workers',
      '2',
    ]
    const sweep = startNode(sweepEntry, [...args, '--out', out], { MAZE_PYTHON: python!, OTEL_SDK_DISABLED: 'true' })
    running.push(sweep)
    expect(await sweep.exited, sweep.stderr()).toBe(0)
    expect(sweep.stderr()).not.toMatch(/played a second time|written as failed/)
    const results = parseResultLines(readFileSync(out, 'utf8')).results
    expect(results).toHaveLength(90)
    const [board] = buildLeaderboard(results).sizes
    const rows = new Map(board!.strategies.map((s) => [s.strategy, s]))
    expect([...rows.keys()].sort()).toEqual(['astar', 'python:random-dfs', 'random-dfs'])
    for (const name of rows.keys()) expect(rows.get(name)).toMatchObject({ runs: 30, solved: 30, errors: 0 })
    // Refereed by the same models, walked by the same generator: the Python row's steps are ours.
    expect(rows.get('python:random-dfs')!.steps).toEqual(rows.get('random-dfs')!.steps)
    expect(sweep.stdout()).toContain('python:random-dfs')

    // In process there is no Python: refused before any run, saying what to do.
    const inProcess = startNode(sweepEntry, [
      '--strategies',
      'python:random-dfs',
      '--seeds',
      '1-2',
      '--size',
      '30x10',
      '--out',
      join(scratch, 'no.jsonl'),
    ])
    running.push(inProcess)
    expect(await inProcess.exited).toBe(2)
    expect(inProcess.stderr()).toMatch(/SWEEP_ERR_STRATEGY_LOAD: python:random-dfs: .*add --transport http/)
  }, 300_000)
})
