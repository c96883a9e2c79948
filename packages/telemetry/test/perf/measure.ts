// What telemetry costs the programs as shipped, telemetry off (OTEL_SDK_DISABLED=true) against on,
// in one run on this machine (packages/telemetry/README.md, "Cost"). Not a test: it measures time.
//
//   node packages/telemetry/test/perf/measure.ts [--seconds=5] [--rounds=3] [--connections=32] [--repeat=7] [--cold]
//                                                 [--only=pos,moves,agent-start,model-start,no-collector,agent-run]
//
// Every program is started as `pnpm model` / `pnpm agent` start it (node --import <instrument.ts> <main>),
// from the repository root, with the variables of the measure on top of a clean environment (no
// OTEL_*, no MAZE_*). "on" sends to a local OTLP/HTTP sink (this file with --sink: answers 200 to
// every POST, decodes nothing, in a process of its own); "nowhere" to a port nobody listens on.
//   pos           GET /maze/pos/:y/:x req/s (autocannon, --connections keep-alive connections, rotating
//                 over every cell of 80x20, after a 1 s warm-up), model off vs on
//   moves         POST /episodes/:id/moves req/s, one move per request (an episode of its own per
//                 connection, maxSteps 4,000,000, back and forth through an open side), off vs on
//   agent-start   agent spawn → its first request at a stub HTTP server (median of --repeat), off vs on
//   model-start   model spawn → GET /health/ready answers 200 on 80x20 (polled every 5 ms), off vs on
//   no-collector  an agent run (astar, 80x20, model not instrumented) spawn → exit, off vs on with
//                 nothing listening on the OTLP endpoint
//   agent-run     the same run, off vs on with the sink
// The programs' preloads turn Node's compile cache on (os.tmpdir()/node-compile-cache): the figures
// are those of a machine that ran them before; --cold gives every process an empty cache of its
// own, as a container just started has (the image's entry point).
// Rounds alternate off and on, so both see the same machine; throughput is the mean over rounds,
// durations the median. Beside each figure, the CPU time the measured process used (user + system,
// all its threads, from /proc; 10 ms ticks): per request for the throughputs, up to the moment for
// the durations. On a machine that other work keeps busy the wall-clock figures swing; the CPU
// figures much less.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const MODEL = ['--import', './packages/model/src/instrument.ts', 'packages/model/src/server.ts']
const AGENT = ['--import', './packages/agent/src/instrument.ts', 'packages/agent/src/main.ts']
const WIDTH = 80
const HEIGHT = 20

/** How a measured program is started: the variables on top of a clean environment, and its compile cache. */
interface Variant {
  readonly label: string
  readonly env: NodeJS.ProcessEnv
  /** An empty compile cache of its own (else the machine's, os.tmpdir()/node-compile-cache). */
  readonly cold?: boolean
}
/** One figure: the quantity and the CPU time that went with it. */
interface Sample {
  readonly value: number
  readonly cpu: number
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    repeat: { type: 'string', default: '7' },
    only: { type: 'string', default: 'pos,moves,agent-start,model-start,no-collector,agent-run' },
    sink: { type: 'string' },
  },
})

/** The OTLP/HTTP sink: 200 with an empty body (an empty protobuf Export*ServiceResponse) to every POST. */
async function runSink(port: number): Promise<void> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end())
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  process.stdout.write('ready\n')
  process.on('SIGTERM', () => process.exit(0))
}

