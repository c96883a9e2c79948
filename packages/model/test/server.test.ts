import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { generateMaze, renderMap } from '@maze-sim/maze'
import { afterEach, describe, expect, test } from 'vitest'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

interface Spawned {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
}

const spawned: ChildProcess[] = []
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Starts `node src/server.ts` under this Node (24) with only the given environment. */
function startServer(env: Record<string, string>, args: string[] = []): Spawned {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  spawned.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exit = once(child, 'close').then(([code]) => code as number | null)
  return { child, stdout: () => out, stderr: () => err, exit }
}

/** JSON log lines printed so far. */
function logLines(server: Spawned): Record<string, unknown>[] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('node src/server.ts', () => {
  test('GET /health/ready turns 200; SIGTERM with a request in flight finishes it and exits 0', async () => {
    const server = startServer({
      PORT: '0',
      HOST: '127.0.0.1',
      MAZE_WIDTH: '300',
      MAZE_HEIGHT: '200',
      MAZE_SEED: '77',
      SHUTDOWN_TIMEOUT_MS: '20000',
      // The request log tells when the POST below is in the model's hands.
      LOG_REQUESTS: 'true',
    })
    const url = await waitFor('the listening log line', () => {
      const line = logLines(server).find((l) => l.msg === 'generating maze')
      return line === undefined ? undefined : String(line.url)
    })
    const start = logLines(server).find((l) => l.msg === 'generating maze')!
    expect(start).toMatchObject({ width: 300, height: 200, seed: 77, seedWasRandom: false })
    await waitFor('readiness', async () => ((await fetch(`${url}/health/ready`)).status === 200 ? true : undefined))
    const readyLine = await waitFor('the ready log line', () => logLines(server).find((l) => l.msg === 'maze ready'))
    expect(readyLine).toMatchObject({ seed: 77, optimalSteps: expect.any(Number), generationMs: expect.any(Number) })

    // A POST /maze/map whose body is only half sent when SIGTERM arrives, on a keep-alive connection.
    const agent = new http.Agent({ keepAlive: true })
    const request = http.request(`${url}/maze/map`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    })
    const response = once(request, 'response').then(async ([res]) => {
      const r = res as http.IncomingMessage
      let body = ''
      r.setEncoding('utf8')
      for await (const chunk of r) body += chunk
      return { status: r.statusCode, body }
    })
    request.write('[[0, 0], ')
    await waitFor('the model to log the POST', () =>
      logLines(server).some((l) => l.msg === 'incoming request' && JSON.stringify(l).includes('/maze/map')) ? true : undefined,
    )
    server.child.kill('SIGTERM')
    await waitFor('the shutdown log line', () =>
      logLines(server).some((l) => l.msg === 'shutting down: finishing in-flight requests') ? true : undefined,
    )
    expect(server.child.exitCode).toBe(null)
    request.end('[1, 0]]')

    const answer = await response
    expect(answer.status).toBe(200)
    const maze = generateMaze({ width: 300, height: 200, seed: 77 })
    expect(answer.body).toBe(
      renderMap(maze, [
        [0, 0],
        [1, 0],
      ]),
    )
    expect(await server.exit).toBe(0)
    // The close was graceful: the keep-alive connection did not hold the process until the shutdown
    // timeout, when closeWithin would have cut it and said so.
    const lines = logLines(server)
    expect(lines.some((l) => String(l.msg).startsWith('in-flight requests did not finish in time'))).toBe(false)
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true)
    agent.destroy()
  }, 60_000)

  test('SIGINT while the maze is still generating exits 0', async () => {
    const server = startServer({ PORT: '0', HOST: '127.0.0.1', MAZE_WIDTH: '4000', MAZE_HEIGHT: '4000' })
    const url = await waitFor(
      'the listening log line',
      () => logLines(server).find((l) => l.msg === 'generating maze')?.url as string | undefined,
    )
    expect(logLines(server).find((l) => l.msg === 'generating maze')).toMatchObject({ seedWasRandom: true, seed: expect.any(Number) })
    const response = await fetch(`${url}/maze/start`)
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    server.child.kill('SIGINT')
    expect(await server.exit).toBe(0)
  }, 60_000)

  test('its stdout reader gone (a parent killed, `| head`): SIGTERM still stops it, exit 0', async () => {
    const server = startServer({ PORT: '0', HOST: '127.0.0.1', MAZE_WIDTH: '30', MAZE_HEIGHT: '10', MAZE_SEED: '3' })
    const url = await waitFor(
      'the listening log line',
      () => logLines(server).find((l) => l.msg === 'generating maze')?.url as string | undefined,
    )
    await waitFor('ready', async () => ((await fetch(`${url}/health/ready`)).status === 200 ? true : undefined))
    // Closes this end of the stdout pipe: the model's next writes there fail with EPIPE.
    server.child.stdout!.destroy()
    // Its first write there after this (the shutdown's log line) fails with EPIPE.
    server.child.kill('SIGTERM')
    expect(await server.exit).toBe(0)
  }, 60_000)

  test('a bad environment variable exits 2 with a message naming it, without a stack trace', async () => {
    const server = startServer({ MAZE_WIDTH: 'wide', MAZE_SEED: '-3' })
    expect(await server.exit).toBe(2)
    expect(server.stderr()).toContain('MAZE_WIDTH="wide"')
    expect(server.stderr()).toContain('MAZE_SEED="-3"')
    expect(server.stderr()).toContain('MAZE_ERR_CONFIG')
    expect(server.stderr()).not.toMatch(/\n\s+at /)
  }, 30_000)

  test('--help prints every variable and exits 0', async () => {
    const server = startServer({}, ['--help'])
    expect(await server.exit).toBe(0)
    for (const name of ['PORT', 'HOST', 'MAZE_WIDTH', 'MAZE_HEIGHT', 'MAZE_SEED', 'LOG_LEVEL']) expect(server.stdout()).toContain(name)
  }, 30_000)
})
