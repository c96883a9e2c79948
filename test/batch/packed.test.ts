// Packed array children on the real Docker engine (the real job definition, local images): each
// child's agent plays every strategy on a slice of seeds against its model, whose referee lines are
// the results. A sweep of 400 runs as 8 children gives the in-process sweep's leaderboard; a child
// whose agent is killed half-way loses only its unfinished runs, which `results` names and
// `run-local --only-missing` plays again. Images, labels and cleanup: ./support.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseRefereeLine } from '@maze-sim/agent/referee'
import { parseAgentResult } from '@maze-sim/agent/result'
import { runCli as sweepCli } from '@maze-sim/sweep'
import { describe, expect, test } from 'vitest'
import { docker, runDirsOf, useLocalRunner } from './support.ts'

const { outDir, needDocker, cli } = useLocalRunner('test/batch/packed.test.ts')

interface RunRow {
  jobId: string
  arrayIndex: number | null
  status: string
  attempts: number
  result: { strategy: string; seed: number; solved: boolean; steps: number; width: number; height: number }
  disagreement?: string[]
}

const rowsOf = (stdout: string): RunRow[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunRow)

const key = (strategy: string, seed: number | null): string => `${strategy}:${seed}`

/** The referee's records of ended runs (solved or unsolved) in a run directory's model logs, with their child directory. */
function refereeRecords(runDir: string): { child: string; key: string }[] {
  const out: { child: string; key: string }[] = []
  for (const child of readdirSync(runDir).filter((d) => d === 'job' || d.startsWith('child-'))) {
    for (const attempt of readdirSync(join(runDir, child)).filter((d) => d.startsWith('attempt-'))) {
      for (const line of readFileSync(join(runDir, child, attempt, 'model.log'), 'utf8').split('\n')) {
        const record = parseRefereeLine(line)
        if (record !== null && record.status !== 'abandoned')
          out.push({ child, key: key(record.agent.replace(/^maze-agent:/, ''), record.seed) })
      }
    }
  }
  return out
}

/** The in-process sweep's CLI (@maze-sim/sweep): exit code and stdout. */
async function sweep(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await sweepCli(argv, { stdout: (t) => (stdout += t), stderr: { write: (t: string) => (stderr += t) }, cwd: outDir })
  return { code, stdout, stderr }
}

const counts = (items: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const item of items) out[item] = (out[item] ?? 0) + 1
  return out
}

/**
 * `maze-batch <args>` (a run-local run) whose child `child`'s first agent is killed (docker kill) once
 * it has printed `after` result lines; `killed` says whether it was, before the run ended.
 */
async function runAndKill(
  args: readonly string[],
  child: number,
  after: number,
): Promise<{ running: ReturnType<typeof cli>; killed: boolean }> {
  let jobId: string | undefined
  let stderrSoFar = ''
  const running = cli(args, (chunk) => {
    stderrSoFar += chunk
    jobId ??= /local job ([0-9a-f-]{36})/.exec(stderrSoFar)?.[1]
  })
  let finished = false
  void running.then(() => (finished = true))
  let killed = false
  // Bounded: 2,400 polls of 250 ms at most; the run's own end stops it too.
  for (let poll = 0; poll < 2400 && !finished && !killed; poll++) {
    if (jobId !== undefined) {
      const name = `mzb-${jobId.slice(0, 8)}-${child}-a1-agent`
      const logs = docker(['logs', name], 30_000)
      const results = logs.status === 0 ? (logs.stdout ?? '').split('\n').filter((l) => parseAgentResult(l) !== null).length : 0
      if (results >= after) killed = docker(['kill', name], 30_000).status === 0
    }
    if (!killed) await sleep(250)
  }
  return { running, killed }
}