async function main(): Promise<void> {
  const seconds = Number(values.seconds)
  const rounds = Number(values.rounds)
  const connections = Number(values.connections)
  const repeat = Number(values.repeat)
  const only = new Set(values.only.split(','))
  console.log(
    `# telemetry cost: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}\n`,
  )
  console.log('Each cell: the figure, then (in brackets) the CPU time of the measured process; the share is of the first column.\n')

  const sinkPort = await freePort()
  const sink = spawn(process.execPath, [fileURLToPath(import.meta.url), `--sink=${sinkPort}`], { stdio: ['ignore', 'pipe', 'inherit'] })
  await once(sink.stdout!, 'data')
  const off: Variant = { label: 'off', env: { OTEL_SDK_DISABLED: 'true' } }
  const on: Variant = { label: 'on', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` } }
  const nowhere: Variant = { label: 'on, no collector', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}` } }
  const cold = (v: Variant): Variant => ({ ...v, label: `${v.label}, cold`, cold: true })
  // Start-ups with a warm compile cache (a machine that ran the programs before; a first start of
  // each warms it) and a cold one (every process an empty cache of its own: a container just started).
  const starts = [off, on, cold(off), cold(on)]

  try {
    if (only.has('pos')) {
      report('GET /maze/pos req/s (CPU µs per request)', await alternate(rounds, [off, on], (v) => loadPos(v, seconds, connections), mean))
    }
    if (only.has('moves')) {
      const by = await alternate(rounds, [off, on], (v) => loadMoves(v, seconds, connections), mean)
      report('POST /episodes/:id/moves req/s, 1 move each (CPU µs per request)', by)
    }
    if (only.has('agent-start') || only.has('model-start'))
      for (const v of [off, on]) await Promise.all([agentFirstRequest(v), modelReady(v)])
    if (only.has('agent-start')) {
      report('agent spawn → first request, ms (median; CPU ms until then)', await alternate(repeat, starts, agentFirstRequest, median))
    }
    if (only.has('model-start')) {
      report(
        'model spawn → /health/ready 200 on 80x20, ms (median; CPU ms until then)',
        await alternate(repeat, starts, modelReady, median),
      )
    }
    const modelOff = { OTEL_SDK_DISABLED: 'true' }
    if (only.has('no-collector')) {
      const by = await withModel(off, (url) => alternate(repeat, [off, nowhere], (v) => agentRun(url, v), median), modelOff)
      report('agent run (astar 80x20) spawn → exit, ms (median; CPU ms)', by)
    }
    if (only.has('agent-run')) {
      const by = await withModel(off, (url) => alternate(repeat, [off, on], (v) => agentRun(url, v), median), modelOff)
      report('agent run (astar 80x20) spawn → exit, ms (median; CPU ms)', by)
    }
  } finally {
    sink.kill('SIGTERM')
    for (const dir of coldCaches) rmSync(dir, { recursive: true, force: true })
  }
}

/** One line: every variant's figure (CPU), and its share of the first one's. */
function report(what: string, by: ReadonlyMap<Variant, Sample>): void {
  const n = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : '–')
  const [first] = [...by.values()]
  const cells = [...by].map(
    ([v, x], i) => `${v.label} ${n(x.value)} (${n(x.cpu)})${i === 0 ? '' : ` ${((x.value / first!.value) * 100).toFixed(0)}%`}`,
  )
  console.log(`- ${what}: ${cells.join(' | ')}`)
}

function mean(v: readonly number[]): number {
  return v.reduce((x, y) => x + y, 0) / v.length
}
function median(v: readonly number[]): number {
  return [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!
}

/** `times` rounds, each variant once per round (in order); per variant, `summary` of the figures and of the CPU times. */
async function alternate(
  times: number,
  variants: readonly Variant[],
  run: (variant: Variant) => Promise<Sample>,
  summary: (v: readonly number[]) => number,
): Promise<Map<Variant, Sample>> {
  const all = new Map<Variant, Sample[]>(variants.map((v) => [v, []]))
  for (let r = 0; r < times; r++) for (const v of variants) all.get(v)!.push(await run(v))
  for (const [v, samples] of all)
    process.stderr.write(`  ${v.label}: ${samples.map((x) => `${x.value.toFixed(0)} (${x.cpu.toFixed(0)})`).join(', ')}\n`)
  return new Map(
    [...all].map(([v, samples]) => [v, { value: summary(samples.map((x) => x.value)), cpu: summary(samples.map((x) => x.cpu)) }]),
  )
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux; 10 ms ticks). */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `node <args>` from the repository root with `env` over a clean telemetry environment. */
/** `node <args>` from the repository root: the variant's variables over a clean environment, and `env` over those. */
function startNode(args: string[], variant: Variant, env: NodeJS.ProcessEnv, stdio: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const clean: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OTEL_') && !k.startsWith('MAZE_') && !k.startsWith('AGENT_') && !k.startsWith('NODE_COMPILE_CACHE')) clean[k] = v
  }
  const cache = variant.cold === true ? { NODE_COMPILE_CACHE: coldCache() } : {}
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...clean, ...cache, ...variant.env, ...env }, stdio: ['ignore', stdio, stdio] })
}

const coldCaches: string[] = []
function coldCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'measure-cold-cache-'))
  coldCaches.push(dir)
  return dir
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

async function waitReady(url: string): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url)
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5))
  }
}

function modelEnv(port: number): NodeJS.ProcessEnv {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    MAZE_WIDTH: String(WIDTH),
    MAZE_HEIGHT: String(HEIGHT),
    MAZE_SEED: '1',
    LOG_LEVEL: 'warn',
  }
}

/** A model on 80x20 (seed 1), ready; stopped (SIGTERM: it flushes) after `use`. */
async function withModel<T>(
  variant: Variant,
  use: (url: string, model: ChildProcess) => Promise<T>,
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  const port = await freePort()
  const model = startNode(MODEL, variant, { ...env, ...modelEnv(port) })
  try {
    const url = `http://127.0.0.1:${port}`
    await waitReady(`${url}/health/ready`)
    return await use(url, model)
  } finally {
    await stop(model)
  }
}

