// The programs the benchmark measures, started as users start them: `pnpm model` and `pnpm agent`
// run `node --import <the package's instrument.ts> <its main>`, so telemetry is on unless turned off
// with OTEL_SDK_DISABLED=true. "On" sends to a local OTLP/HTTP sink in a process of its own (what a
// collector costs the programs, without a collector's own CPU); "no collector" to a port nobody
// listens on. Each process gets the variables of its variant over a clean environment (no OTEL_*,
// MAZE_*, AGENT_* of the caller's).
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_SIZE } from '@maze-sim/maze'

/** How telemetry is set for a measured process. */
export type Telemetry = 'off' | 'on' | 'no collector'

/** A way to start a measured program: its telemetry, and its compile cache. */
export interface Variant {
  readonly telemetry: Telemetry
  /** An empty compile cache of its own, as a first start on a machine has (else the machine's, warm). */
  readonly cold?: boolean
}

export const OFF: Variant = { telemetry: 'off' }
export const ON: Variant = { telemetry: 'on' }
export const NO_COLLECTOR: Variant = { telemetry: 'no collector' }

export function label(v: Variant): string {
  return `telemetry ${v.telemetry}${v.cold === true ? ', cold start' : ''}`
}

const path = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier))
const MODEL = () => ['--import', path('@maze-sim/model/instrument'), path('@maze-sim/model/server')]
const AGENT = () => ['--import', path('@maze-sim/agent/instrument'), path('@maze-sim/agent/main')]

/** The OTLP endpoints of the variants: set once by {@link startSink}. */
let endpoints: { on: string; nowhere: string } | undefined
const coldCaches: string[] = []

/**
 * Starts the OTLP/HTTP sink (sink.ts) the "on" variants send to, and picks the port "no collector"
 * sends to. Returns its stop.
 */
export async function startSink(): Promise<() => Promise<void>> {
  const port = await freePort()
  // Its stdin is a pipe from here: it ends when this process does, however it ends.
  const sink = spawn(process.execPath, [path('./sink.ts'), String(port)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const [line] = (await Promise.race([once(sink.stdout!, 'data'), once(sink, 'exit')])) as [Buffer | number]
  if (!Buffer.isBuffer(line)) throw new Error('the OTLP sink did not start')
  endpoints = { on: `http://127.0.0.1:${port}`, nowhere: `http://127.0.0.1:${await freePort()}` }
  return async () => {
    await stop(sink)
    for (const dir of coldCaches.splice(0)) rmSync(dir, { recursive: true, force: true })
  }
}

/** The variables that set a variant's telemetry (OTEL_SDK_DISABLED or OTEL_EXPORTER_OTLP_ENDPOINT). */
export function telemetryEnv(v: Variant): NodeJS.ProcessEnv {
  if (v.telemetry === 'off') return { OTEL_SDK_DISABLED: 'true' }
  if (endpoints === undefined) throw new Error('startSink() first')
  return { OTEL_EXPORTER_OTLP_ENDPOINT: v.telemetry === 'on' ? endpoints.on : endpoints.nowhere }
}

function coldCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'maze-sim-bench-cache-'))
  coldCaches.push(dir)
  return dir
}

/** Where a measured process's stdout and stderr go. */
type Output = 'ignore' | 'pipe' | 'inherit'

/** This process's environment without the variables of the programs it measures (their OTEL_*, MAZE_*, ...). */
export function measuredEnv(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {}
  for (const [k, value] of Object.entries(process.env)) {
    if (!/^(OTEL_|MAZE_|AGENT_|EPISODES_|NODE_COMPILE_CACHE|NODE_OPTIONS)/.test(k)) clean[k] = value
  }
  return clean
}

function startNode(args: string[], v: Variant, env: NodeJS.ProcessEnv, stdout: Output, stderr: Output): ChildProcess {
  // Warm: the machine's cache, set from the first module as `pnpm model` / `pnpm agent` set it (the
  // images ship one, filled at build). Cold: an empty one of its own.
  const cache = { NODE_COMPILE_CACHE: v.cold === true ? coldCache() : join(tmpdir(), 'node-compile-cache') }
  return spawn(process.execPath, args, {
    env: { ...measuredEnv(), ...telemetryEnv(v), ...cache, ...env },
    stdio: ['ignore', stdout, stderr],
  })
}

export interface ModelOptions {
  readonly port: number
  readonly width?: number
  readonly height?: number
  /** More variables (EPISODES_*). */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * The model on 127.0.0.1:`port`, seed 1, DEFAULT_SIZE (80x20) unless told; its stdout (referee lines) dropped, its
 * stderr (warnings only, LOG_LEVEL=warn) passed on but with no collector (it says so).
 */
export function startModel(v: Variant, options: ModelOptions): ChildProcess {
  return startNode(
    MODEL(),
    v,
    {
      PORT: String(options.port),
      HOST: '127.0.0.1',
      MAZE_SEED: '1',
      MAZE_WIDTH: String(options.width ?? DEFAULT_SIZE.width),
      MAZE_HEIGHT: String(options.height ?? DEFAULT_SIZE.height),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    'ignore',
    v.telemetry === 'no collector' ? 'ignore' : 'inherit',
  )
}

/** The agent against `url` (astar); its output dropped, or both piped when `pipe`. */
export function startAgent(v: Variant, url: string, output: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return startNode(AGENT(), v, { MAZE_URL: url, AGENT_STRATEGY: 'astar' }, output, output)
}

/** A model started and ready; stopped (SIGTERM: it flushes its telemetry) after `use`. */
export async function withModel<T>(v: Variant, options: ModelOptions, use: (base: string, model: ChildProcess) => Promise<T>): Promise<T> {
  const model = startModel(v, options)
  try {
    const base = `http://127.0.0.1:${options.port}`
    await waitReady(`${base}/health/ready`, model)
    return await use(base, model)
  } finally {
    await stop(model)
  }
}

/** `port`, or one the OS just handed out on the loopback interface (nothing listens on it now). */
export async function freePort(port = 0): Promise<number> {
  if (port !== 0) return port
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port: free } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return free
}

/** Polls `url` every 5 ms until it answers 200; fails if `child` exits first or after `timeoutMs`. */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the model exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200`)
    }
    try {
      const response = await fetch(url)
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`)
}

/** SIGTERM, and SIGKILL if it is still running 10 s later. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux; 10 ms ticks). */
export function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}

/** A line of /proc/<pid>/status in MiB: VmRSS (resident now) or VmHWM (peak resident). */
export function memoryMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024
  } catch {
    return Number.NaN
  }
}
