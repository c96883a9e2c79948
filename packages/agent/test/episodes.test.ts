// The runner on the /episodes routes, in process (the domain's Episode referees, as the model does):
// the same walks as on the classic routes, known paths sent in batches, a contradicting model caught,
// episodes abandoned when a run fails, gives up or is aborted. Over HTTP: test/agent-episodes.
import { generateMaze, type Direction } from '@maze-sim/maze'
import { describe, expect, test, vi } from 'vitest'
import { episodeRequest } from '../src/episode-walk.ts'
import { agentLabel } from '../src/referee.ts'
import { AgentErrorCode } from '../src/errors.ts'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { strategies } from '../src/registry.ts'
import { exitCodeOfEpisodes, runEpisodes, seedRange } from '../src/run-episodes.ts'
import { runAgent, type StepEvent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import type { Strategy } from '../src/strategy.ts'
import type { EpisodeMoves, EpisodeRoutes, MazeTransport } from '../src/transport.ts'

const SIZE = { width: 30, height: 12 }

/** The transport's episode routes with `change` applied to every moves answer (for contradicting models). */
function withMoves(
  transport: MazeTransport,
  change: (answer: EpisodeMoves, moves: readonly Direction[]) => EpisodeMoves,
): MazeTransport & { routes: () => Promise<EpisodeRoutes> } {
  const routes = (async () => {
    const inner = (await transport.episodes!())!
    return {
      ...inner,
      move: async (id: string, moves: readonly Direction[]) => change(await inner.move(id, moves), moves),
    } satisfies EpisodeRoutes
  })()
  return Object.assign(Object.create(null), {
    size: () => transport.size(),
    start: () => transport.start(),
    sense: (x: number, y: number) => transport.sense(x, y),
    submitMap: (moves: ReadonlyArray<readonly [number, number]>) => transport.submitMap(moves),
    meta: () => transport.meta(),
    close: () => transport.close(),
    episodes: () => routes,
    routes: () => routes,
    get requests() {
      return transport.requests
    },
  })
}

/** A strategy that plays a fixed list of moves, then gives up. */
const scripted = (moves: Direction[]): Strategy => ({
  name: 'scripted',
  description: 'plays a fixed list of moves',
  create: () => {
    let i = 0
    return { next: () => (i < moves.length ? moves[i++]! : null) }
  },
})

describe('runAgent on episodes (in process)', () => {
  for (const [name, strategy] of Object.entries(strategies)) {
    test(`${name}: the same walk, step for step, as on the classic routes, in fewer requests (30 seeds)`, async () => {
      let classicRequests = 0
      let episodeRequests = 0
      let steps = 0
      for (let seed = 1; seed <= 30; seed++) {
        const classicSteps: StepEvent[] = []
        const classic = await runAgent({
          transport: createInProcessTransport({ ...SIZE, seed }),
          strategy,
          onStep: (e) => classicSteps.push(e),
        })
        const episodeSteps: StepEvent[] = []
        const transport = createInProcessTransport({ ...SIZE, seed }, { episodes: true })
        const played = await runAgent({ transport, strategy, onStep: (e) => episodeSteps.push(e) })
        expect(played.outcome).toBe(classic.outcome)
        const { requests: a, elapsedMs: _a, ...classicResult } = classic.result
        const { requests: b, elapsedMs: _b, ...episodeResult } = played.result
        expect(episodeResult).toEqual(classicResult)
        expect(episodeSteps).toEqual(classicSteps)
        // The episode is the model's own maze (its meta's seed and size): the map is drawn, the same.
        expect(played.map).toBe(classic.map)
        classicRequests += a
        episodeRequests += b
        steps += classic.result.steps
      }
      expect(episodeRequests).toBeLessThan(classicRequests)
      console.log(
        `${name}: ${steps} steps, ${(classicRequests / steps).toFixed(3)} requests/step classic, ${(episodeRequests / steps).toFixed(3)} on episodes`,
      )
    })
  }

  test('a batch never holds more than maxBatch moves, and ends with the move into a new cell', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 7 }, { episodes: true })
    const routes = (await transport.episodes!())!
    const move = vi.spyOn(routes, 'move')
    const run = await runAgent({ transport, strategy: randomDfs, maxBatch: 3, seed: 7 })
    expect(run.outcome).toBe('solved')
    const sizes = move.mock.calls.map(([, moves]) => moves.length)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(run.result.steps)
    expect(sizes.some((n) => n > 1)).toBe(true)
  })

  test('the result carries the referee’s figures; sealed: seed and optimalSteps from the record after the end', async () => {
    const maze = generateMaze({ ...SIZE, seed: 12 })
    const open = await runAgent({ transport: createInProcessTransport(maze, { episodes: true }), strategy: strategies.astar })
    const sealed = await runAgent({
      transport: createInProcessTransport(maze, { episodes: true, sealed: true }),
      strategy: strategies.astar,
      seed: 12,
    })
    expect(open.result).toMatchObject({ seed: 12, solved: true })
    expect(sealed.result).toMatchObject({ seed: 12, solved: true, steps: open.result.steps, optimalSteps: open.result.optimalSteps })
  })
})

