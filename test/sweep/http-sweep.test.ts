// `pnpm sweep --transport http`: model and agent processes over real HTTP, refereed by the model.
// The same seeds give the same runs and the same leaderboard as the in-process sweep; an agent
// killed mid-slice, or a model, costs nothing (their runs are played again); SIGINT stops every
// process, keeps what finished, and the rerun completes the sweep.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AgentInfo, type CliIo, type ModelInfo, parseResultLines, runCli, runSweep, type SweepResult } from '@maze-sim/sweep'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { repoRoot, startNode, type Running } from '../support/processes.ts'

const sweepEntry = join(repoRoot, 'packages/sweep/src/main.ts')
const dir = mkdtempSync(join(tmpdir(), 'maze-http-sweep-'))
const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A CliIo run from the repository root that keeps what was written. */
function captured(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: repoRoot,
    stdout: (text: string) => {
      io.out += text
    },
    stderr: {
      write: (text: string) => {
        io.err += text
      },
      isTTY: false,
    },
  }
  return io
}

const results = (file: string): SweepResult[] => (existsSync(file) ? parseResultLines(readFileSync(file, 'utf8')).results : [])
const key = (r: { strategy: string; seed: number | null; width: number; height: number }): string =>
  `${r.strategy}/${r.seed}/${r.width}x${r.height}`
const byKey = (rs: readonly SweepResult[]): Map<string, SweepResult> => new Map(rs.map((r) => [key(r), r]))

describe('pnpm sweep --transport http', () => {
  test('astar,random-dfs x seeds 1-40 at 80x20: the same steps per (strategy, seed) and the same leaderboard as in-process', {
    timeout: 300_000,
  }, async () => {
    const plan = ['--strategies', 'astar,random-dfs', '--seeds', '1-40', '--size', '80x20', '--no-timings', '--quiet']
    const local = captured()
    const localOut = join(dir, 'in-process.jsonl')
    const localMd = join(dir, 'in-process.md')
    expect(await runCli([...plan, '--out', localOut, '--markdown', localMd], local), local.err).toBe(0)

    const http = captured()
    const httpOut = join(dir, 'http.jsonl')
    const httpMd = join(dir, 'http.md')
    const args = [...plan, '--transport', 'http', '--workers', '2', '--out', httpOut, '--markdown', httpMd]
    expect(await runCli(args, http), http.err).toBe(0)
    expect(http.err).not.toContain('disagreement')

    const a = byKey(results(localOut))
    const b = byKey(results(httpOut))
    expect(a.size).toBe(80)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [k, r] of a) {
      const h = b.get(k)!
      // A run's requests are its episode's (the agent finds the model's routes once per process, not per run).
      const { elapsedMs: _a, ...same } = r
      const { elapsedMs: _b, ...other } = h
      expect({ k, ...other }).toEqual({ k, ...same })
    }
    const mdLocal = readFileSync(localMd, 'utf8')
    const mdHttp = readFileSync(httpMd, 'utf8')
    expect(mdHttp).toContain('| astar | random-dfs | 40 |')
    expect(mdHttp).toBe(mdLocal)
  })

  test('--help names MAZE_PYTHON, the Python that plays python:<name> strategies', async () => {
    const io = captured()
    expect(await runCli(['--help'], io)).toBe(0)
    expect(io.out).toMatch(/MAZE_PYTHON +the Python that plays python:<name> strategies/)
    expect(io.out).toContain('default: python3')
  })
})

