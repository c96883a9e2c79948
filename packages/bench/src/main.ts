// pnpm bench: maze generation time and memory by size, and /maze/pos throughput and latency of a
// real model process under concurrent keep-alive load. Prints Markdown tables for the README.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const HELP = `Usage: pnpm bench [--sizes 80x20,1000x1000,...] [--duration SECONDS] [--connections N] [--skip-generate] [--skip-http]

  --sizes          maze sizes to generate, each in a fresh process (default 80x20,1000x1000,3000x3000,10000x10000)
  --duration       seconds of load per HTTP run (default 10)
  --connections    concurrent keep-alive connections (default 32)
  --skip-generate  only the HTTP benchmark
  --skip-http      only the generation benchmark
`

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '80x20,1000x1000,3000x3000,10000x10000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
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
const sizes = values.sizes.split(',').map((s) => {
  const m = /^(\d+)x(\d+)$/.exec(s.trim())
  if (!m) {
    console.error(`bench: --sizes wants WIDTHxHEIGHT pairs separated by commas, got "${s}"`)
    process.exit(2)
  }
  return [Number(m[1]), Number(m[2])] as const
})
if (!(duration > 0) || !(connections > 0)) {
  console.error('bench: --duration and --connections must be positive numbers')
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
  process.stderr.write(`loading ${base}/maze/pos for ${duration}s with ${connections} connections…\n`)
  const result = await autocannon({
    url: base,
    connections,
    duration,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
  })
  console.log(`## GET /maze/pos under load (model in its own process; autocannon in the benchmark process; 2 cores shared)\n`)
  console.log('| connections | requests/s (mean) | latency p50 | p90 | p99 | errors / non-2xx |')
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
  console.log(
    `| ${connections} | ${Math.round(result.requests.average).toLocaleString('en')} | ${result.latency.p50} ms | ${result.latency.p90} ms | ${result.latency.p99} ms | ${result.errors} / ${result.non2xx} |`,
  )
  model.kill('SIGTERM')
  await once(model, 'exit')
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