describe('runAgent on episodes (in process): a contradicting model', () => {
  test('a model that changes a known cell in a batch answer: AGENT_ERR_BAD_RESPONSE', async () => {
    let batches = 0
    const transport = withMoves(createInProcessTransport({ ...SIZE, seed: 3 }, { episodes: true }), (answer) => {
      if (answer.observations.length < 2 || batches++ < 2) return answer
      // A cell the runner has stood on (every move of a batch but the last) now says every side is a wall.
      const observations = answer.observations.map((o, i) =>
        i === 0 ? { ...o, up: 1 as const, right: 1 as const, down: 1 as const, left: 1 as const } : o,
      )
      return { ...answer, observations }
    })
    const abandon = vi.spyOn(await transport.routes(), 'abandon')
    await expect(runAgent({ transport, strategy: randomDfs, seed: 3 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('contradicts itself'),
    })
    expect(abandon).toHaveBeenCalledTimes(1)
  })

  test('a bump for a move through a side the model said was open: AGENT_ERR_BAD_RESPONSE', async () => {
    const transport = withMoves(createInProcessTransport({ ...SIZE, seed: 3 }, { episodes: true }), (answer, moves) =>
      moves.length > 1 ? { applied: 0, bumped: true, observations: [] } : answer,
    )
    await expect(runAgent({ transport, strategy: randomDfs, seed: 3 })).rejects.toMatchObject({
      code: AgentErrorCode.BadResponse,
      message: expect.stringContaining('reported a bump'),
    })
  })

  test('a model that moves the agent elsewhere: AGENT_ERR_BAD_RESPONSE', async () => {
    const transport = withMoves(createInProcessTransport({ ...SIZE, seed: 5 }, { episodes: true }), (answer) => ({
      ...answer,
      observations: answer.observations.map((o) => ({ ...o, steps: o.steps + 1 })),
    }))
    await expect(runAgent({ transport, strategy: randomDfs, seed: 5 })).rejects.toMatchObject({ code: AgentErrorCode.BadResponse })
  })
})

describe('runAgent on episodes (in process): abandoned and ended runs', () => {
  test('an aborted run abandons its episode', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 9 }, { episodes: true })
    const routes = (await transport.episodes!())!
    const abandon = vi.spyOn(routes, 'abandon')
    const create = vi.spyOn(routes, 'create')
    const stop = new AbortController()
    await expect(
      runAgent({ transport, strategy: randomDfs, signal: stop.signal, onStep: (e) => e.steps >= 20 && stop.abort() }),
    ).rejects.toMatchObject({ code: AgentErrorCode.Aborted })
    const { id } = await create.mock.results[0]!.value
    expect(abandon).toHaveBeenCalledWith(id)
  })

  test('a strategy that gives up: not solved, the referee’s steps, the episode abandoned', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 4 }, { episodes: true })
    const routes = (await transport.episodes!())!
    const abandon = vi.spyOn(routes, 'abandon')
    // Three moves back and forth along the start's open side, then give up.
    const maze = generateMaze({ ...SIZE, seed: 4 })
    const { x, y } = maze.start
    const open = ([0, 1, 2, 3] as Direction[]).find(
      (d) =>
        maze.cell(x, y)[(['up', 'right', 'down', 'left'] as const)[d]] === 0 && maze.isInside(x + [0, 1, 0, -1][d]!, y + [-1, 0, 1, 0][d]!),
    )!
    const back = ((open + 2) % 4) as Direction
    const run = await runAgent({ transport, strategy: scripted([open, back, open]) })
    expect(run).toMatchObject({ outcome: 'gave-up', result: { solved: false, steps: 3 } })
    expect(abandon).toHaveBeenCalledTimes(1)
  })

  test('the step limit: the referee ends the episode unsolved, the runner agrees', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 4 }, { episodes: true })
    const run = await runAgent({ transport, strategy: randomDfs, maxSteps: 25, seed: 4 })
    expect(run).toMatchObject({ outcome: 'step-limit', result: { solved: false, steps: 25 } })
  })
})

