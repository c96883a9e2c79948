// Fills Node's module compile cache for one program's start-up, for an image to ship it: a container
// starts with an empty cache otherwise, and its first start strips the TypeScript and compiles the
// JavaScript of every module again (the "cold" start of packages/telemetry/README.md, "Cost").
//
//   NODE_COMPILE_CACHE=<dir> node scripts/warm-compile-cache.mjs model|agent
//
// Starts the program as its image does (node --import ./packages/<program>/src/instrument.ts ...,
// from the repository root), with telemetry on and sent to a local sink of this script's: the model
// until it is ready, then GET /openapi.json; the agent until its first request, at a stub that
// answers 503 + Retry-After. Then SIGTERM: the program stops cleanly (the flush at exit loads the
// OTLP exporter) and Node writes the cache. Node keeps a cache per user (its directory's name ends
// with the uid): run this as the user the image runs the program as. The cache is only ever a
// shortcut: a program finds its files' current contents checked against it, and a read-only cache
// is read, not written. Dependency-free and Node 20 compatible, like launch.mjs.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'

const PROGRAMS = {
  model: ['--import', './packages/model/src/instrument.ts', 'packages/model/src/server.ts'],
  agent: ['--import', './packages/agent/src/instrument.ts', 'packages/agent/src/main.ts'],
}
/** The longest this script waits for a program to come up or to stop. */
const TIMEOUT_MS = 60_000

const program = process.argv[2]
if (!Object.hasOwn(PROGRAMS, program ?? '') || process.env.NODE_COMPILE_CACHE === undefined) {
  process.stderr.write('usage: NODE_COMPILE_CACHE=<dir> node scripts/warm-compile-cache.mjs model|agent\n')
  process.exit(2)
}

/** A server on a free port of 127.0.0.1; resolves with it and its base URL. */
async function listen(handler) {
  const server = createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, url: `http://127.0.0.1:${server.address().port}` }
}

/** A free port of 127.0.0.1 (the model's). */
async function freePort() {
  const { server } = await listen(() => {})
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Resolves once `check` does, polling every 20 ms; rejects after TIMEOUT_MS or when `child` has exited. */
async function until(what, child, check) {
  const deadline = Date.now() + TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${program} exited (${child.exitCode ?? child.signalCode}) before ${what}`)
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${program}: no ${what} within ${TIMEOUT_MS} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// The OTLP sink: 200 to every export, so the programs load and use their exporters at the flush.
const sink = await listen((request, response) => {
  request.resume()
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end())
})
let firstRequest = false
const stub = await listen((_request, response) => {
  firstRequest = true
  response
    .writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' })
    .end('{"error":"MAZE_ERR_NOT_READY","message":"warming up"}')
})

const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, LOG_LEVEL: 'warn' }
let child
try {
  if (program === 'model') {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    child = spawn(process.execPath, PROGRAMS.model, {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', MAZE_WIDTH: '80', MAZE_HEIGHT: '20', MAZE_SEED: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    await until('ready', child, async () => (await fetch(`${url}/health/ready`)).status === 200)
    await until('its OpenAPI document', child, async () => (await fetch(`${url}/openapi.json`)).status === 200)
  } else {
    child = spawn(process.execPath, PROGRAMS.agent, {
      env: { ...env, MAZE_URL: stub.url, AGENT_STRATEGY: 'astar' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    await until('its first request', child, async () => firstRequest)
  }
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
  await exited
  clearTimeout(timer)
  process.stderr.write(`warm-compile-cache: ${program}'s start-up is in ${process.env.NODE_COMPILE_CACHE}\n`)
} catch (error) {
  child?.kill('SIGKILL')
  process.stderr.write(`warm-compile-cache: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  stub.server.closeAllConnections?.()
  stub.server.close()
  sink.server.close()
}
