// pnpm bench: maze generation time and memory by size, and /maze/pos throughput and latency of a
// real model process under concurrent keep-alive load, without and with live-view viewers connected,
// and episodes: the memory of a live episode and the steps per second many agents play at once.
// Prints Markdown tables for the README.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { cpus } from 'node:os'
import { createHistogram } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { BenchArgsError, HELP, parseBenchArgs, type BenchOptions } from './args.ts'
import { benchEpisodes, episodesTable } from './episodes.ts'
import { benchPacking, packingProblem, packingTable } from './packing.ts'

let options: BenchOptions
try {
  options = parseBenchArgs(process.argv.slice(2))
} catch (err) {
  if (!(err instanceof BenchArgsError)) throw err
  console.error(`bench: ${err.message}`)
  process.exit(2)
}
if (options.help) {
  process.stdout.write(HELP)
  process.exit(0)
}
const { sizes, connections, durationSeconds: duration, warmupSeconds: warmup, viewers: viewerCount } = options

console.log(`# maze-sim benchmark\n\n${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}\n`)

if (options.generate) {
  console.log('## Maze generation (seed 1, one fresh process per size)\n')
  console.log('| size | cells | generate | solve (S→K→E) | peak RSS |')
  console.log('| ---: | ---: | ---: | ---: | ---: |')
  for (const [w, h] of sizes) {
    process.stderr.write(`generating ${w}x${h}…\n`)
    const run = spawnSync(process.execPath, [new URL('./generate-one.ts', import.meta.url).pathname, String(w), String(h)], {
      encoding: 'utf8',
    })
    if (run.status !== 0) {
      console.error(run.stderr)
      process.exit(1)
    }
    const r = JSON.parse(run.stdout) as { generateMs: number; solveMs: number; maxRssMiB: number }
    console.log(`| ${w} × ${h} | ${(w * h).toLocaleString('en')} | ${ms(r.generateMs)} | ${ms(r.solveMs)} | ${r.maxRssMiB} MiB |`)
  }
  console.log()
}

if (options.http) {
  const port = await freePort()
  // The model program by its package's name, as any other package would start it.
  const model = spawn(process.execPath, [fileURLToPath(import.meta.resolve('@maze-sim/model/server'))], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MAZE_SEED: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = (): void => {
    model.kill('SIGTERM')
  }
  process.on('exit', stop)
  const base = `http://127.0.0.1:${port}`
  await waitReady(`${base}/health/ready`)
  // Rotate over every cell of the 80x20 maze, as an agent's walk would.
  const paths: string[] = []
  for (let y = 0; y < 20; y++) for (let x = 0; x < 80; x++) paths.push(`/maze/pos/${y}/${x}`)
  let next = 0
  /**
   * One autocannon run on rotating /maze/pos paths. Latency comes from autocannon's per-response
   * event (milliseconds with decimals, from process.hrtime) into a microsecond histogram: its own
   * summary rounds percentiles to whole milliseconds, which hides everything on this route.
   */
  const load = async (seconds: number) => {
    const latency = createHistogram()
    const run = autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
    })
    // The promise autocannon returns is also its tracker (an EventEmitter), whose 'response' event
    // passes (client, status, bytes, ms); @types/autocannon types neither.
    ;(run as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
      latency.record(Math.max(1, Math.round(ms * 1000))),
    )
    const result = await run
    return { result, latency }
  }
  if (warmup > 0) {
    process.stderr.write(`warming up ${base}/maze/pos for ${warmup}s…\n`)
    await load(warmup)
  }
  const rows: string[] = []
  for (const viewers of viewerCount > 0 ? [0, viewerCount] : [0]) {
    const sse = await connectViewers(base, viewers)
    process.stderr.write(`loading ${base}/maze/pos for ${duration}s with ${connections} connections and ${viewers} viewers…\n`)
    const { result, latency } = await load(duration)
    const received = sse.bytes()
    const stats = (await (await fetch(`${base}/view/stats`)).json()) as { viewers: number; dropped: number }
    sse.close()
    if (stats.viewers !== viewers) process.stderr.write(`bench: expected ${viewers} viewers connected, the model counts ${stats.viewers}\n`)
    const us = (q: number): string => (latency.percentile(q) / 1000).toFixed(2)
    rows.push(
      `| ${viewers} | ${connections} | ${Math.round(result.requests.average).toLocaleString('en')} | ${(latency.mean / 1000).toFixed(3)} ms | ${us(50)} | ${us(90)} | ${us(99)} | ${us(100)} | ${result.errors} / ${result.non2xx} | ${viewers === 0 ? '–' : `${(received / viewers / duration / 1024).toFixed(0)} KiB/s each, ${stats.dropped} dropped`} |`,
    )
  }
  console.log(
    `## GET /maze/pos under load, without and with live-view viewers (model in its own process; autocannon and the viewers in the benchmark process; ${cpus().length} cores shared)\n`,
  )
  console.log("Latency in milliseconds, measured per response (not autocannon's whole-millisecond percentiles).\n")
  console.log('| viewers | connections | requests/s (mean) | latency mean | p50 | p90 | p99 | max | errors / non-2xx | events received |')
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) console.log(row)
  model.kill('SIGTERM')
  await once(model, 'exit')
}

if (options.episodes) {
  const port = await freePort()
  const { liveEpisodes: live, agents } = options
  const model = spawn(process.execPath, [fileURLToPath(import.meta.resolve('@maze-sim/model/server'))], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MAZE_SEED: '1',
      LOG_LEVEL: 'warn',
      // Room for the live episodes of the memory figure, then for every agent's.
      EPISODES_MAX_LIVE: String(live + agents),
      EPISODES_MAX_LIVE_CELLS: String(Math.max(32_000_000, (live + agents) * 1600)),
    },
    // The referee's result lines (one per episode) are not the benchmark's output.
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = (): void => {
    model.kill('SIGTERM')
  }
  process.on('exit', stop)
  const base = `http://127.0.0.1:${port}`
  await waitReady(`${base}/health/ready`)
  process.stderr.write(`episodes: ${live} live, then ${agents} agents for ${duration} s…\n`)
  const result = await benchEpisodes({ base, pid: model.pid!, live, agents, seconds: duration, width: 80, height: 20 })
  console.log(episodesTable(result, 80, 20))
  model.kill('SIGTERM')
  await once(model, 'exit')
}

if (options.packing) {
  const problem = packingProblem()
  if (problem !== null) {
    process.stderr.write(`bench: the Batch packing benchmark is left out: ${problem}\n`)
  } else {
    const strategy = 'astar'
    const modes = await benchPacking({ runs: options.packingRuns, parallel: Math.max(2, cpus().length), strategy })
    console.log(packingTable(modes, strategy))
  }
}

/** `count` SSE clients of /view/events that read (and drop) everything, as browsers would. */
async function connectViewers(base: string, count: number): Promise<{ bytes(): number; close(): void }> {
  let bytes = 0
  const responses: http.IncomingMessage[] = []
  for (let k = 0; k < count; k++) {
    const request = http.get(`${base}/view/events`)
    const [response] = (await once(request, 'response')) as [http.IncomingMessage]
    if (response.statusCode !== 200) throw new Error(`GET /view/events answered ${response.statusCode}`)
    response.on('data', (chunk: Buffer) => (bytes += chunk.length))
    responses.push(response)
  }
  return {
    bytes: () => bytes,
    close: () => {
      for (const r of responses) r.destroy()
    },
  }
}

/** A port the OS just handed out on the loopback interface (nothing listens on it now). */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n} ms`
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the model at ${url} was not ready within 30 s`)
}