describe('runAgent on episodes (in process): choosing the routes', () => {
  test('protocol classic keeps the classic routes; a chosen maze of a model without episodes is AGENT_ERR_CONFIG', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 2 }, { episodes: true })
    const episodes = vi.spyOn(transport, 'episodes')
    const sense = vi.spyOn(transport, 'sense')
    await runAgent({ transport, strategy: randomDfs, protocol: 'classic' })
    expect(episodes).not.toHaveBeenCalled()
    expect(sense).toHaveBeenCalled()
    await expect(
      runAgent({ transport: createInProcessTransport({ ...SIZE, seed: 2 }), strategy: randomDfs, episode: { seed: 5 } }),
    ).rejects.toMatchObject({ code: AgentErrorCode.Config })
  })

  test('episodeRequest: the meta maze unless one is chosen; the agent label fits the contract', () => {
    const meta = { seed: 42, optimalSteps: 10, width: 80, height: 20 }
    expect(episodeRequest({}, meta, null, 'astar')).toEqual({ seed: 42, width: 80, height: 20, agent: 'maze-agent:astar' })
    expect(episodeRequest({ seed: 'random' }, meta, 500, 'astar')).toEqual({ maxSteps: 500, agent: 'maze-agent:astar' })
    expect(episodeRequest({ seed: 7 }, null, null, 'astar')).toEqual({ seed: 7, agent: 'maze-agent:astar' })
    expect(episodeRequest({}, { seed: null, optimalSteps: null }, null, 'x')).toEqual({ agent: 'maze-agent:x' })
    expect(agentLabel('my strategy (v2)')).toBe('maze-agent:my_strategy__v2_')
    expect(agentLabel('a'.repeat(100))).toHaveLength(64)
  })
})

describe('runEpisodes', () => {
  test('one result line per seed, each as a single run of that maze would give', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 1 }, { episodes: true })
    const outcomes = []
    for await (const outcome of runEpisodes({
      transport,
      strategy: strategies.astar,
      seeds: seedRange(20, 24),
      width: SIZE.width,
      height: SIZE.height,
    })) {
      outcomes.push(outcome)
    }
    expect(outcomes.map((o) => o.line.seed)).toEqual([20, 21, 22, 23, 24])
    for (const outcome of outcomes) {
      const alone = await runAgent({ transport: createInProcessTransport({ ...SIZE, seed: outcome.seed! }), strategy: strategies.astar })
      expect(outcome).toMatchObject({ exitCode: 0, line: { solved: true, steps: alone.result.steps, keyStep: alone.result.keyStep } })
    }
    expect(exitCodeOfEpisodes(outcomes.map((o) => o.exitCode))).toBe(0)
  })

  test('against a model without episodes: one failed line (AGENT_ERR_CONFIG, exit 2), then it stops', async () => {
    const outcomes = []
    for await (const outcome of runEpisodes({ transport: createInProcessTransport({ ...SIZE, seed: 1 }), strategy: randomDfs, count: 3 }))
      outcomes.push(outcome)
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toMatchObject({ exitCode: 2, line: { error: AgentErrorCode.Config, solved: false } })
  })

  test('a run not solved goes on to the next; the exit code is the worst', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 1 }, { episodes: true })
    const codes = []
    for await (const outcome of runEpisodes({ transport, strategy: randomDfs, count: 3, maxSteps: 10 })) codes.push(outcome.exitCode)
    expect(codes).toEqual([1, 1, 1])
    expect(exitCodeOfEpisodes([0, 1, 4, 3])).toBe(4)
  })

  test('several strategies: each seed played by each in turn (strategies vary fastest), each run its own strategy’s walk', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 1 }, { episodes: true })
    const planned: string[] = []
    const outcomes = []
    for await (const outcome of runEpisodes({
      transport,
      strategy: [strategies.astar, randomDfs],
      seeds: [30, 31],
      ...SIZE,
      onRun: ({ index, seed, strategy }) => planned.push(`${index}:${seed}/${strategy.name}`),
    })) {
      outcomes.push(outcome)
    }
    expect(planned).toEqual(['0:30/astar', '1:30/random-dfs', '2:31/astar', '3:31/random-dfs'])
    expect(outcomes.map((o) => `${o.index}:${o.seed}/${o.strategy}/${o.line.strategy}`)).toEqual([
      '0:30/astar/astar',
      '1:30/random-dfs/random-dfs',
      '2:31/astar/astar',
      '3:31/random-dfs/random-dfs',
    ])
    for (const outcome of outcomes) {
      const strategy = outcome.strategy === 'astar' ? strategies.astar : randomDfs
      const alone = await runAgent({ transport: createInProcessTransport({ ...SIZE, seed: outcome.seed! }), strategy })
      expect(outcome.line).toMatchObject({ solved: true, steps: alone.result.steps, keyStep: alone.result.keyStep })
    }
  })

  test('several strategies need seeds; an empty list is no strategy: AGENT_ERR_CONFIG before any run', async () => {
    const transport = createInProcessTransport({ ...SIZE, seed: 1 }, { episodes: true })
    await expect(runEpisodes({ transport, strategy: [strategies.astar, randomDfs], count: 2 }).next()).rejects.toMatchObject({
      code: AgentErrorCode.Config,
      message: expect.stringContaining('needs seeds'),
    })
    await expect(runEpisodes({ transport, strategy: [], seeds: [1] }).next()).rejects.toMatchObject({ code: AgentErrorCode.Config })
  })

  test('seedRange checks its bounds', () => {
    expect([...seedRange(3, 5)]).toEqual([3, 4, 5])
    expect(() => [...seedRange(5, 3)]).toThrow(RangeError)
  })
})
