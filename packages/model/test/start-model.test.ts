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

    // The event loop stays free while the worker generates: liveness answers quickly all along.
    let slowest = 0
    let ready = false
    void model.ready.then(() => {
      ready = true
    })
    while (!ready) {
      const started = performance.now()
      await fetch(`${model.url}/health/live`).then((r) => r.arrayBuffer())
      slowest = Math.max(slowest, performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(slowest).toBeLessThan(500)

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
