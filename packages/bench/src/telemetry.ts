// The telemetry and start-up part of `pnpm bench`: the programs as users start them, telemetry off
// (OTEL_SDK_DISABLED=true) against on (sending to the sink) in one run, rounds alternating so that
// both see the same machine. Throughputs are the mean over rounds, durations the median; beside each,
// the CPU time of the measured process (user + system, all its threads; 10 ms ticks), which swings
// much less than wall-clock figures when other work keeps the machine busy.
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { DEFAULT_SIZE } from '@maze-sim/maze'
import autocannon from 'autocannon'
import {
  cpuMs,
  freePort,
  label,
  measuredEnv,
  NO_COLLECTOR,
  OFF,
  ON,
  startAgent,
  startModel,
  stop,
  telemetryEnv,
  type Variant,
  waitReady,
  withModel,
} from './programs.ts'

/** One figure and the CPU time that went with it (per request for throughputs, ms for durations). */
export interface Sample {
  readonly value: number
  readonly cpu: number
}

export interface TelemetryBenchOptions {
  /** The port every model process listens on (0: a free one each time). */
  readonly port: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly rounds: number
  readonly repeat: number
  readonly connections: number
}

export interface TelemetryBenchResult {
  readonly pos: ReadonlyMap<Variant, Sample>
  readonly moves: ReadonlyMap<Variant, Sample>
  readonly agentRun: ReadonlyMap<Variant, Sample>
  readonly agentStart: ReadonlyMap<Variant, Sample>
  /** `pnpm agent` spawn → first request, telemetry on; null when pnpm is not on the PATH. */
  readonly pnpmAgentStart: Sample | null
  readonly modelStart: ReadonlyMap<Variant, Sample>
}

const { width: WIDTH, height: HEIGHT } = DEFAULT_SIZE
const COLD_ON: Variant = { telemetry: 'on', cold: true }
const COLD_OFF: Variant = { telemetry: 'off', cold: true }

const say = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

export async function benchTelemetry(o: TelemetryBenchOptions): Promise<TelemetryBenchResult> {
  const port = (): Promise<number> => freePort(o.port)
  say(`telemetry: GET /maze/pos, ${o.rounds} rounds of ${o.seconds} s off and on…`)
  const pos = await alternate(o.rounds, [OFF, ON], mean, async (v) => loadPos(v, await port(), o))
  say(`telemetry: POST /episodes/:id/moves, ${o.rounds} rounds of ${o.seconds} s off and on…`)
  const moves = await alternate(o.rounds, [OFF, ON], mean, async (v) => loadMoves(v, await port(), o))
  say(`telemetry: ${o.repeat} agent runs each off, on and with no collector…`)
  const agentRun = await withModel(OFF, { port: await port() }, (base) =>
    alternate(o.repeat, [OFF, ON, NO_COLLECTOR], median, (v) => agentRunOnce(v, base)),
  )
  // One start of each first, so that the warm variants find a warm compile cache.
  for (const v of [OFF, ON]) {
    await agentFirstRequest(v)
    await modelReady(v, await port())
  }
  say(`start-up: ${o.repeat} agent starts and model starts each, warm and cold…`)
  const agentStart = await alternate(o.repeat, [OFF, ON, COLD_OFF, COLD_ON], median, agentFirstRequest)
  const pnpmAgentStart = await pnpmAgent(o.repeat)
  const modelStart = await alternate(o.repeat, [OFF, ON, COLD_OFF, COLD_ON], median, async (v) => modelReady(v, await port()))
  return { pos, moves, agentRun, agentStart, pnpmAgentStart, modelStart }
}

