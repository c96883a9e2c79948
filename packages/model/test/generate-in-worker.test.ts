import { generateMaze, solve } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { GenerationError } from '../src/errors.ts'
import { generateInWorker, generateInWorkerOrInline, INLINE_MAX_CELLS } from '../src/generate-in-worker.ts'

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

describe('generateInWorkerOrInline', () => {
  test('a maze of at most INLINE_MAX_CELLS cells is generated on this thread, later: the same maze and length', async () => {
    const options = { width: 80, height: 20, seed: 1 }
    expect(options.width * options.height).toBeLessThanOrEqual(INLINE_MAX_CELLS)
    let settled = false
    const pending = generateInWorkerOrInline(options).then((generated) => {
      settled = true
      return generated
    })
    // Not in the caller's stack: the caller sets up its listeners first.
    expect(settled).toBe(false)
    const { maze, optimalSteps, generationMs } = await pending
    const local = generateMaze(options)
    expect(maze.toData()).toEqual(local.toData())
    expect(optimalSteps).toBe(solve(local).optimalSteps)
    expect(generationMs).toBeGreaterThanOrEqual(0)
  })

  test('a bigger maze is generated in a worker: the same maze and length', async () => {
    const options = { width: 200, height: 101, seed: 5 }
    expect(options.width * options.height).toBeGreaterThan(INLINE_MAX_CELLS)
    const { maze, optimalSteps } = await generateInWorkerOrInline(options)
    const local = generateMaze(options)
    expect(maze.toData()).toEqual(local.toData())
    expect(optimalSteps).toBe(solve(local).optimalSteps)
  })

  test('an inline failure rejects with MAZE_ERR_GENERATION and the cause, as the worker does', async () => {
    const failure = generateInWorkerOrInline({ width: 0, height: 10, seed: 1 })
    await expect(failure).rejects.toBeInstanceOf(GenerationError)
    await expect(failure).rejects.toMatchObject({
      code: 'MAZE_ERR_GENERATION',
      message: expect.stringMatching(/0x10 maze/),
      cause: { message: expect.stringMatching(/width must be an integer/) },
    })
  })

  test('an aborted signal rejects, inline too', async () => {
    const aborter = new AbortController()
    aborter.abort(new Error('stop'))
    await expect(generateInWorkerOrInline({ width: 3, height: 3, seed: 1 }, aborter.signal)).rejects.toMatchObject({
      code: 'MAZE_ERR_GENERATION',
      message: expect.stringMatching(/aborted/),
    })
  })
})
