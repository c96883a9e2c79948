// The agent program as `pnpm agent` runs it (node --import instrument.ts main.ts) against a real
// model process: many runs (--seeds, --episodes) print one result line per run with the referee's
// figures, --protocol classic keeps to the classic routes, and SIGTERM in the middle of many runs
// ends with the lines of the finished runs plus one error line for the run in flight. No wall-clock
// assertions: each test waits for an event (lines on stdout, the exit) and checks behaviour.
import { once } from 'node:events'
import { createServer, request } from 'node:http'
import { AGENT_RESULT_ERROR_KEYS, AGENT_RESULT_KEYS } from '@maze-sim/agent'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  agentEntry,
  agentInstrument,
  freePort,
  modelEntry,
  type Running,
  startNode,
  startNodeWithPreload,
  waitForHttp,
} from '../support/processes.ts'
import { until } from '../support/view.ts'

const WIDTH = 30
const HEIGHT = 8
const MODEL_SEED = 4
// No collector: telemetry off, so that exits do not wait on an exporter.
const AGENT_ENV = { OTEL_SDK_DISABLED: 'true', DEBUG: '' }

let model: Running
let url: string
beforeAll(async () => {
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  model = startNode(modelEntry, [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    MAZE_WIDTH: String(WIDTH),
    MAZE_HEIGHT: String(HEIGHT),
    MAZE_SEED: String(MODEL_SEED),
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
  })
  await waitForHttp(`${url}/health/ready`)
})
afterAll(async () => {
  await model.stop('SIGTERM')
})

const agent = (args: string[], env: Record<string, string> = {}): Running =>
  startNodeWithPreload(agentInstrument, agentEntry, args, { ...AGENT_ENV, MAZE_URL: url, ...env })

type Line = Record<string, unknown>

/** Every line of stdout, each a result line with the stable keys in order (`error`, `message` after them on a failed run). */
function resultLines(r: Running): Line[] {
  const lines = r
    .stdout()
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
  return lines.map((text) => {
    expect(text.startsWith('{'), `not a result line: ${text}\n${r.stderr()}`).toBe(true)
    const line = JSON.parse(text) as Line
    const keys = Object.keys(line)
    expect(keys.slice(0, AGENT_RESULT_KEYS.length)).toEqual([...AGENT_RESULT_KEYS])
    expect(keys.slice(AGENT_RESULT_KEYS.length)).toEqual('error' in line ? [...AGENT_RESULT_ERROR_KEYS] : [])
    return line
  })
}

/** The referee's lines the model printed on stdout (one per ended episode), by the agent label. */
const refereeLines = (label: string): Line[] =>
  model
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"status"'))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.agent === label)

async function episodeCount(): Promise<number> {
  const res = await fetch(`${url}/episodes?limit=1000`)
  return ((await res.json()) as { episodes: unknown[] }).episodes.length
}

