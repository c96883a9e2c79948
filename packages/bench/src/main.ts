// pnpm bench: maze generation time and memory by size (the generator alone and the model process);
// what telemetry costs (throughput off and on, an agent run with no collector) and how fast the
// programs start; /maze/pos throughput and latency under concurrent keep-alive load, without and
// with live-view viewers; episodes: the memory of a live episode and the steps per second many
// agents play at once; Batch packing on the local Docker engine. Every program is started as users
// start it (telemetry on, unless the figure is of telemetry off). Prints Markdown; --write-readme
// puts each part's block into the README between its markers (report.ts).
import { once } from 'node:events'
import http from 'node:http'
import { cpus } from 'node:os'
import { createHistogram } from 'node:perf_hooks'
import { DEFAULT_SIZE } from '@maze-sim/maze'
import autocannon from 'autocannon'
import { BenchArgsError, HELP, parseBenchArgs, type BenchOptions } from './args.ts'
import { benchEpisodes, episodesTable } from './episodes.ts'
import { benchGeneration, type GenerationRow, generationTable } from './generation.ts'
import { goals, goalsTable } from './goals.ts'
import { benchPacking, packingProblem, packingTable } from './packing.ts'
import { freePort, ON, startSink, withModel } from './programs.ts'
import { type Block, provenance, ReadmeMarkersError, writeReadme } from './report.ts'
import { benchTelemetry, type TelemetryBenchResult, telemetryTable } from './telemetry.ts'

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
const argv = process.argv.slice(2)
const blocks: Block[] = []
/** Prints a part's block, keeps it for the README. */
const emit = (id: string, heading: string, markdown: string): void => {
  const block = `${provenance(argv)}\n\n${markdown.trim()}\n`
  console.log(`## ${heading}\n\n${block}`)
  blocks.push({ id, markdown: block })
}

console.log(`# maze-sim benchmark\n\n${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}\n`)
const needsSink = options.generate || options.telemetry || options.http || options.episodes
const stopSink = needsSink ? await startSink() : async () => {}

let generation: GenerationRow[] | undefined
if (options.generate) {
  generation = await benchGeneration(sizes, options.port)
  emit('generation', 'Maze generation', generationTable(generation))
}

let telemetry: TelemetryBenchResult | undefined
if (options.telemetry) {
  telemetry = await benchTelemetry({
    port: options.port,
    seconds: duration,
    warmupSeconds: warmup,
    rounds: options.rounds,
    repeat: options.repeat,
    connections,
  })
  emit('telemetry', 'Telemetry off and on, start-up', telemetryTable(telemetry))
}

if (generation !== undefined && telemetry !== undefined) {
  emit('goals', 'Goals', goalsTable(goals(generation, telemetry)))
}

if (options.http) {
  const port = await freePort(options.port)
  await withModel(ON, { port }, async (base) => {
    // Rotate over every cell of the model's maze (DEFAULT_SIZE: withModel gives no size), as an agent's walk would.
    const { width, height } = DEFAULT_SIZE
    const paths: string[] = []
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) paths.push(`/maze/pos/${y}/${x}`)
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
      if (stats.viewers !== viewers)
        process.stderr.write(`bench: expected ${viewers} viewers connected, the model counts ${stats.viewers}\n`)
      const us = (q: number): string => (latency.percentile(q) / 1000).toFixed(2)
      rows.push(
        `| ${viewers} | ${connections} | ${Math.round(result.requests.average).toLocaleString('en')} | ${(latency.mean / 1000).toFixed(3)} ms | ${us(50)} | ${us(90)} | ${us(99)} | ${us(100)} | ${result.errors} / ${result.non2xx} | ${viewers === 0 ? '–' : `${(received / viewers / duration / 1024).toFixed(0)} KiB/s each, ${stats.dropped} dropped`} |`,
      )
    }
    emit(
      'pos',
      'GET /maze/pos under load, without and with live-view viewers',
      [
        `The model as \`pnpm model\` starts it (telemetry on, sending to a local OTLP sink), ${connections} keep-alive connections for ${duration} s after a ${warmup} s warm-up; autocannon and the viewers in the benchmark process, ${cpus().length} cores shared. Latency in milliseconds, measured per response (not autocannon's whole-millisecond percentiles).`,
        '',
        '| viewers | connections | requests/s (mean) | latency mean | p50 | p90 | p99 | max | errors / non-2xx | events received |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
      ].join('\n'),
    )
  })
}

if (options.episodes) {
  const port = await freePort(options.port)
  const { liveEpisodes: live, agents } = options
  const env = {
    // Room for the live episodes of the memory figure, then for every agent's.
    EPISODES_MAX_LIVE: String(live + agents),
    EPISODES_MAX_LIVE_CELLS: String(Math.max(32_000_000, (live + agents) * 1600)),
  }
  await withModel(ON, { port, env }, async (base, model) => {
    process.stderr.write(`episodes: ${live} live, then ${agents} agents for ${duration} s…\n`)
    const result = await benchEpisodes({ base, pid: model.pid!, live, agents, seconds: duration, ...DEFAULT_SIZE })
    emit('episodes', 'Episodes: one model process hosting many runs', episodesTable(result, DEFAULT_SIZE.width, DEFAULT_SIZE.height))
  })
}
await stopSink()

if (options.packing) {
  const problem = packingProblem()
  if (problem !== null) {
    process.stderr.write(`bench: the Batch packing benchmark is left out: ${problem}\n`)
  } else {
    const strategy = 'astar'
    const modes = await benchPacking({ runs: options.packingRuns, parallel: Math.max(2, cpus().length), strategy })
    emit('packing', 'AWS Batch packing, on the local Docker engine', packingTable(modes, strategy))
  }
}

if (options.readme !== null) {
  try {
    writeReadme(options.readme, blocks)
    process.stderr.write(`bench: wrote ${blocks.map((b) => b.id).join(', ') || 'nothing'} into ${options.readme}\n`)
  } catch (err) {
    if (!(err instanceof ReadmeMarkersError)) throw err
    console.error(`bench: ${err.message}`)
    process.exit(1)
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
