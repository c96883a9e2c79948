// Our agents against a real sealed model process (MODEL_SEALED=true): GET /episodes answers the
// scoreboard, so the TypeScript agent program and the Python SDK both find the episodes and play them
// (the referee's result lines prove it: a classic run writes none), rather than falling back to the
// classic routes (--url alone) or refusing (--seeds). Discovery also takes a 401/403 of another
// sealed server as "episodes offered", and a 404 as not.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createHttpTransport } from '@maze-sim/agent'
import type { RefereeLine } from '@maze-sim/agent/referee'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { refereeLines, resultLines } from '../support/lines.ts'
import {
  agentEntry,
  findPython,
  freePort,
  modelEntry,
  repoRoot,
  type Running,
  start,
  startNode,
  waitForHttp,
} from '../support/processes.ts'

const python = findPython([])
const sdk = join(repoRoot, 'packages/python-sdk')
const SEALED_ENV = {
  MODEL_SEALED: 'true',
  MODEL_SEALED_SECRET: '0123456789abcdefXYZ',
  MODEL_VIEWER_TOKEN: 'viewertoken-1234567890',
  MAZE_WIDTH: '20',
  MAZE_HEIGHT: '10',
  MAZE_SEED: '7',
}

const until = async (what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

let model: Running
let url: string
beforeAll(async () => {
  const port = await freePort()
  model = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', OTEL_SDK_DISABLED: 'true', ...SEALED_ENV })
  url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/health/ready`)
})
afterAll(async () => {
  await model?.stop('SIGKILL')
})

/** The referee's lines of `agent` written since `before` lines. */
const refereedSince = (before: number, agent: string): RefereeLine[] =>
  refereeLines(model.stdout())
    .slice(before)
    .filter((r) => r.agent === agent)

describe('a sealed model process', () => {
  test('GET /episodes answers 200 without the token: a scoreboard with id, seed, optimalSteps, x and y null', async () => {
    const created = await fetch(`${url}/episodes`, { method: 'POST', body: '{"seed":7}', headers: { 'content-type': 'application/json' } })
    const { id } = (await created.json()) as { id: string }
    const listed = await fetch(`${url}/episodes?limit=1`)
    expect(listed.status).toBe(200)
    const text = await listed.text()
    expect(text).not.toContain(id)
    expect(JSON.parse(text).episodes[0]).toMatchObject({ id: null, seed: null, optimalSteps: null, x: null, y: null, status: 'running' })
    await fetch(`${url}/episodes/${id}`, { method: 'DELETE' })
  })

  test('the TypeScript agent program with --seeds 1-2: both played as episodes, refereed', async () => {
    const before = refereeLines(model.stdout()).length
    const agent = startNode(agentEntry, ['--strategy', 'astar', '--seeds', '1-2', '--width', '20', '--height', '10', '-q'], {
      MAZE_URL: url,
      OTEL_SDK_DISABLED: 'true',
      AGENT_STRATEGY: '',
    })
    expect(await agent.exited, agent.stderr()).toBe(0)
    const lines = resultLines(agent.stdout())
    expect(lines).toHaveLength(2)
    await until('two referee lines', () => refereedSince(before, 'maze-agent:astar').length >= 2)
    const refereed = refereedSince(before, 'maze-agent:astar')
    expect(refereed.map((r) => r.seed).sort()).toEqual([1, 2])
    for (const line of lines) {
      const record = refereed.find((r) => r.seed === line.seed)
      expect(record, JSON.stringify(line)).toMatchObject({ status: 'solved', steps: line.steps, optimalSteps: line.optimalSteps })
    }
  }, 60_000)

  test('the TypeScript agent program with --url alone: one episode, refereed, not the classic routes', async () => {
    const before = refereeLines(model.stdout()).length
    const agent = startNode(agentEntry, ['--url', url, '--strategy', 'random-dfs', '-q'], { OTEL_SDK_DISABLED: 'true', AGENT_STRATEGY: '' })
    expect(await agent.exited, agent.stderr()).toBe(0)
    const [line] = resultLines(agent.stdout())
    expect(line).toMatchObject({ solved: true })
    await until('the referee line', () => refereedSince(before, 'maze-agent:random-dfs').length >= 1)
    const [record] = refereedSince(before, 'maze-agent:random-dfs')
    expect(record).toMatchObject({ status: 'solved', steps: line!.steps, width: 20, height: 10 })
  }, 60_000)

  describe.skipIf(python === undefined)('the Python SDK with python3', () => {
    const pythonEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
      PYTHONPATH: join(sdk, 'src'),
      PYTHONDONTWRITEBYTECODE: '1',
      AGENT_STRATEGY: '',
      AGENT_SEED: '',
      AGENT_MAX_STEPS: '',
      ...env,
    })

    for (const [title, args, runs] of [
      ['--seeds 1-2: both played as episodes, refereed', ['--seeds', '1-2', '--width', '20', '--height', '10'], 2],
      ['no seeds: one episode, refereed, not the classic routes', [], 1],
    ] as const) {
      test(title, async () => {
        const before = refereeLines(model.stdout()).length
        const py = start(python!, ['-m', 'maze_sim_agent', '--strategy', 'random-dfs', '-q', ...args], {
          cwd: sdk,
          env: pythonEnv({ MAZE_URL: url }),
        })
        expect(await py.exited, py.stderr()).toBe(0)
        const lines = resultLines(py.stdout())
        expect(lines).toHaveLength(runs)
        const agent = 'maze-agent:python:random-dfs'
        await until('the referee lines', () => refereedSince(before, agent).length >= runs)
        const refereed = refereedSince(before, agent)
        expect(refereed).toHaveLength(runs)
        expect(refereed.map((r) => r.steps).sort()).toEqual(lines.map((l) => l.steps).sort())
        expect(refereed.every((r) => r.status === 'solved')).toBe(true)
      }, 60_000)
    }
  })
})

describe('discovery: GET /episodes?limit=1 of other servers', () => {
  let server: Server
  let stubUrl: string
  let status = 401
  beforeAll(async () => {
    server = createServer((request, response) => {
      const isList = request.url?.startsWith('/episodes') === true
      response.writeHead(isList ? status : 404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: isList ? 'MAZE_ERR_UNAUTHORIZED' : 'MAZE_ERR_NOT_FOUND', message: 'stub' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    stubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  for (const [answer, offered] of [
    [401, true],
    [403, true],
    [404, false],
    [405, false],
  ] as const) {
    test(`${answer}: episodes ${offered ? '' : 'not '}offered (the agent; the Python SDK)`, async () => {
      status = answer
      const transport = createHttpTransport({ url: stubUrl })
      try {
        expect((await transport.episodes!()) !== null).toBe(offered)
      } finally {
        await transport.close()
      }
      if (python === undefined) return
      const py = start(
        python,
        ['-c', 'import sys; from maze_sim_agent.client import ModelClient; print(ModelClient(sys.argv[1]).has_episodes())', stubUrl],
        { cwd: sdk, env: { PYTHONPATH: join(sdk, 'src'), PYTHONDONTWRITEBYTECODE: '1' } },
      )
      expect(await py.exited, py.stderr()).toBe(0)
      expect(py.stdout().trim()).toBe(offered ? 'True' : 'False')
    })
  }
})