describe('agent program: many runs against a model process', () => {
  test('--seeds 1-5: five result lines, those seeds in order, the referee figures; no maps; exit 0', async () => {
    await using r = agent(['--seeds', '1-5', '--strategy', 'random-dfs'])
    expect(await r.exited, r.stderr()).toBe(0)
    const lines = resultLines(r)
    expect(lines.map((l) => l.seed)).toEqual([1, 2, 3, 4, 5])
    for (const line of lines) {
      expect(line).toMatchObject({ strategy: 'random-dfs', width: WIDTH, height: HEIGHT, solved: true })
      expect(line).not.toHaveProperty('error')
    }
    // The figures are the referee's: the model's own line for each episode says the same.
    await until(
      () => refereeLines('maze-agent:random-dfs').filter((l) => typeof l.seed === 'number' && (l.seed as number) <= 5).length >= 5,
      'the referee lines',
    )
    for (const line of lines) {
      const referee = refereeLines('maze-agent:random-dfs').find((l) => l.seed === line.seed)
      expect(referee).toMatchObject({
        status: 'solved',
        steps: line.steps,
        keyStep: line.keyStep,
        optimalSteps: line.optimalSteps,
        width: WIDTH,
        height: HEIGHT,
      })
    }
    // One progress line per episode on stderr, with its episode id.
    for (let i = 1; i <= 5; i++) expect(r.stderr()).toMatch(new RegExp(`episode ${i}/5 \\(\\S+\\), seed ${i}: solved`))
  })

  test('--episodes 3: three result lines on seeds the model picks, the model size; exit 0', async () => {
    await using r = agent(['--episodes', '3', '--quiet'])
    expect(await r.exited, r.stderr()).toBe(0)
    const lines = resultLines(r)
    expect(lines).toHaveLength(3)
    for (const line of lines) {
      expect(line).toMatchObject({ strategy: 'astar', width: WIDTH, height: HEIGHT, solved: true })
      expect(line.seed).toEqual(expect.any(Number))
    }
  })

  test('--width/--height (AGENT_WIDTH/AGENT_HEIGHT) size the episodes; a seed given twice plays the same walk twice', async () => {
    await using r = agent(['--seeds', '7,7', '--strategy', 'random-dfs', '-q'], { AGENT_WIDTH: '12', AGENT_HEIGHT: '6' })
    expect(await r.exited, r.stderr()).toBe(0)
    const [a, b, ...rest] = resultLines(r)
    expect(rest).toEqual([])
    expect(a).toMatchObject({ width: 12, height: 6, seed: 7, solved: true })
    expect(b).toMatchObject({ width: 12, height: 6, seed: 7, steps: a!.steps, keyStep: a!.keyStep })
  })

  test('--episodes with --seeds: a usage error, exit 2, one result line', async () => {
    await using r = agent(['--episodes', '3', '--seeds', '1-3'])
    expect(await r.exited).toBe(2)
    const lines = resultLines(r)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ error: 'AGENT_ERR_CONFIG', message: expect.stringContaining('not allowed together') })
  })

  test('SIGTERM during --episodes 50 on a bigger maze: the finished runs’ lines, one error line for the run in flight, exit 143', async () => {
    await using r = agent(['--episodes', '50', '--width', '100', '--height', '50', '--strategy', 'random-dfs'])
    // Two runs finished: the third is in flight (the next begins as soon as one ends).
    await until(() => resultLines(r).length >= 2 || r.child.exitCode !== null, 'two result lines')
    r.child.kill('SIGTERM')
    expect(await r.exited, r.stderr()).toBe(143)
    const lines = resultLines(r)
    expect(lines.length).toBeGreaterThanOrEqual(3)
    expect(lines.length).toBeLessThan(50)
    const last = lines.at(-1)!
    expect(last).toMatchObject({ strategy: 'random-dfs', solved: false, error: 'AGENT_ERR_ABORTED', message: 'stopped by SIGTERM' })
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatchObject({ width: 100, height: 50, solved: true })
      expect(line).not.toHaveProperty('error')
    }
    expect(r.stderr()).toContain('stopped by SIGTERM')
    // The run in flight gave its episode back (DELETE): nothing walked is left running on the model. (A
    // signal during POST /episodes itself may leave an episode the agent never heard of, with no
    // steps: the model's idle sweep frees it, as the agent's README says.)
    const res = await fetch(`${url}/episodes?limit=1000`)
    const { episodes } = (await res.json()) as { episodes: { status: string; steps: number }[] }
    expect(episodes.filter((e) => (e.status === 'running' || e.status === 'generating') && e.steps > 0)).toEqual([])
  })
})

describe('agent program: one run, --protocol', () => {
  test('auto (the default) plays an episode of the model’s own maze: the referee’s line, the map, the episode id on stderr', async () => {
    await using r = agent(['--strategy', 'random-dfs'])
    expect(await r.exited, r.stderr()).toBe(0)
    const out = r.stdout().trimEnd().split('\n')
    expect(out).toHaveLength(2 * HEIGHT + 2) // the map, then the result line
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ seed: MODEL_SEED, solved: true })
    expect(r.stderr()).toMatch(/step limit \d+, episode \S+/)
    expect(r.stderr()).not.toContain('no map')
    await until(() => refereeLines('maze-agent:random-dfs').some((l) => l.seed === MODEL_SEED), 'the referee line of the run')
  })

  test('classic against a model with episodes: the classic routes (no episode, no referee line), the map, exit 0', async () => {
    const before = await episodeCount()
    const refereeBefore = refereeLines('maze-agent:astar').length
    await using r = agent(['--protocol', 'classic'])
    expect(await r.exited, r.stderr()).toBe(0)
    const out = r.stdout().trimEnd().split('\n')
    expect(out).toHaveLength(2 * HEIGHT + 2)
    const result = JSON.parse(out.at(-1)!) as Line
    expect(result).toMatchObject({ strategy: 'astar', seed: MODEL_SEED, solved: true })
    // One request per cell sensed and more: no batches on the classic routes.
    expect(result.requests as number).toBeGreaterThan(result.steps as number)
    expect(r.stderr()).toContain('classic routes')
    expect(await episodeCount()).toBe(before)
    expect(refereeLines('maze-agent:astar')).toHaveLength(refereeBefore)
  })
  test('a model with episodes but without /maze/meta: the model picks the maze, so no map and no "no map" warning', async () => {
    // A loopback proxy in front of the model that answers 404 to the /maze/meta extension.
    const target = new URL(url)
    const proxy = createServer((req, res) => {
      if (req.url?.startsWith('/maze/meta')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"MAZE_ERR_NOT_FOUND","message":"no meta here"}')
        return
      }
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })
    proxy.listen(0, '127.0.0.1')
    await once(proxy, 'listening')
    try {
      const { port } = proxy.address() as { port: number }
      await using r = agent([], { MAZE_URL: `http://127.0.0.1:${port}` })
      expect(await r.exited, r.stderr()).toBe(0)
      const [line, ...rest] = resultLines(r)
      expect(rest).toEqual([])
      expect(line).toMatchObject({ width: WIDTH, height: HEIGHT, solved: true, seed: expect.any(Number) })
      expect(r.stderr()).not.toContain('no map')
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })
})
