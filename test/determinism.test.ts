// Same MAZE_SEED and size → byte-identical map, from separate model processes.
import { createHash } from 'node:crypto'
import { afterEach, expect, test } from 'vitest'
import { freePort, modelEntry, startNode, waitForHttp, type Running } from './support/processes.ts'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')))
})

async function mapFromNewProcess(env: Record<string, string>): Promise<string> {
  const port = await freePort()
  const model = startNode(modelEntry, [], { ...env, PORT: String(port), HOST: '127.0.0.1' })
  running.push(model)
  const base = `http://127.0.0.1:${port}`
  await waitForHttp(`${base}/health/ready`)
  const map = await (await fetch(`${base}/maze/map`)).text()
  await model.stop()
  return createHash('sha256').update(map).digest('hex')
}

test('same MAZE_SEED and size give a byte-identical map in separate processes', async () => {
  const env = { MAZE_SEED: '123456789', MAZE_WIDTH: '61', MAZE_HEIGHT: '17' }
  const [a, b] = await Promise.all([mapFromNewProcess(env), mapFromNewProcess(env)])
  expect(a).toBe(b)
  const other = await mapFromNewProcess({ ...env, MAZE_SEED: '123456790' })
  expect(other).not.toBe(a)
})