function mean(v: readonly number[]): number {
  return v.reduce((x, y) => x + y, 0) / v.length
}
function median(v: readonly number[]): number {
  return [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!
}

/** `times` rounds, each variant once per round in order; per variant, `summary` of its figures and CPU times. */
async function alternate(
  times: number,
  variants: readonly Variant[],
  summary: (v: readonly number[]) => number,
  run: (v: Variant) => Promise<Sample>,
): Promise<Map<Variant, Sample>> {
  const all = new Map<Variant, Sample[]>(variants.map((v) => [v, []]))
  for (let r = 0; r < times; r++) for (const v of variants) all.get(v)!.push(await run(v))
  for (const [v, samples] of all) say(`  ${label(v)}: ${samples.map((x) => `${x.value.toFixed(0)} (cpu ${x.cpu.toFixed(0)})`).join(', ')}`)
  return new Map([...all].map(([v, s]) => [v, { value: summary(s.map((x) => x.value)), cpu: summary(s.map((x) => x.cpu)) }]))
}

/** autocannon for the warm-up, then for `seconds`: the mean req/s, and the model's CPU µs per request meanwhile. */
async function cannon(model: ChildProcess, options: autocannon.Options, o: TelemetryBenchOptions): Promise<Sample> {
  if (o.warmupSeconds > 0) await autocannon({ ...options, connections: o.connections, duration: o.warmupSeconds })
  const before = cpuMs(model.pid)
  const result = await autocannon({ ...options, connections: o.connections, duration: o.seconds })
  const cpu = cpuMs(model.pid) - before
  if (result.errors > 0 || result.non2xx > 0) say(`  (${result.errors} errors, ${result.non2xx} non-2xx)`)
  return { value: result.requests.average, cpu: (cpu * 1000) / Math.max(1, result.requests.total) }
}

/** GET /maze/pos rotating over every cell of the 80x20 maze, as an agent's walk would. */
function loadPos(v: Variant, port: number, o: TelemetryBenchOptions): Promise<Sample> {
  return withModel(v, { port }, (url, model) => {
    const paths: string[] = []
    for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) paths.push(`/maze/pos/${y}/${x}`)
    let next = 0
    return cannon(
      model,
      { url, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }] },
      o,
    )
  })
}

const OPPOSITE: Readonly<Record<string, string>> = { up: 'down', down: 'up', left: 'right', right: 'left' }

