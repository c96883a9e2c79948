// pnpm bench: maze generation time and memory by size, and /maze/pos throughput and latency of a
// real model process under concurrent keep-alive load, without and with live-view viewers connected.
// Prints Markdown tables for the README.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { cpus } from 'node:os'
import { createHistogram } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const HELP = `Usage: pnpm bench [--sizes 80x20,1000x1000,...] [--duration SECONDS] [--connections N] [--viewers N] [--skip-generate] [--skip-http]

  --sizes          maze sizes to generate, each in a fresh process (default 80x20,1000x1000,3000x3000,10000x10000)
  --duration       seconds of load per HTTP run (default 10)
  --connections    concurrent keep-alive connections (default 32)
  --viewers        live-view viewers (SSE clients of /view/events) for the second HTTP run (default 10)
  --skip-generate  only the HTTP benchmark
  --skip-http      only the generation benchmark
`

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '80x20,1000x1000,3000x3000,10000x10000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    viewers: { type: 'string', default: '10' },
    'skip-generate': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  process.stdout.write(HELP)
  process.exit(0)
}
const duration = Number(values.duration)
const connections = Number(values.connections)
const viewerCount = Number(values.viewers)
const sizes = values.sizes.split(',').map((s) => {
  const m = /^(\d+)x(\d+)$/.exec(s.trim())
  if (!m) {
    console.error(`bench: --sizes wants WIDTHxHEIGHT pairs separated by commas, got "${s}"`)
    process.exit(2)
  }
  return [Number(m[1]), Number(m[2])] as const
})
if (!(duration > 0) || !(connections > 0) || !Number.isInteger(viewerCount) || viewerCount < 0) {
  console.error('bench: --duration and --connections must be positive numbers, --viewers a whole number')
  process.exit(2)
}

console.log(`# maze-sim benchmark\n\n${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}\n`)

if (!values['skip-generate']) {
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

if (!values['skip-http']) {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const model = spawn(process.execPath, [new URL('../../model/src/server.ts', import.meta.url).pathname], {
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
  process.stderr.write(`warming up ${base}/maze/pos for 2s…\n`)
  await load(2)
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
  console.log(`## GET /maze/pos under load, without and with live-view viewers (model in its own process; autocannon and the viewers in the benchmark process; ${cpus().length} cores shared)\n`)
  console.log('Latency in milliseconds, measured per response (not autocannon\'s whole-millisecond percentiles).\n')
  console.log('| viewers | connections | requests/s (mean) | latency mean | p50 | p90 | p99 | max | errors / non-2xx | events received |')
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) console.log(row)
  model.kill('SIGTERM')
  await once(model, 'exit')
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
  return { bytes: () => bytes, close: () => responses.forEach((r) => r.destroy()) }
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
