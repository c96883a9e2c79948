import { generateMaze, solve } from '@maze-sim/maze'
import { afterEach, describe, expect, test } from 'vitest'
import { GenerationPool } from '../src/generation-pool.ts'

describe('GenerationPool', () => {
  let pool: GenerationPool | undefined
  afterEach(async () => {
    await pool?.close()
  })

  test('generates the same maze as the domain, many times over in workers that stay up', async () => {
    pool = new GenerationPool(2)
    const seeds = Array.from({ length: 20 }, (_, k) => k + 1)
    const generated = await Promise.all(seeds.map((seed) => pool!.generate({ width: 30, height: 12, seed })))
    for (const [k, { maze, optimalSteps }] of generated.entries()) {
      const expected = generateMaze({ width: 30, height: 12, seed: seeds[k]! })
      expect(maze.walls).toEqual(expected.walls)
      expect([maze.start, maze.key, maze.exit]).toEqual([expected.start, expected.key, expected.exit])
      expect(optimalSteps).toBe(solve(expected).optimalSteps)
    }
  })

  test('an aborted generation is rejected and the pool goes on with a fresh worker', async () => {
    pool = new GenerationPool(1)
    const aborter = new AbortController()
    const big = pool.generate({ width: 3000, height: 3000, seed: 1 }, aborter.signal)
    const next = pool.generate({ width: 10, height: 10, seed: 2 })
    aborter.abort(new Error('stop'))
    await expect(big).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION' })
    expect((await next).maze.walls).toEqual(generateMaze({ width: 10, height: 10, seed: 2 }).walls)
  })

  test('a bad size fails that generation only', async () => {
    pool = new GenerationPool(1)
    await expect(pool.generate({ width: 1, height: 1, seed: 1 })).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION' })
    expect((await pool.generate({ width: 5, height: 5, seed: 3 })).maze.width).toBe(5)
  })

  test('after close, generations are refused', async () => {
    pool = new GenerationPool(1)
    await pool.generate({ width: 5, height: 5, seed: 3 })
    await pool.close()
    await expect(pool.generate({ width: 5, height: 5, seed: 3 })).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION' })
  })
})