/** POST /episodes/:id/moves, one move a request: an episode per connection, back and forth through an open side. */
function loadMoves(v: Variant, port: number, o: TelemetryBenchOptions): Promise<Sample> {
  const env = { EPISODES_MAX_LIVE: String(o.connections + 8) }
  return withModel(v, { port, env }, async (url, model) => {
    const episodes: { id: string; there: string }[] = []
    for (let k = 0; k < o.connections; k++) {
      const response = await fetch(`${url}/episodes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seed: 1, width: WIDTH, height: HEIGHT, maxSteps: 4_000_000, agent: 'bench' }),
      })
      if (response.status !== 201) throw new Error(`POST /episodes answered ${response.status}: ${await response.text()}`)
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
      o,
    )
  })
}

/** One whole agent run (astar, 80x20), spawn → exit; it must solve. */
async function agentRunOnce(v: Variant, url: string): Promise<Sample> {
  const started = performance.now()
  const agent = startAgent(v, url, 'pipe')
  agent.stdout!.resume()
  let stderr = ''
  agent.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000)
  })
  // The CPU time of a process that has exited is gone with it: sampled until then.
  let cpu = Number.NaN
  const sampler = setInterval(() => {
    const now = cpuMs(agent.pid)
    if (Number.isFinite(now)) cpu = now
  }, 2)
  const [code] = (await once(agent, 'exit')) as [number | null]
  clearInterval(sampler)
  const value = performance.now() - started
  if (code !== 0) throw new Error(`the agent (${label(v)}) exited ${code}: ${stderr}`)
  return { value, cpu }
}

/** A stub model answering 503 + Retry-After to everything, and the time of its first request. */
async function stubModel(): Promise<{
  url: string
  first: () => number | undefined
  close: () => Promise<void>
  onFirst: (f: () => void) => void
}> {
  let first: number | undefined
  let hook = (): void => {}
  const server = createServer((_req, res) => {
    if (first === undefined) {
      first = performance.now()
      hook()
    }
    res.writeHead(503, { 'retry-after': '10' }).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    first: () => first,
    onFirst: (f) => {
      hook = f
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}

async function untilFirst(stub: Awaited<ReturnType<typeof stubModel>>, child: ChildProcess): Promise<number> {
  while (stub.first() === undefined) {
    if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}) before its first request`)
    await new Promise((r) => setTimeout(r, 1))
  }
  return stub.first()!
}

/** Agent spawn → its first request at a stub model (answered 503, then the agent is stopped). */
async function agentFirstRequest(v: Variant): Promise<Sample> {
  const stub = await stubModel()
  let cpu = Number.NaN
  const started = performance.now()
  const agent = startAgent(v, stub.url)
  stub.onFirst(() => {
    cpu = cpuMs(agent.pid)
  })
  try {
    const first = await untilFirst(stub, agent)
    return { value: first - started, cpu }
  } finally {
    // Stopped as a user stops it: it exits cleanly (and writes its compile cache).
    await stop(agent)
    await stub.close()
  }
}

/**
 * `pnpm agent` spawn → its first request, telemetry on (pnpm, the launcher and the agent: what a
 * user who types it waits); the median of `repeat`, CPU of the whole process tree not counted. Null
 * when pnpm is not found.
 */
async function pnpmAgent(repeat: number): Promise<Sample | null> {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const values: number[] = []
  for (let r = 0; r < repeat; r++) {
    const stub = await stubModel()
    const started = performance.now()
    const child = spawn('pnpm', ['--silent', 'agent'], {
      cwd: root,
      env: { ...measuredEnv(), MAZE_URL: stub.url, AGENT_STRATEGY: 'astar', ...telemetryEnv(ON) },
      stdio: 'ignore',
      detached: true,
    })
    const spawned = await Promise.race([once(child, 'spawn').then(() => true), once(child, 'error').then(() => false)])
    if (!spawned) {
      await stub.close()
      return null
    }
    try {
      values.push((await untilFirst(stub, child)) - started)
    } finally {
      const exited = once(child, 'exit')
      process.kill(-child.pid!, 'SIGTERM')
      await exited
      await stub.close()
    }
  }
  return { value: median(values), cpu: Number.NaN }
}

/** Model spawn → GET /health/ready answers 200 on 80x20. */
async function modelReady(v: Variant, port: number): Promise<Sample> {
  const started = performance.now()
  const model = startModel(v, { port })
  try {
    await waitReady(`http://127.0.0.1:${port}/health/ready`, model)
    return { value: performance.now() - started, cpu: cpuMs(model.pid) }
  } finally {
    await stop(model)
  }
}

export { COLD_OFF, COLD_ON }

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const perSecond = (s: Sample): string => `${Math.round(s.value).toLocaleString('en')} (${s.cpu.toFixed(0)} µs)`
const timed = (s: Sample | undefined): string =>
  s === undefined ? '–' : `${seconds(s.value)}${Number.isFinite(s.cpu) ? ` (${seconds(s.cpu)})` : ''}`
const share = (on: Sample, off: Sample): string => `${((on.value / off.value) * 100).toFixed(0)}%`
const later = (on: Sample, off: Sample): string => `${on.value >= off.value ? '+' : '−'}${seconds(Math.abs(on.value - off.value))}`

/** The telemetry and start-up table: telemetry off and on side by side, CPU time in brackets. */
export function telemetryTable(r: TelemetryBenchResult): string {
  const off = (m: ReadonlyMap<Variant, Sample>, v: Variant = OFF): Sample => m.get(v)!
  const rows: string[][] = [
    [
      'GET /maze/pos/:y/:x, requests/s (model CPU per request)',
      perSecond(off(r.pos)),
      perSecond(off(r.pos, ON)),
      share(off(r.pos, ON), off(r.pos)),
      '≥ 85%',
    ],
    [
      'POST /episodes/:id/moves, one move a request, requests/s (model CPU per request)',
      perSecond(off(r.moves)),
      perSecond(off(r.moves, ON)),
      share(off(r.moves, ON), off(r.moves)),
      '≥ 85%',
    ],
    [
      'agent run (astar, 80 × 20), spawn → exit (agent CPU)',
      timed(off(r.agentRun)),
      timed(off(r.agentRun, ON)),
      later(off(r.agentRun, ON), off(r.agentRun)),
      '',
    ],
    [
      'the same run with nothing listening on the OTLP endpoint',
      timed(off(r.agentRun)),
      timed(off(r.agentRun, NO_COLLECTOR)),
      later(off(r.agentRun, NO_COLLECTOR), off(r.agentRun)),
      '≤ +0.20 s',
    ],
    [
      'agent spawn → first request, warm compile cache: `pnpm agent`, the image (agent CPU)',
      timed(off(r.agentStart)),
      timed(off(r.agentStart, ON)),
      '',
      '≤ 0.30 s on',
    ],
    [
      'agent spawn → first request, empty compile cache: a first start',
      timed(off(r.agentStart, COLD_OFF)),
      timed(off(r.agentStart, COLD_ON)),
      '',
      '≤ 0.30 s on',
    ],
    ['`pnpm agent` → first request (pnpm, its launcher, the agent)', '–', timed(r.pnpmAgentStart ?? undefined), '', '≤ 0.30 s'],
    [
      'model spawn → ready on 80 × 20, warm compile cache: `pnpm model`, the image (model CPU)',
      timed(off(r.modelStart)),
      timed(off(r.modelStart, ON)),
      '',
      '≤ 0.50 s on',
    ],
    [
      'model spawn → ready on 80 × 20, empty compile cache: a first start',
      timed(off(r.modelStart, COLD_OFF)),
      timed(off(r.modelStart, COLD_ON)),
      '',
      '≤ 0.50 s on',
    ],
  ]
  return [
    '| measure | telemetry off | telemetry on | on vs off | goal |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n')
}
