import { generateMaze, solve } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { GenerationError } from '../src/errors.ts'
import { generateInWorker } from '../src/generate-in-worker.ts'

describe('generateInWorker', () => {
  test('gives the same maze as generating in-thread, with its optimal path length', async () => {
    const options = { width: 60, height: 30, seed: 99 }
    const { maze, optimalSteps, generationMs } = await generateInWorker(options)
    const local = generateMaze(options)
    expect(maze.toData()).toEqual(local.toData())
    expect(optimalSteps).toBe(solve(local).optimalSteps)
    expect(generationMs).toBeGreaterThanOrEqual(0)
  })

  test('a failure in the worker rejects with MAZE_ERR_GENERATION and the cause', async () => {
    const failure = generateInWorker({ width: 0, height: 10, seed: 1 })
    await expect(failure).rejects.toBeInstanceOf(GenerationError)
    await expect(failure).rejects.toMatchObject({
      code: 'MAZE_ERR_GENERATION',
      message: expect.stringMatching(/0x10 maze/),
      cause: { message: expect.stringMatching(/width must be an integer/) },
    })
  })

  test('aborting terminates the worker and rejects', async () => {
    const aborter = new AbortController()
    const pending = generateInWorker({ width: 3000, height: 3000, seed: 1 }, aborter.signal)
    aborter.abort(new Error('stop'))
    await expect(pending).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION', message: expect.stringMatching(/aborted/) })
    const already = generateInWorker({ width: 3, height: 3, seed: 1 }, aborter.signal)
    await expect(already).rejects.toBeInstanceOf(GenerationError)
  })
})
