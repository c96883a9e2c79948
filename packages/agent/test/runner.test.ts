import { generateMaze, Maze, type Direction, type Point } from '@maze-sim/maze'
import { describe, expect, test, vi } from 'vitest'
import { AgentErrorCode } from '../src/errors.ts'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { AGENT_RESULT_ERROR_KEYS, AGENT_RESULT_KEYS, AGENT_RESULT_SCHEMA } from '../src/result.ts'
import { defaultMaxSteps, runAgent } from '../src/runner.ts'
import { randomDfs } from '../src/strategies/random-dfs.ts'
import type { Observation, Strategy } from '../src/strategy.ts'

const UP = 0
const RIGHT = 1
const LEFT = 3

/** A 4x1 corridor: up and down walls everywhere, the outer openings at the start and the exit. */
function corridor(start: Point, key: Point, exit: Point): Maze {
  return new Maze({ width: 4, height: 1, seed: 99, start, exit, key, walls: new Uint8Array([5, 5, 5, 5]) })
}

/** A strategy that plays a fixed list of moves, then gives up; it records what it observed. */
function scripted(moves: Array<Direction | number | null>, seen: Observation[] = []): Strategy {
  return {
    name: 'scripted',
    description: 'plays a fixed list of moves',
    create: () => {
      let i = 0
      return {
        next: (o) => {
          seen.push(o)
          return (i < moves.length ? moves[i++] : null) as Direction | null
        },
      }
    },
  }
}

describe('runAgent', () => {
  test('counts every step, backtracking included, and records keyStep', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const seen: Observation[] = []
    const { result, outcome } = await runAgent({
      transport: createInProcessTransport(maze),
      strategy: scripted([RIGHT, LEFT, RIGHT, RIGHT, RIGHT], seen),
    })
    expect(outcome).toBe('solved')
    expect(result.steps).toBe(5)
    expect(result.keyStep).toBe(4)
    expect(seen.map((o) => o.steps)).toEqual([0, 1, 2, 3, 4])
    expect(seen.map((o) => o.hasKey)).toEqual([false, false, false, false, true])
    expect(seen[0]!.open).toEqual([false, true, false, true])
  })

  test('walks over the exit without the key, and stops on it with the key', async () => {
    const maze = corridor({ x: 1, y: 0 }, { x: 3, y: 0 }, { x: 0, y: 0 })
    const { result, outcome } = await runAgent({
      transport: createInProcessTransport(maze),
      strategy: scripted([LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT, LEFT]),
    })
    expect(outcome).toBe('solved')
    expect(result.steps).toBe(7)
    expect(result.keyStep).toBe(4)
  })

  test('senses once per arrival and posts each visited cell once, in first-visit order', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const transport = createInProcessTransport(maze)
    const sense = vi.spyOn(transport, 'sense')
    const submitMap = vi.spyOn(transport, 'submitMap')
    const { result, map } = await runAgent({ transport, strategy: scripted([RIGHT, LEFT, RIGHT, RIGHT, RIGHT]) })
    expect(sense).toHaveBeenCalledTimes(result.steps + 1)
    expect(submitMap).toHaveBeenCalledWith([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ])
    // size, start, meta, 6 senses, the map
    expect(result.requests).toBe(3 + 6 + 1)
    expect(map).toBe('+-+-+-+-+\n S * K E \n+-+-+-+-+\n')
  })

  test('stops at the step limit, not solved', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const { result, outcome } = await runAgent({
      transport: createInProcessTransport(maze),
      strategy: scripted([RIGHT, LEFT, RIGHT, RIGHT, RIGHT]),
      maxSteps: 2,
    })
    expect(outcome).toBe('step-limit')
    expect(result).toMatchObject({ solved: false, steps: 2, keyStep: null })
  })

  test('stops when the explorer gives up (returns null), not solved', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const { result, outcome } = await runAgent({ transport: createInProcessTransport(maze), strategy: scripted([RIGHT]) })
    expect(outcome).toBe('gave-up')
    expect(result).toMatchObject({ solved: false, steps: 1 })
  })
})

