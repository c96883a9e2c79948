// The model image on its own: 503 + Retry-After while a big maze is generated, then ready; the
// routes; Docker's health status; a clean stop.
import { getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeWithDocker, images, QUIET_TELEMETRY, testContainer } from './support.ts'

describeWithDocker('the model image', () => {
  test('answers 503 with Retry-After while a 4000 x 4000 maze is generated, then becomes ready', async () => {
    await using model = await testContainer(images().model)
      .withEnvironment({ ...QUIET_TELEMETRY, MAZE_WIDTH: '4000', MAZE_HEIGHT: '4000', MAZE_SEED: '11' })
      .withExposedPorts(5555)
      // The server listens first and logs this as the worker starts generating.
      .withWaitStrategy(Wait.forLogMessage(/"generating maze"/))
      .start()
    const url = `http://${model.getHost()}:${model.getMappedPort(5555)}`

    const early = await fetch(`${url}/maze/size`)
    expect(early.status).toBe(503)
    expect(early.headers.get('retry-after')).toBe('1')
    expect(await early.json()).toMatchObject({ error: 'MAZE_ERR_NOT_READY' })
    expect((await fetch(`${url}/health/live`)).status).toBe(200)
    expect((await fetch(`${url}/health/ready`)).status).toBe(503)

    const deadline = Date.now() + 60_000
    while ((await fetch(`${url}/health/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the 4000 x 4000 maze was not ready within 60 s')
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await (await fetch(`${url}/maze/size`)).json()).toEqual({ width: 4000, height: 4000 })
  })

  describe('a small seeded maze', () => {
    let model: StartedTestContainer
    let url: string
    beforeAll(async () => {
      model = await testContainer(images().model)
        .withEnvironment({ ...QUIET_TELEMETRY, MAZE_WIDTH: '30', MAZE_HEIGHT: '8', MAZE_SEED: '3' })
        .withExposedPorts(5555)
        .withWaitStrategy(Wait.forHttp('/health/ready', 5555).forStatusCode(200))
        .start()
      url = `http://${model.getHost()}:${model.getMappedPort(5555)}`
    })
    afterAll(async () => {
      await model?.stop()
    })

    test('GET /maze/size, /maze/start, /maze/pos/:y/:x, /maze/meta', async () => {
      expect(await (await fetch(`${url}/maze/size`)).json()).toEqual({ width: 30, height: 8 })
      const start = (await (await fetch(`${url}/maze/start`)).json()) as { x: number; y: number }
      const here = await (await fetch(`${url}/maze/pos/${start.y}/${start.x}`)).json()
      expect(here).toMatchObject({ here: 'S' })
      expect(await (await fetch(`${url}/maze/meta`)).json()).toMatchObject({ width: 30, height: 8, seed: 3 })
      const bad = await fetch(`${url}/maze/pos/99/0`)
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ error: 'MAZE_ERR_OUT_OF_BOUNDS' })
    })

    test('GET / (the live view page), GET and POST /maze/map, GET /openapi.json', async () => {
      const page = await fetch(`${url}/`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await (await fetch(`${url}/maze/map`)).text()
      expect(html.startsWith('<pre>')).toBe(true)
      const start = (await (await fetch(`${url}/maze/start`)).json()) as { x: number; y: number }
      const posted = await fetch(`${url}/maze/map`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([[start.x, start.y]]),
      })
      expect(posted.status).toBe(200)
      expect((await posted.text()).split('\n').filter((l) => l.length === 61)).toHaveLength(17)
      expect(((await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }).openapi).toMatch(/^3\./)
    })

    test('Docker reports it healthy once ready (HEALTHCHECK)', async () => {
      const client = await getContainerRuntimeClient()
      const handle = client.container.getById(model.getId())
      const deadline = Date.now() + 30_000
      let status = ''
      while (Date.now() < deadline) {
        status = (await handle.inspect()).State.Health?.Status ?? 'none'
        if (status === 'healthy') break
        await new Promise((r) => setTimeout(r, 500))
      }
      expect(status).toBe('healthy')
    })

    test('SIGTERM (docker stop) stops it cleanly, exit code 0', async () => {
      const client = await getContainerRuntimeClient()
      const handle = client.container.getById(model.getId())
      await handle.stop({ t: 10 })
      expect((await handle.inspect()).State.ExitCode).toBe(0)
    })
  })
})
