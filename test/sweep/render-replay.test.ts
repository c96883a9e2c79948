// `pnpm render --replay`: draws the walk of an episode's replay, as the model serves it
// (GET /episodes/:id/replay), with the seed and size from the flags or from the record beside it;
// a replay that does not fit the maze is refused with exit code 2.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DIRECTION_NAMES, DX, DY, distancesFrom, generateMaze, type DirectionName, type Maze, type Point } from '@maze-sim/maze'
import { buildApp } from '@maze-sim/model'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'

const renderEntry = join(repoRoot, 'packages/sweep/src/render-main.ts')
const dir = mkdtempSync(join(tmpdir(), 'maze-render-replay-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const render = (...args: string[]) => spawnSync(process.execPath, [renderEntry, ...args], { cwd: dir, encoding: 'utf8' })

function shortestWalk(maze: Maze, from: Point, to: Point): DirectionName[] {
  const dist = distancesFrom(maze, to)
  const walk: DirectionName[] = []
  let { x, y } = from
  for (let guard = maze.area; (x !== to.x || y !== to.y) && guard > 0; guard--) {
    const here = dist[maze.index(x, y)]!
    const d = ([0, 1, 2, 3] as const).find(
      (d) => maze.side(x, y, d) === 0 && maze.isInside(x + DX[d]!, y + DY[d]!) && dist[maze.index(x + DX[d]!, y + DY[d]!)] === here - 1,
    )!
    walk.push(DIRECTION_NAMES[d])
    x += DX[d]!
    y += DY[d]!
  }
  return walk
}

const replayFile = join(dir, 'episode.ndjson')
let steps = 0

beforeAll(async () => {
  // An episode refereed by the model, its replay and record saved as a user would (curl > file).
  const { app } = await buildApp({ episodes: { writeResult: () => {}, sweepTimer: false } })
  try {
    const maze = generateMaze({ seed: 21, width: 20, height: 10 })
    const moves = [...shortestWalk(maze, maze.start, maze.key), ...shortestWalk(maze, maze.key, maze.exit)]
    steps = moves.length
    const created = (
      await app.inject({ method: 'POST', url: '/episodes', payload: { seed: 21, width: 20, height: 10, agent: 'team-green' } })
    ).json()
    expect((await app.inject({ method: 'POST', url: `/episodes/${created.id}/moves`, payload: { moves } })).json()).toMatchObject({
      applied: steps,
    })
    writeFileSync(replayFile, (await app.inject({ url: `/episodes/${created.id}/replay` })).body)
    writeFileSync(join(dir, 'episode.json'), (await app.inject({ url: `/episodes/${created.id}` })).body)
  } finally {
    await app.close()
  }
})

test('pnpm render --replay draws the walk of the replay, seed and size read from the record beside it', () => {
  const run = render('--replay', replayFile, '--out', 'replay.svg')
  expect(run.status, run.stderr).toBe(0)
  expect(run.stderr).toContain(`team-green (replay episode.ndjson) on maze 20x10, seed 21: solved in ${steps} steps`)
  const svg = readFileSync(join(dir, 'replay.svg'), 'utf8')
  for (const id of ['walls', 'walk-to-key', 'walk-to-exit', 'start', 'key', 'exit']) expect(svg).toContain(`id="${id}"`)
  const points = (id: string) => /points="([^"]*)"/.exec(svg.slice(svg.indexOf(`id="${id}"`)))![1]!.split(' ').length
  // The walk to the key and on to the exit share the key's cell: start + every step.
  expect(points('walk-to-key') + points('walk-to-exit') - 1).toBe(steps + 1)

  // --seed and --size given: the record is not needed (the default output name says replay).
  const flags = render('--replay', replayFile, '--seed', '21', '--size', '20x10')
  expect(flags.status, flags.stderr).toBe(0)
  expect(readFileSync(join(dir, 'maze-replay-episode-21-20x10.svg'), 'utf8')).toContain('id="walk-to-exit"')
})

test('a replay that does not fit the maze is refused: exit 2, SWEEP_ERR_REPLAY', () => {
  const wrongSeed = render('--replay', replayFile, '--seed', '22', '--size', '20x10', '--out', 'wrong.svg')
  expect(wrongSeed.status).toBe(2)
  expect(wrongSeed.stderr).toMatch(/maze-render: SWEEP_ERR_REPLAY: line \d+: step \d+ goes \w+ from .*(through a wall|off the)/)

  const broken = join(dir, 'broken.ndjson')
  writeFileSync(broken, readFileSync(replayFile, 'utf8').replace(/"step":2,/, '"step":3,'))
  const outOfOrder = render('--replay', broken, '--seed', '21', '--size', '20x10', '--out', 'broken.svg')
  expect(outOfOrder.status).toBe(2)
  expect(outOfOrder.stderr).toContain('SWEEP_ERR_REPLAY: line 2 is step 3, expected step 2')

  // No seed and size, and no record beside it: a usage error naming where the record would be.
  const alone = render('--replay', broken, '--out', 'alone.svg')
  expect(alone.status).toBe(2)
  expect(alone.stderr).toContain(`SWEEP_ERR_USAGE: --replay ${broken}: give --seed and --size, or save the episode's record`)
  const missing = render('--replay', join(dir, 'missing.ndjson'), '--seed', '1', '--size', '20x10', '--out', 'missing.svg')
  expect(missing.status).toBe(2)
  expect(missing.stderr).toContain('SWEEP_ERR_REPLAY: cannot read --replay')
  const both = render('--replay', replayFile, '--strategy', 'astar')
  expect(both.status).toBe(2)
  expect(both.stderr).toContain('leave out --strategy')
})