/** autocannon for `seconds` after a 1 s warm-up: the mean req/s, and the model's CPU µs per request meanwhile. */
async function cannon(model: ChildProcess, options: autocannon.Options, seconds: number): Promise<Sample> {
  await autocannon({ ...options, duration: 1 })
  const before = cpuMs(model.pid)
  const result = await autocannon({ ...options, duration: seconds })
  const cpu = cpuMs(model.pid) - before
  if (result.errors > 0 || result.non2xx > 0) process.stderr.write(`  (${result.errors} errors, ${result.non2xx} non-2xx)\n`)
  return { value: result.requests.average, cpu: (cpu * 1000) / result.requests.total }
}

function loadPos(variant: Variant, seconds: number, connections: number): Promise<Sample> {
  return withModel(variant, (url, model) => {
    const paths: string[] = []
    for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) paths.push(`/maze/pos/${y}/${x}`)
    let next = 0
    return cannon(
      model,
      { url, connections, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }] },
      seconds,
    )
  })
}

const OPPOSITE: Readonly<Record<string, string>> = { up: 'down', down: 'up', left: 'right', right: 'left' }

function loadMoves(variant: Variant, seconds: number, connections: number): Promise<Sample> {
  const env = { EPISODES_MAX_LIVE: String(connections + 8) }
  return withModel(
    variant,
    async (url, model) => {
      // One episode per connection, so that its moves go back and forth in order.
      const episodes: { id: string; there: string }[] = []
      for (let k = 0; k < connections; k++) {
        const response = await fetch(`${url}/episodes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ seed: 1, width: WIDTH, height: HEIGHT, maxSteps: 4_000_000, agent: 'measure' }),
        })
        const created = (await response.json()) as { id: string; observation: Record<string, unknown> }
        const there = ['up', 'right', 'down', 'left'].find((d) => created.observation[d] === 1)!
        episodes.push({ id: created.id, there })
      }
      let assigned = 0
      interface Connection {
        episode?: { id: string; there: string }
        back?: boolean
      }
      return cannon(
        model,
        {
          url,
          connections,
          requests: [
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              setupRequest: (req, context) => {
                const c = context as Connection
                c.episode ??= episodes[assigned++ % episodes.length]!
                const move = c.back === true ? OPPOSITE[c.episode.there]! : c.episode.there
                c.back = c.back !== true
                return { ...req, path: `/episodes/${c.episode.id}/moves`, body: `{"moves":["${move}"]}` }
              },
            },
          ],
        },
        seconds,
      )
    },
    env,
  )
}

/** Spawn → the first request at a stub server (answered 503, then the agent is killed). */
async function agentFirstRequest(variant: Variant): Promise<Sample> {
  let first: number | undefined
  let cpu = Number.NaN
  let agent: ChildProcess | undefined
  const server: Server = createServer((_req, res) => {
    if (first === undefined) {
      first = performance.now()
      cpu = cpuMs(agent?.pid)
    }
    res.writeHead(503, { 'retry-after': '10' }).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const started = performance.now()
  agent = startNode(AGENT, variant, { MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STRATEGY: 'astar' })
  while (first === undefined) {
    if (agent.exitCode !== null) throw new Error(`the agent exited (${agent.exitCode}) before its first request`)
    await new Promise((r) => setTimeout(r, 1))
  }
  // Stopped as a user stops it: it exits cleanly (and writes its compile cache).
  await stop(agent)
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  return { value: first - started, cpu }
}

/** Spawn → GET /health/ready answers 200. */
async function modelReady(variant: Variant): Promise<Sample> {
  const port = await freePort()
  const started = performance.now()
  const model = startNode(MODEL, variant, modelEnv(port))
  await waitReady(`http://127.0.0.1:${port}/health/ready`)
  const sample = { value: performance.now() - started, cpu: cpuMs(model.pid) }
  await stop(model)
  return sample
}

/** One whole agent run (astar), spawn → exit; it must solve. */
async function agentRun(url: string, variant: Variant): Promise<Sample> {
  const started = performance.now()
  const agent = startNode(AGENT, variant, { MAZE_URL: url, AGENT_STRATEGY: 'astar' }, 'pipe')
  let stderr = ''
  let cpu = Number.NaN
  agent.stderr!.on('data', (c: Buffer) => (stderr += c))
  agent.stdout!.resume()
  // The CPU time of a process that has exited is gone with it: sampled until then.
  const sampler = setInterval(() => {
    const now = cpuMs(agent.pid)
    if (Number.isFinite(now)) cpu = now
  }, 2)
  const [code] = (await once(agent, 'exit')) as [number | null]
  clearInterval(sampler)
  const value = performance.now() - started
  if (code !== 0) throw new Error(`agent exited ${code}: ${stderr}`)
  return { value, cpu }
}

// Last: the functions above use constants declared along the file.
if (values.sink !== undefined) {
  await runSink(Number(values.sink))
} else {
  await main()
}
