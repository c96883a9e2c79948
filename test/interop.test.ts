// The wire contract both ways, with the original Python code run unchanged (fixtures/interop).
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { agentEntry, findPython, freePort, modelEntry, repoRoot, start, startNode, waitForHttp, type Running } from './support/processes.ts'

const python = findPython(['flask', 'requests'])
const fixtures = join(repoRoot, 'test/fixtures/interop')
const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')))
})

describe.skipIf(python === undefined)('interoperability with the original Python model and agent', () => {
  test('the original agent.py, unchanged, solves a maze served by our model', async () => {
    // Our model on a free port, as every test's (a fixed port collides with whatever else runs).
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const model = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', MAZE_SEED: '2024' })
    running.push(model)
    await waitForHttp(`${base}/health/ready`)
    // agent.py is run as it is (runpy), with two things set up before it starts:
    // - it talks to 127.0.0.1:5555, hard-coded: requests' Session.request (which its session and
    //   requests.get/post all go through) is wrapped to send that address to our model instead.
    //   Any other address fails the run, so the file still uses exactly its original address;
    // - Python's `random` is seeded, because the original agent loses cells when it backtracks
    //   (it pops its own position, then forgets the parent) and gives up ("No moves left") in about
    //   3 of 4 unseeded runs on an 80x20 maze - its bug, not the model's. Seed 2 is one of its lucky
    //   walks on this maze, which makes the test repeatable.
    const launcher = [
      'import os, random, runpy, requests',
      "ORIGINAL, MODEL = 'http://127.0.0.1:5555/', os.environ['MODEL_BASE_URL'] + '/'",
      'request = requests.Session.request',
      'def redirected(self, method, url, *args, **kwargs):',
      "    assert url.startswith(ORIGINAL), f'agent.py asked for {url}, not its original address'",
      '    return request(self, method, MODEL + url[len(ORIGINAL):], *args, **kwargs)',
      'requests.Session.request = redirected',
      'random.seed(2)',
      "runpy.run_path('agent.py', run_name='__main__')",
    ].join('\n')
    const agent = start(python!, ['-c', launcher], { cwd: fixtures, env: { MODEL_BASE_URL: base } })
    running.push(agent)
    expect(await agent.exited, agent.stderr()).toBe(0)
    const out = agent.stdout()
    expect(out).toContain("SIZE {'width': 80, 'height': 20}")
    expect(out).toMatch(/\(\d+, \d+\) key found/)
    expect(out).toMatch(/\(\d+, \d+\) exit/)
    expect(out).not.toContain('No moves left')
    // The map our model drew for the original agent: S, K, E and its trail.
    const map = out.slice(out.indexOf('\n+') + 1)
    expect(map.split('\n').filter((l) => /^[-+| SKE*]{161}$/.test(l))).toHaveLength(41)
    for (const label of ['S', 'K', 'E', '*']) expect(map).toContain(label)
  })

  test('our agent solves a maze served by the original Flask model (text/html JSON, no extensions)', async () => {
    const port = await freePort()
    const model = start(python!, ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: fixtures,
    })
    running.push(model)
    await waitForHttp(`http://127.0.0.1:${port}/maze/size`)
    const agent = startNode(agentEntry, [], { MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STRATEGY: 'astar' })
    running.push(agent)
    expect(await agent.exited, agent.stderr()).toBe(0)
    const lines = agent.stdout().trimEnd().split('\n')
    const result = JSON.parse(lines.at(-1)!)
    expect(result).toMatchObject({ strategy: 'astar', width: 80, height: 20, solved: true, seed: null, optimalSteps: null })
    expect(result.steps).toBeGreaterThan(0)
    // The original server drew the map of our walk.
    const map = lines.slice(0, -1).join('\n')
    for (const label of ['S', 'K', 'E', '*']) expect(map).toContain(label)
  })
})