describe('runAgent: illegal moves and failing explorers', () => {
  test('a move through a wall throws AGENT_ERR_ILLEGAL_MOVE naming the strategy, cell and direction', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const run = runAgent({ transport: createInProcessTransport(maze), strategy: scripted([RIGHT, UP]) })
    await expect(run).rejects.toMatchObject({ code: AgentErrorCode.IllegalMove })
    await expect(run).rejects.toThrow(/scripted moved up from \(1, 0\) through a wall/)
  })

  test('a move out of the grid through the start opening throws AGENT_ERR_ILLEGAL_MOVE', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const run = runAgent({ transport: createInProcessTransport(maze), strategy: scripted([LEFT]) })
    await expect(run).rejects.toMatchObject({
      code: AgentErrorCode.IllegalMove,
      message: expect.stringMatching(/left from \(0, 0\) out of the 4x1 grid/),
    })
  })

  test('a value that is not a direction throws AGENT_ERR_ILLEGAL_MOVE', async () => {
    const maze = corridor({ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 })
    const run = runAgent({ transport: createInProcessTransport(maze), strategy: scripted([7]) })
    await expect(run).rejects.toMatchObject({ code: AgentErrorCode.IllegalMove })
  })

  test('an explorer that throws fails with AGENT_ERR_STRATEGY_FAILED and the cause', async () => {
    const boom = new Error('boom')
    const strategy: Strategy = {
      name: 'thrower',
      description: '',
      create: () => ({
        next: () => {
          throw boom
        },
      }),
    }
    const run = runAgent({ transport: createInProcessTransport({ width: 5, height: 5, seed: 1 }), strategy })
    await expect(run).rejects.toMatchObject({ code: AgentErrorCode.StrategyFailed, cause: boom })
  })
})

describe('runAgent: the result, seeds, step limit and abort', () => {
  test('result JSON has exactly the schema keys, in order, with the schema types', async () => {
    const { result } = await runAgent({ transport: createInProcessTransport({ width: 9, height: 6, seed: 3 }), strategy: randomDfs })
    const parsed = JSON.parse(JSON.stringify(result)) as Record<string, unknown>
    expect(Object.keys(parsed)).toEqual([...AGENT_RESULT_KEYS])
    expect(AGENT_RESULT_SCHEMA.required).toEqual([...AGENT_RESULT_KEYS])
    expect(Object.keys(AGENT_RESULT_SCHEMA.properties)).toEqual([...AGENT_RESULT_KEYS, ...AGENT_RESULT_ERROR_KEYS])
    for (const key of AGENT_RESULT_KEYS) {
      const types = [AGENT_RESULT_SCHEMA.properties[key].type].flat() as string[]
      const value = parsed[key]
      const type = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value
      expect(types, key).toContain(type)
    }
  })

  test('seed and optimalSteps come from the meta extension, null without it', async () => {
    const maze = generateMaze({ width: 10, height: 8, seed: 5 })
    const withMeta = await runAgent({ transport: createInProcessTransport(maze), strategy: randomDfs })
    expect(withMeta.result.seed).toBe(5)
    expect(withMeta.result.optimalSteps).toBeGreaterThan(0)
    const without = await runAgent({ transport: createInProcessTransport(maze, { meta: false }), strategy: randomDfs, seed: 1 })
    expect(without.result.seed).toBeNull()
    expect(without.result.optimalSteps).toBeNull()
  })

  test('the explorer RNG is seeded from the given seed, else the maze seed', async () => {
    const maze = generateMaze({ width: 20, height: 20, seed: 11 })
    const starts: number[] = []
    const run = (seed?: number) =>
      runAgent({
        transport: createInProcessTransport(maze),
        strategy: randomDfs,
        seed: seed ?? null,
        onStart: (i) => starts.push(i.rngSeed),
      })
    const a = await run(123)
    const b = await run(123)
    const c = await run()
    expect(a.result.steps).toBe(b.result.steps)
    expect(starts).toEqual([123, 123, 11])
    expect(c.result.solved).toBe(true)
  })

  test('default step limit is 20 x area + 1000', () => {
    expect(defaultMaxSteps(10, 5)).toBe(2000)
  })

  test('an aborted signal stops the run with AGENT_ERR_ABORTED', async () => {
    const controller = new AbortController()
    let n = 0
    const run = runAgent({
      transport: createInProcessTransport({ width: 30, height: 30, seed: 2 }),
      strategy: randomDfs,
      signal: controller.signal,
      onStep: () => {
        if (++n === 10) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: AgentErrorCode.Aborted })
    expect(n).toBe(10)
  })
})
