import { generateMaze } from '@maze-sim/maze'
import { expect, test } from 'vitest'
import { startModel } from '../src/start.ts'

test('startModel: GET /maze/size answers 503 while a 2000x2000 maze generates in a worker, then 200; close() stops it', async () => {
  const model = await startModel({ port: 0, width: 2000, height: 2000, seed: 5 })
  try {
    expect(model.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const first = await fetch(`${model.url}/maze/size`)
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('1')
    expect(await first.json()).toMatchObject({ error: 'MAZE_ERR_NOT_READY' })
    expect((await fetch(`${model.url}/health/live`)).status).toBe(200)
    expect((await fetch(`${model.url}/health/ready`)).status).toBe(503)

    // The event loop stays free while the worker generates: the model keeps answering, 200 on
    // liveness and 503 on /maze/*, until the maze is served, then 200 (and never back to 503).
    let ready = false
    void model.ready.then(() => {
      ready = true
    })
    const statuses: number[] = [first.status]
    while (!ready) {
      const [live, size] = await Promise.all([fetch(`${model.url}/health/live`), fetch(`${model.url}/maze/size`)])
      await Promise.all([live.arrayBuffer(), size.arrayBuffer()])
      expect(live.status).toBe(200)
      statuses.push(size.status)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const served = statuses.indexOf(200)
    const generating = served === -1 ? statuses : statuses.slice(0, served)
    expect(new Set(generating)).toEqual(new Set([503]))
    if (served !== -1) expect(new Set(statuses.slice(served))).toEqual(new Set([200]))

    const size = await fetch(`${model.url}/maze/size`)
    expect(size.status).toBe(200)
    expect(await size.json()).toEqual({ width: 2000, height: 2000 })
    expect((await fetch(`${model.url}/health/ready`)).status).toBe(200)
    const expected = generateMaze({ width: 2000, height: 2000, seed: 5 })
    const cell = await fetch(`${model.url}/maze/pos/${expected.key.y}/${expected.key.x}`)
    expect(await cell.json()).toEqual(expected.cell(expected.key.x, expected.key.y))
  } finally {
    await model.close()
  }
  await expect(fetch(`${model.url}/health/live`)).rejects.toThrow()
  // close() is idempotent.
  await model.close()
}, 60_000)

test('startModel: close() during generation stops the worker; ready rejects', async () => {
  const model = await startModel({ port: 0, width: 3000, height: 3000, seed: 1 })
  await model.close()
  await expect(model.ready).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION' })
}, 30_000)

test('startModel: a failed generation rejects ready', async () => {
  const model = await startModel({ port: 0, width: 0, height: 5, seed: 1 })
  try {
    await expect(model.ready).rejects.toMatchObject({ code: 'MAZE_ERR_GENERATION' })
  } finally {
    await model.close()
  }
})

test('startModel: an episode of the classic seed and size plays the classic maze, without a second generation', async () => {
  const model = await startModel({ port: 0, width: 30, height: 12, seed: 77, episodes: { writeResult: () => {} } })
  try {
    await model.ready
    const created = await fetch(`${model.url}/episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 77, width: 30, height: 12 }),
    })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { observation: { x: number; y: number } }
    const maze = generateMaze({ width: 30, height: 12, seed: 77 })
    expect({ x: body.observation.x, y: body.observation.y }).toEqual(maze.start)
    expect(model.episodes.cache.stats().generated).toBe(0)
  } finally {
    await model.close()
  }
})
