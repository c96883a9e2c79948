// `npm start` as the real program (src/main.ts in its own Node process): help, configuration errors,
// a strategy that cannot be loaded, and whole runs on the smallest mazes. The 80x20 default run and
// --linger are covered by the integration tests (test/end-to-end.test.ts, test/view/sim-view.test.ts).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { AgentErrorCode, ExitCode } from '@maze-sim/agent'
import { MAX_SEED } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { USAGE } from '../src/config.ts'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
/** Everything the program reads from the environment: unset, so the developer's shell cannot leak in. */
const READ = ['MAZE_WIDTH', 'MAZE_HEIGHT', 'MAZE_SEED', 'AGENT_STRATEGY', 'PORT']

interface Ran {
  code: number | string
  stdout: string
  stderr: string
}

/** Runs the program to its end (killed after `timeoutMs`, so nothing outlives the test). */
async function sim(argv: string[], env: Record<string, string> = {}, timeoutMs = 25_000): Promise<Ran> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !READ.includes(name)))
  const child = spawn(process.execPath, [main, ...argv], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
    return { code: code ?? signal ?? 'unknown', stdout, stderr }
  } finally {
    clearTimeout(timer)
  }
}

/** The map lines and the parsed result line of a run's stdout. */
const output = (stdout: string): { map: string[]; result: Record<string, unknown> } => {
  const lines = stdout.trimEnd().split('\n')
  return { map: lines.slice(0, -1), result: JSON.parse(lines.at(-1)!) as Record<string, unknown> }
}

describe('npm start (src/main.ts)', () => {
  test('--help prints the usage and exits 0 without starting anything', async () => {
    const run = await sim(['--help'])
    expect(run).toEqual({ code: ExitCode.Solved, stdout: USAGE, stderr: '' })
  })

  test('a bad environment variable exits 2 naming it', async () => {
    const run = await sim([], { MAZE_SEED: 'lucky' })
    expect(run.code).toBe(ExitCode.BadConfig)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(`maze-sim: SIM_ERR_CONFIG: MAZE_SEED="lucky" is not allowed: expected an integer from 0 to ${MAX_SEED}\n`)
  })

  test('an unknown option exits 2 pointing at --help', async () => {
    const run = await sim(['--colour'])
    expect(run.code).toBe(ExitCode.BadConfig)
    expect(run.stderr).toMatch(/^maze-sim: SIM_ERR_CONFIG: .*--colour.*\(see --help\)\n$/)
  })

  test('a strategy that cannot be loaded exits 2 with the agent’s code, before any model starts', async () => {
    const run = await sim(['--strategy', './no-such-strategy.ts', '--port', '0'])
    expect(run.code).toBe(ExitCode.BadConfig)
    expect(run.stderr).toContain(AgentErrorCode.StrategyLoad)
    expect(run.stderr).toContain('no-such-strategy.ts')
    expect(run.stderr).not.toContain('maze model on')
    expect(run.stdout).toBe('')
  })

  test('--quiet on a 3x1 maze: only the map and the result line', async () => {
    const run = await sim(['--width', '3', '--height', '1', '--seed', '1', '--port', '0', '--strategy', 'astar', '--quiet'])
    expect(run.code, run.stderr).toBe(ExitCode.Solved)
    expect(run.stderr).toBe('')
    const { map, result } = output(run.stdout)
    expect(result).toMatchObject({ strategy: 'astar', width: 3, height: 1, seed: 1, solved: true, optimalSteps: expect.any(Number) })
    expect(result.steps).toBeGreaterThanOrEqual(result.optimalSteps as number)
    // 2h+1 lines of 2w+1 characters, with the start, the key and the exit.
    expect(map.map((line) => line.length)).toEqual([7, 7, 7])
    for (const label of ['S', 'K', 'E']) expect(map.join('\n')).toContain(label)
  })

  test('from the environment, with a random seed: the seed is printed and is the one in the result', async () => {
    const run = await sim([], { MAZE_WIDTH: '5', MAZE_HEIGHT: '4', PORT: '0', AGENT_STRATEGY: 'random-dfs' })
    expect(run.code, run.stderr).toBe(ExitCode.Solved)
    const { map, result } = output(run.stdout)
    expect(result).toMatchObject({ strategy: 'random-dfs', width: 5, height: 4, solved: true })
    expect(map).toHaveLength(9)
    const announced = /^maze-sim: maze model on (http:\/\/127\.0\.0\.1:\d+) — 5x4, seed (\d+) \(random\)$/m.exec(run.stderr)
    expect(announced, run.stderr).not.toBeNull()
    expect(Number(announced![2])).toBe(result.seed)
    expect(run.stderr).toContain(`maze-sim: view: ${announced![1]}/`)
    expect(run.stderr).toMatch(/^maze-sim: random-dfs solved in \d+ steps/m)
  })
})
