// Many runs with several strategies (`--seeds 101-103 --strategy astar,random-dfs`) against the real
// in-repo model over HTTP: every seed played by each strategy in turn (strategies vary fastest, as
// @maze-sim/maze's sweepPosition orders a sweep), each run's line naming its strategy and seed, the
// same walks as single-strategy runs, a strategy bug in one strategy not stopping the others, and
// the program itself spawned end to end (a bad module in the list, SIGTERM mid-way, the referee's
// lines reconciled). No wall-clock assertions: each test waits for lines or the exit.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sweepPosition } from '@maze-sim/maze'
import { type RunningModel, startModel } from '@maze-sim/model'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readConfig } from '../src/config.ts'
import { AgentErrorCode } from '../src/errors.ts'
import { closeStrategies, loadIsolatedStrategies, type IsolatedStrategy } from '../src/isolated-strategy.ts'
import { playMany } from '../src/many-runs.ts'
import { parseRefereeLine, reconcile } from '../src/referee.ts'
import { ResultLedger } from '../src/result-ledger.ts'
import { parseAgentResult, type AgentResultLine } from '../src/result.ts'
import { scopedHttp } from './fixtures/scoped.ts'

const WIDTH = 30
const HEIGHT = 8
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url))
/** Each test's bound: it loads strategy workers or spawns the program, slow on a loaded machine (a bound, not a measure). */
const BOUND = { timeout: 60_000 }
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/strategies/${name}`, import.meta.url))

let model: RunningModel
/** The model's referee lines (one per ended episode), as it prints them. */
const refereeLines: string[] = []
beforeAll(async () => {
  model = await startModel({
    width: WIDTH,
    height: HEIGHT,
    seed: 4,
    logger: false,
    episodes: { writeResult: (line) => void refereeLines.push(line) },
  })
  await model.ready
})
afterAll(() => model.close())

const { connect, defer } = scopedHttp()

interface Played {
  readonly code: number
  readonly lines: AgentResultLine[]
  /** For each line, the ledger's in-flight line as it was printed: what a signal would have printed. */
  readonly inFlight: { strategy: string | null; seed: number | null }[]
  readonly stderr: string[]
}

/** playMany as main.ts runs it (every strategy loaded first, in its own worker), against the model. */
async function play(argv: string[]): Promise<Played> {
  const config = readConfig({}, ['--url', model.url, '--width', String(WIDTH), '--height', String(HEIGHT), ...argv])
  const lines: AgentResultLine[] = []
  const inFlight: Played['inFlight'] = []
  const stderr: string[] = []
  const ledger = new ResultLedger(performance.now(), (text) => {
    // The ledger writes before it moves on to the next run: its in-flight line is still this run's.
    const { strategy, seed } = ledger.failedLine(new Error('probe'))
    inFlight.push({ strategy, seed })
    lines.push(JSON.parse(text) as AgentResultLine)
  })
  const strategies: IsolatedStrategy[] = await loadIsolatedStrategies(config.strategies, { decisionTimeoutMs: 30_000 })
  defer(() => closeStrategies(strategies))
  const transport = connect({ url: config.url })
  ledger.transport = transport
  const code = await playMany({
    config,
    strategies,
    transport,
    signal: new AbortController().signal,
    ledger,
    log: (line) => stderr.push(line),
    warn: (line) => stderr.push(line),
    progressEveryMs: 60_000,
  })
  return { code, lines, inFlight, stderr }
}

describe('playMany with several strategies', BOUND, () => {
  test('2 strategies x 3 seeds: 6 lines, seeds outer and strategies inner, each the walk a single-strategy run makes', async () => {
    const both = await play(['--seeds', '101-103', '--strategy', 'astar,random-dfs'])
    expect(both.code).toBe(0)
    const names = ['astar', 'random-dfs']
    const expected = [101, 102, 103].flatMap((seed) => names.map((strategy) => ({ strategy, seed })))
    expect(both.lines.map(({ strategy, seed }) => ({ strategy, seed }))).toEqual(expected)
    // sweepPosition's order: run i is strategy i mod S on seed i div S.
    both.lines.forEach((line, i) => {
      const at = sweepPosition(i, names.length, 3)
      expect(line).toMatchObject({ strategy: names[at.strategy], seed: 101 + at.seed, width: WIDTH, height: HEIGHT, solved: true })
      expect(line).not.toHaveProperty('error')
    })
    // The line for the run in flight (a signal, the deadline) would have named the same run.
    expect(both.inFlight).toEqual(expected)
    for (const [i, name] of names.entries()) {
      const alone = await play(['--seeds', '101-103', '--strategy', name])
      expect(alone.code).toBe(0)
      const mine = both.lines.filter((_, j) => j % names.length === i)
      expect(mine.map(({ seed, steps, keyStep, optimalSteps }) => ({ seed, steps, keyStep, optimalSteps }))).toEqual(
        alone.lines.map(({ seed, steps, keyStep, optimalSteps }) => ({ seed, steps, keyStep, optimalSteps })),
      )
    }
    // The plan and each run's progress line name the strategies.
    expect(both.stderr[0]).toMatch(/^6 runs \(3 seeds x 2 strategies, seeds given, 30x8\), strategies astar, random-dfs, model /)
    expect(both.stderr[2]).toMatch(/^episode 2\/6 \(\S+\), seed 101, strategy random-dfs: solved/)
  })

  test('one strategy: the header and progress lines as before', async () => {
    const one = await play(['--seeds', '7', '--strategy', 'random-dfs'])
    expect(one.stderr[0]).toMatch(/^1 episode \(seeds given, 30x8\), strategy random-dfs, model /)
    expect(one.stderr[1]).toMatch(/^episode 1\/1 \(\S+\), seed 7: solved/)
  })

  test('a strategy bug (exit 4) in one strategy does not stop the other’s runs', async () => {
    const played = await play(['--seeds', '5,6', '--strategy', `astar,${fixture('through-wall.mjs')}`])
    expect(played.code).toBe(4)
    expect(played.lines.map((l) => [l.strategy, l.seed, 'error' in l ? l.error : 'solved'])).toEqual([
      ['astar', 5, 'solved'],
      ['fixture-through-wall', 5, AgentErrorCode.IllegalMove],
      ['astar', 6, 'solved'],
      ['fixture-through-wall', 6, AgentErrorCode.IllegalMove],
    ])
  })
})

describe('loadIsolatedStrategies', BOUND, () => {
  test('a module of the list that does not load: AGENT_ERR_STRATEGY_LOAD naming it, told which was loading', async () => {
    const loading: string[] = []
    await expect(
      loadIsolatedStrategies(['astar', '@acme/nope', 'random-dfs'], { decisionTimeoutMs: 5_000 }, (s) => loading.push(s)),
    ).rejects.toMatchObject({ code: AgentErrorCode.StrategyLoad, message: expect.stringContaining('@acme/nope') })
    expect(loading).toEqual(['astar', '@acme/nope'])
  })

  test('two specifiers of one strategy (same name): AGENT_ERR_CONFIG, their lines could not be told apart', async () => {
    const good = fixture('good.mjs')
    await expect(loadIsolatedStrategies([good, `file://${good}`], { decisionTimeoutMs: 5_000 })).rejects.toMatchObject({
      code: AgentErrorCode.Config,
      message: expect.stringContaining('"fixture-first-open"'),
    })
  })
})

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs main.ts (only the given environment plus PATH); `killAfterLines`: SIGTERM once stdout has that many lines. */
function agent(args: string[], killAfterLines?: number): Promise<Exit> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: AGENT_DIR,
    env: { PATH: process.env.PATH ?? '', MAZE_URL: model.url, OTEL_SDK_DISABLED: 'true' },
  })
  let stdout = ''
  let stderr = ''
  let killed = false
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
    if (killAfterLines !== undefined && !killed && stdout.split('\n').length > killAfterLines) {
      killed = true
      child.kill('SIGTERM')
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const linesOf = (stdout: string): AgentResultLine[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((text) => {
      const line = parseAgentResult(text)
      expect(line, `not a result line: ${text}`).not.toBeNull()
      return line as AgentResultLine
    })

describe('the program: --strategy a,b with --seeds', BOUND, () => {
  test('AGENT_STRATEGY=astar,random-dfs AGENT_SEEDS=...: one line per run in order; the referee agrees on every run', async () => {
    const run = await agent(['--strategy', 'astar,random-dfs', '--seeds', '201-203', '--width', '20', '--height', '10', '--quiet'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toBe('')
    const lines = linesOf(run.stdout)
    expect(lines.map((l) => `${l.seed}/${l.strategy}`)).toEqual([
      '201/astar',
      '201/random-dfs',
      '202/astar',
      '202/random-dfs',
      '203/astar',
      '203/random-dfs',
    ])
    // Each run's episode is labelled with its own strategy: the referee's lines reconcile with ours.
    const records = refereeLines.map((l) => parseRefereeLine(l)).filter((r) => r !== null && r.seed! >= 201 && r.seed! <= 203)
    const { results, disagreements, unrefereed, abandoned } = reconcile(
      records.filter((r) => r !== null),
      lines,
    )
    expect(disagreements).toEqual([])
    expect(unrefereed).toEqual([])
    expect(abandoned).toEqual([])
    expect(results.map((r) => `${r.seed}/${r.strategy}`).sort()).toEqual(lines.map((l) => `${l.seed}/${l.strategy}`).sort())
    expect(records.map((r) => r!.agent).sort()).toEqual([...Array(3).fill('maze-agent:astar'), ...Array(3).fill('maze-agent:random-dfs')])
  })

  test('a bad module in the list: exit 2, one line (the first seed, naming the module), nothing played', async () => {
    const before = refereeLines.length
    const run = await agent(['--strategy', 'astar,@acme/nope', '--seeds', '1-3'])
    expect(run.code).toBe(2)
    expect(linesOf(run.stdout)).toEqual([
      expect.objectContaining({ strategy: '@acme/nope', seed: 1, width: null, error: AgentErrorCode.StrategyLoad }),
    ])
    expect(run.stderr).toContain('AGENT_ERR_STRATEGY_LOAD')
    expect(refereeLines.length).toBe(before)
  })

  test('a list without --seeds: exit 2 with AGENT_ERR_CONFIG explaining --seeds', async () => {
    const run = await agent(['--strategy', 'astar,random-dfs', '--episodes', '2'])
    expect(run.code).toBe(2)
    expect(linesOf(run.stdout)).toEqual([
      expect.objectContaining({ error: AgentErrorCode.Config, message: expect.stringContaining('--seeds') }),
    ])
  })

  test('SIGTERM mid-way: the finished runs’ lines, then the run in flight’s with its own strategy and seed, exit 143', async () => {
    const run = await agent(['--strategy', 'random-dfs,astar', '--seeds', '301-350', '--width', '40', '--height', '20'], 3)
    expect(run.code, run.stderr).toBe(143)
    const lines = linesOf(run.stdout)
    expect(lines.length).toBeGreaterThanOrEqual(4)
    expect(lines.length).toBeLessThan(100)
    lines.forEach((line, i) => {
      const at = sweepPosition(i, 2, 50)
      expect(line).toMatchObject({ strategy: ['random-dfs', 'astar'][at.strategy], seed: 301 + at.seed })
    })
    expect(lines.at(-1)).toMatchObject({ solved: false, error: AgentErrorCode.Aborted, message: 'stopped by SIGTERM' })
    for (const line of lines.slice(0, -1)) expect(line).toMatchObject({ solved: true, width: 40, height: 20 })
  })
})
