// `pnpm sweep` and `pnpm render` as processes: a sweep interrupted with SIGINT and rerun finishes
// only what was missing, its leaderboard equals the one `sweep leaderboard` builds from its result
// lines (fed on stdin), and `render` writes a well-formed SVG and a PNG.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, test } from 'vitest'
import { repoRoot, startNode, type Running } from '../support/processes.ts'

const sweepEntry = join(repoRoot, 'packages/sweep/src/main.ts')
const renderEntry = join(repoRoot, 'packages/sweep/src/render-main.ts')
const dir = mkdtempSync(join(tmpdir(), 'maze-sweep-cli-'))
const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const lines = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : []
const keyOf = (line: string): string => {
  const r = JSON.parse(line) as { strategy: string; seed: number; width: number; height: number }
  return `${r.strategy}/${r.seed}/${r.width}x${r.height}`
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('SIGINT stops a sweep with its finished runs saved; the rerun runs only the missing ones; the leaderboard from the lines is the same', async () => {
  const out = join(dir, 'results.jsonl')
  const args = ['--strategies', 'random-dfs,astar', '--seeds', '1-300', '--size', '60x15', '--out', out, '--workers', '2', '--no-timings']
  const total = 600

  const first = startNode(sweepEntry, args)
  running.push(first)
  await until(() => lines(out).length >= 40, 60_000)
  first.child.kill('SIGINT')
  expect(await first.exited).toBe(130)
  const saved = lines(out)
  expect(saved.length).toBeGreaterThanOrEqual(40)
  expect(saved.length).toBeLessThan(total)
  expect(first.stderr()).toContain('interrupted')
  expect(first.stdout()).toBe('') // no leaderboard from half a sweep

  const md = join(dir, 'sweep.md')
  const chart = join(dir, 'chart.svg')
  const second = startNode(sweepEntry, [...args, '--markdown', md, '--chart', chart])
  running.push(second)
  expect(await second.exited).toBe(0)
  expect(second.stderr()).toContain(`${saved.length} already in`)
  expect(second.stderr()).toContain(`${total - saved.length} to run`)
  const all = lines(out)
  expect(all.slice(0, saved.length)).toEqual(saved)
  expect(all).toHaveLength(total)
  expect(new Set(all.map(keyOf)).size).toBe(total)
  expect(second.stdout()).toMatch(/astar\s+random-dfs\s+300/)
  expect(readFileSync(chart, 'utf8')).toContain('<svg')

  // The same lines through `sweep leaderboard --from -` (stdin): the same Markdown.
  const fromMd = join(dir, 'from.md')
  const from = spawnSync(process.execPath, [sweepEntry, 'leaderboard', '--from', '-', '--markdown', fromMd, '--no-timings'], {
    cwd: repoRoot,
    input: readFileSync(out),
    encoding: 'utf8',
  })
  expect(from.status).toBe(0)
  expect(readFileSync(fromMd, 'utf8')).toBe(readFileSync(md, 'utf8'))
  // astar beats random-dfs on the paired test.
  const paired = readFileSync(md, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('| astar | random-dfs |'))!
  const p = Number(paired.split('|')[7]!.trim().replace('< ', ''))
  expect(p).toBeLessThan(0.001)
})

test('render: a solved maze as SVG and PNG', () => {
  const svg = join(dir, 'maze.svg')
  const png = join(dir, 'maze.png')
  const run = spawnSync(
    process.execPath,
    [renderEntry, '--seed', '3', '--size', '30x10', '--strategy', 'astar', '--out', svg, '--png', png],
    { cwd: repoRoot, encoding: 'utf8' },
  )
  expect(run.status, run.stderr).toBe(0)
  expect(run.stderr).toMatch(/astar on maze 30x10, seed 3: solved in [\d,]+ steps/)
  const text = readFileSync(svg, 'utf8')
  for (const id of ['walls', 'walk-to-key', 'walk-to-exit', 'optimal', 'start', 'key', 'exit']) expect(text).toContain(`id="${id}"`)
  expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG')
  const bad = spawnSync(process.execPath, [renderEntry, '--seed', 'x'], { cwd: repoRoot, encoding: 'utf8' })
  expect(bad.status).toBe(2)
  expect(bad.stderr).toContain('--seed')
})