describe('run-local: packed children', () => {
  test('--strategy astar,random-dfs --runs 200 --runs-per-child 50: 8 children, every run refereed, the leaderboard of the sweep in process and over HTTP', async (ctx) => {
    needDocker(ctx)
    const run = await cli([
      'run-local',
      '--out',
      outDir,
      '--strategy',
      'astar,random-dfs',
      '--runs',
      '200',
      '--runs-per-child',
      '50',
      '--seed',
      '1',
      '--width',
      '80',
      '--height',
      '20',
      '--parallel',
      '2',
    ])
    expect(run.code, run.stderr.slice(-4000)).toBe(0)
    expect(run.stderr).toContain('array job of 8 children')
    expect(run.stderr).toContain('8/8 children done (100%)')
    expect(run.stderr).toContain('nothing missing')
    const [runDir] = runDirsOf(run.stderr)

    // One row per run, 50 from each child, each (strategy, seed) once; no disagreement.
    const rows = rowsOf(run.stdout)
    expect(rows).toHaveLength(400)
    expect(counts(rows.map((r) => String(r.arrayIndex)))).toEqual(Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [String(i), 50])))
    const expected = Array.from({ length: 200 }, (_, i) => ['astar', 'random-dfs'].map((s) => key(s, i + 1))).flat()
    expect(new Set(rows.map((r) => key(r.result.strategy, r.result.seed)))).toEqual(new Set(expected))
    expect(rows.filter((r) => r.disagreement !== undefined)).toEqual([])
    expect(rows.every((r) => r.result.width === 80 && r.result.height === 20 && r.status === 'SUCCEEDED')).toBe(true)

    // Every run has its referee line, in the model log of the child that played it.
    const records = refereeRecords(runDir!)
    expect(records).toHaveLength(400)
    expect(counts(records.map((r) => r.child))).toEqual(Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`child-${i}`, 50])))

    // `results --dir` reads the same rows back from the files.
    const again = await cli(['results', '--dir', runDir!])
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(run.stdout)

    // The same 400 runs in process: the same steps per run, the same leaderboard.
    const rowsFile = join(outDir, 'packed-rows.jsonl')
    writeFileSync(rowsFile, run.stdout)
    const sweepOut = join(outDir, 'sweep.jsonl')
    const inProcess = await sweep(
      '--strategies',
      'astar,random-dfs',
      '--seeds',
      '1-200',
      '--size',
      '80x20',
      '--no-timings',
      '--quiet',
      '--fresh',
      '--out',
      sweepOut,
    )
    expect(inProcess.code, inProcess.stderr).toBe(0)
    const stepsOf = (results: readonly { strategy: string | null; seed: number | null; steps: number; solved: boolean }[]) =>
      Object.fromEntries(results.map((r) => [key(r.strategy ?? '', r.seed), [r.solved, r.steps]]))
    const swept = readFileSync(sweepOut, 'utf8')
      .split('\n')
      .flatMap((l) => {
        const r = parseAgentResult(l)
        return r === null ? [] : [r]
      })
    expect(stepsOf(rows.map((r) => r.result))).toEqual(stepsOf(swept))
    const fromBatch = await sweep('leaderboard', '--from', rowsFile, '--no-timings')
    expect(fromBatch.code, fromBatch.stderr).toBe(0)
    // Every column, requests included: a run's requests are its episode's, whichever process plays it.
    expect(fromBatch.stdout).toBe(inProcess.stdout)

    // And over HTTP: model and agent processes on this machine, refereed the same way.
    const overHttp = await sweep(
      '--strategies',
      'astar,random-dfs',
      '--seeds',
      '1-200',
      '--size',
      '80x20',
      '--no-timings',
      '--quiet',
      '--fresh',
      '--transport',
      'http',
      '--out',
      join(outDir, 'sweep-http.jsonl'),
    )
    expect(overHttp.code, overHttp.stderr).toBe(0)
    expect(overHttp.stdout).toBe(inProcess.stdout)
  }, 1_800_000)
})

describe('run-local: a packed child whose agent dies', () => {
  test('an agent killed half-way loses only its child’s unfinished runs; results names them; --only-missing plays exactly those', async (ctx) => {
    needDocker(ctx)
    // 2 children of 10 seeds x 2 strategies; child 1's agent is killed once it has printed 4 results.
    const { running, killed } = await runAndKill(
      ['run-local', '--out', outDir, '--strategy', 'astar,random-dfs', '--runs', '20', '--runs-per-child', '20', '--seed', '300'],
      1,
      4,
    )
    const run = await running
    expect(killed, run.stderr.slice(-4000)).toBe(true)
    // Child 1 FAILED (its agent was killed: exit 137, not retried), so the job did.
    expect(run.code, run.stderr.slice(-4000)).toBe(1)
    const [runDir] = runDirsOf(run.stderr)
    const rows = rowsOf(run.stdout)
    const child0 = rows.filter((r) => r.arrayIndex === 0)
    const child1 = rows.filter((r) => r.arrayIndex === 1)
    expect(child0).toHaveLength(20)
    expect(child1.length).toBeGreaterThanOrEqual(4)
    expect(child1.length).toBeLessThan(20)
    expect(child1.every((r) => r.status === 'FAILED')).toBe(true)

    // `results --dir` names the missing runs: all child 1's, the ones it did not finish.
    const results = await cli(['results', '--dir', runDir!])
    expect(results.code).toBe(0)
    const all = Array.from({ length: 20 }, (_, i) => ['astar', 'random-dfs'].map((s) => key(s, 300 + i))).flat()
    const done = new Set(rows.map((r) => key(r.result.strategy, r.result.seed)))
    const missing = all.filter((k) => !done.has(k))
    expect(missing).toHaveLength(20 - child1.length)
    expect(missing.every((k) => Number(k.split(':')[1]) >= 310)).toBe(true)
    expect(results.stderr).toMatch(new RegExp(`^missing ${missing.length} runs?: child 1: `, 'm'))

    // --only-missing plays exactly those: one referee record each, then nothing is missing.
    const again = await cli(['run-local', '--out', outDir, '--only-missing', runDir!, '--parallel', '2'])
    expect(again.code, again.stderr.slice(-4000)).toBe(0)
    expect(again.stderr).toContain(`missing ${missing.length} run`)
    const newDirs = runDirsOf(again.stderr)
    expect(newDirs.length).toBeGreaterThanOrEqual(1)
    const replayed = newDirs.flatMap((d) => refereeRecords(d).map((r) => r.key))
    expect(replayed.sort()).toEqual([...missing].sort())
    for (const dir of newDirs) {
      const check = await cli(['results', '--dir', dir])
      expect(check.stderr).toContain('nothing missing')
    }
    const union = new Set([...done, ...rowsOf(again.stdout).map((r) => key(r.result.strategy, r.result.seed))])
    expect(union).toEqual(new Set(all))
    // And run again on the first run, nothing is left for the replay's own directories to play.
    for (const dir of newDirs) {
      const nothing = await cli(['run-local', '--out', outDir, '--only-missing', dir])
      expect(nothing).toMatchObject({ code: 0, stdout: '' })
      expect(nothing.stderr).toContain('nothing missing\nnothing to run\n')
    }
  }, 1_200_000)
})
