import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const modelEntry = join(repoRoot, 'packages/model/src/server.ts')
export const agentEntry = join(repoRoot, 'packages/agent/src/main.ts')
export const simEntry = join(repoRoot, 'packages/sim/src/main.ts')
/** The OpenTelemetry preloads (`node --import <instrument> <entry>`), as the images run them. */
export const modelInstrument = join(repoRoot, 'packages/model/src/instrument.ts')
export const agentInstrument = join(repoRoot, 'packages/agent/src/instrument.ts')

/** A child process whose output is collected, killed when the test ends. */
export interface Running {
  readonly child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>
  stop(signal?: NodeJS.Signals): Promise<number | string>
  /** `await using`: kills the process (SIGKILL) if it still runs when the scope ends, e.g. after a failed wait. */
  [Symbol.asyncDispose](): Promise<void>
}

export function start(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Running {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop,
    async [Symbol.asyncDispose]() {
      await stop('SIGKILL')
    },
  }
}

/** Starts a TypeScript entry point with the Node that runs the tests (the project's Node 24). */
export const startNode = (entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Running =>
  start(process.execPath, [entry, ...args], { env })

/** Starts a TypeScript entry point with a module preloaded (`node --import`), as the images do. */
export const startNodeWithPreload = (preload: string, entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Running =>
  start(process.execPath, ['--import', pathToFileURL(preload).href, entry, ...args], { env })

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Polls `url` until it answers with `status` (default 200), within `timeoutMs`. */
export async function waitForHttp(url: string, { timeoutMs = 30_000, status = 200 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === status) return
      last = `status ${res.status}`
    } catch (error) {
      last = String((error as Error).cause ?? error)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`)
}

/**
 * The Debian Python 3 with the given modules importable, for the interoperability tests.
 * In CI (CI=true) a missing interpreter or module fails the suite; on a laptop it is reported and
 * the caller skips.
 */
export function findPython(modules: string[]): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' })
    if (probe.status === 0) return python
  }
  const message = `Python 3 with ${modules.join(', ')} is not installed (Debian: apt-get install python3-flask python3-requests)`
  if (process.env.CI === 'true') throw new Error(`${message}: required in CI`)
  console.warn(`\n!!! SKIPPING interoperability tests with the original Python code: ${message}\n`)
  return undefined
}