describe('pnpm sweep --transport http: dead agents and models', () => {
  test('an agent killed mid-slice: its unfinished runs are played again, the sweep completes with every run once', {
    timeout: 240_000,
  }, async () => {
    const plan = {
      strategies: ['astar', 'random-dfs'],
      seeds: Array.from({ length: 12 }, (_, i) => i + 1),
      sizes: [{ width: 30, height: 10 }],
    }
    const agents: AgentInfo[] = []
    let killed: AgentInfo | null = null
    const notes: string[] = []
    const out = join(dir, 'killed.jsonl')
    const outcome = await runSweep({
      plan,
      out,
      transport: 'http',
      workers: 1,
      cwd: repoRoot,
      onAgentStart: (agent) => agents.push(agent),
      onNote: (line) => notes.push(line),
      onProgress: () => {
        // The first agent, once it has printed a result and has more of its slice to play.
        const first = agents[0]
        if (killed !== null || first === undefined || !first.alive()) return
        if (first.results() >= 1 && first.results() < first.slice.seeds.length * first.slice.strategies.length) {
          killed = first
          first.kill()
        }
      },
    })
    expect(killed).not.toBeNull()
    expect(outcome.interrupted).toBe(false)
    expect(outcome.http!.replayed).toBeGreaterThanOrEqual(1)
    expect(outcome.http!.unrefereed).toBe(0)
    expect(notes.join('\n')).toMatch(/agent pid \d+ \(killed by SIGKILL\): \d+ of its \d+ runs have no referee's record/)
    const lines = results(out)
    expect(lines).toHaveLength(24)
    expect(new Set(lines.map(key)).size).toBe(24)
    expect(lines.every((r) => r.error === undefined && r.solved)).toBe(true)
    // The very same runs as in memory.
    const local = byKey((await runSweep({ plan, out: null, workers: 1, cwd: repoRoot })).results)
    for (const r of lines) expect(r.steps, key(r)).toBe(local.get(key(r))!.steps)
  })

  test('a model killed mid-sweep: its agents are stopped and their runs played on the other model', { timeout: 240_000 }, async () => {
    const plan = { strategies: ['astar'], seeds: Array.from({ length: 12 }, (_, i) => i + 1), sizes: [{ width: 30, height: 10 }] }
    const models: ModelInfo[] = []
    const notes: string[] = []
    let killed = false
    const out = join(dir, 'model-killed.jsonl')
    const outcome = await runSweep({
      plan,
      out,
      transport: 'http',
      workers: 2,
      models: 2,
      cwd: repoRoot,
      onModelStart: (model) => models.push(model),
      onNote: (line) => notes.push(line),
      onProgress: (p) => {
        if (killed || p.done < 2) return
        killed = true
        process.kill(models[0]!.pid!, 'SIGKILL')
      },
    })
    expect(killed).toBe(true)
    expect(notes.join('\n')).toContain('model 0 (pid')
    expect(notes.join('\n')).toContain('played again on the other model')
    expect(outcome).toMatchObject({ interrupted: false, http: { modelProcesses: 2, unrefereed: 0 } })
    const lines = results(out)
    expect(lines).toHaveLength(12)
    expect(new Set(lines.map(key)).size).toBe(12)
    expect(lines.every((r) => r.solved && r.error === undefined)).toBe(true)
  })
})

describe('pnpm sweep --transport http: signals to the sweep', () => {
  test('SIGINT stops the models and agents and keeps what finished; the rerun plays only the rest', { timeout: 240_000 }, async () => {
    const out = join(dir, 'interrupted.jsonl')
    const args = ['--strategies', 'astar,random-dfs', '--seeds', '1-12', '--size', '30x10', '--transport', 'http', '--workers', '2']
    const first = startNode(sweepEntry, [...args, '--out', out])
    running.push(first)
    const deadline = Date.now() + 120_000
    while (results(out).length < 4) {
      if (Date.now() > deadline) throw new Error(`no results within the bound: ${first.stderr()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const children = childPids(first.child.pid!)
    expect(children.length).toBeGreaterThanOrEqual(2) // a model and an agent at least
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(130)
    expect(first.stderr()).toContain('interrupted')
    for (const pid of children) expect(isRunning(pid), `child ${pid} still runs`).toBe(false)
    const saved = results(out)
    expect(saved.length).toBeGreaterThanOrEqual(4)
    expect(saved.length).toBeLessThan(24)

    const second = startNode(sweepEntry, [...args, '--out', out])
    running.push(second)
    expect(await second.exited, second.stderr()).toBe(0)
    expect(second.stderr()).toContain(`${saved.length} already in`)
    const all = results(out)
    expect(all).toHaveLength(24)
    expect(new Set(all.map(key)).size).toBe(24)
  })

  test('SIGKILL of the sweep: its models and agents end on their own (their stdin, a pipe from it, ends)', {
    timeout: 240_000,
  }, async () => {
    const out = join(dir, 'sweep-killed.jsonl')
    // Far more runs than it plays before it is killed: it is still running then, with its children.
    const args = ['--strategies', 'random-dfs', '--seeds', '1-20000', '--size', '80x20', '--transport', 'http', '--workers', '2']
    const sweep = startNode(sweepEntry, [...args, '--out', out])
    running.push(sweep)
    const deadline = Date.now() + 120_000
    while (results(out).length < 2) {
      if (Date.now() > deadline) throw new Error(`no results within the bound: ${sweep.stderr()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const children = childPids(sweep.child.pid!)
    expect(children.length, `exit ${sweep.child.exitCode}, ${results(out).length} results: ${sweep.stderr()}`).toBeGreaterThanOrEqual(2) // a model and an agent at least
    sweep.child.kill('SIGKILL')
    await sweep.exited
    // Orphans would go on playing (and listening) for ever; the bound is the programs' own SIGTERM handling.
    const gone = Date.now() + 30_000
    while (children.some(isRunning) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100))
    for (const pid of children) expect(isRunning(pid), `child ${pid} still runs`).toBe(false)
  })
})

/** The pids of a process's children (procps `ps`). */
function childPids(pid: number): number[] {
  // `ps` exits 1 when it lists nothing.
  const listed = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? ''
  return listed
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0)
}

/** Whether a process runs (a zombie, exited and not yet reaped by whoever adopted it, does not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
