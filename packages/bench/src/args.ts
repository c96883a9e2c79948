// The benchmark's command line, parsed apart from running it so that it can be tested. Read with
// @maze-sim/config's rules; --help is generated from the same table.
import { fileURLToPath } from 'node:url'
import { boolean, ConfigProblems, decimal, help, helpFlag, integer, read, sizes, string, type Values } from '@maze-sim/config'
import { DEFAULT_SIZE } from '@maze-sim/maze'

/** Every option of `pnpm bench`, with its default. */
export const BENCH_OPTIONS = {
  // anySize: a size over the maze's limit is read and measured as refused, with the reason.
  sizes: sizes({
    flag: 'sizes',
    anySize: true,
    default: [
      DEFAULT_SIZE,
      { width: 1000, height: 1000 },
      { width: 3000, height: 3000 },
      { width: 10000, height: 10000 },
      { width: 20000, height: 20000 },
    ],
    placeholder: '<WxH,...>',
    description:
      'maze sizes to generate, each in a fresh process, then started as a model process (sizes over the limit are reported as refused)',
  }),
  duration: decimal({
    flag: 'duration',
    above: 0,
    max: 86_400,
    default: 10,
    placeholder: '<seconds>',
    description: 'seconds of load per HTTP run',
  }),
  warmup: decimal({
    flag: 'warmup',
    min: 0,
    max: 86_400,
    default: 2,
    placeholder: '<seconds>',
    description: 'seconds of load before each HTTP run, not measured (0: none)',
  }),
  port: integer({
    flag: 'port',
    min: 0,
    max: 65_535,
    default: 0,
    description: 'the port every model process the benchmark starts listens on, one at a time, on 127.0.0.1 (0: a free one each time)',
  }),
  rounds: integer({
    flag: 'rounds',
    min: 1,
    max: 100,
    default: 3,
    description: 'rounds of the telemetry off/on throughput runs, alternating (each --duration seconds after --warmup)',
  }),
  repeat: integer({
    flag: 'repeat',
    min: 1,
    max: 1000,
    default: 7,
    description: 'starts and agent runs per variant in the telemetry and start-up part (the median is reported)',
  }),
  connections: integer({ flag: 'connections', min: 1, max: 10_000, default: 32, description: 'concurrent keep-alive connections' }),
  viewers: integer({
    flag: 'viewers',
    min: 0,
    max: 10_000,
    default: 10,
    description: 'live-view viewers (SSE clients of /view/events) for the second HTTP run',
  }),
  agents: integer({
    flag: 'agents',
    min: 1,
    max: 1000,
    default: 64,
    description: 'astar agents playing episodes at once against one model, for --duration seconds',
  }),
  liveEpisodes: integer({
    flag: 'live-episodes',
    min: 1,
    max: 100_000,
    default: 1000,
    description: 'episodes created and left live, for the memory one costs the model',
  }),
  packingRuns: integer({
    flag: 'packing-runs',
    min: 1,
    max: 10_000,
    default: 100,
    description: 'runs of the Batch packing benchmark: one child playing them all, then one child per run (local Docker)',
  }),
  skipGenerate: boolean({ flag: 'skip-generate', description: 'leave out the generation benchmark' }),
  skipTelemetry: boolean({ flag: 'skip-telemetry', description: 'leave out the telemetry off/on and start-up benchmark' }),
  skipHttp: boolean({ flag: 'skip-http', description: 'leave out the /maze/pos latency benchmark (with and without viewers)' }),
  skipEpisodes: boolean({ flag: 'skip-episodes', description: 'leave out the episodes benchmark' }),
  skipPacking: boolean({
    flag: 'skip-packing',
    description: 'leave out the Batch packing benchmark (it is left out by itself, saying why, without Docker and the images)',
  }),
  writeReadme: boolean({
    flag: 'write-readme',
    description: "put each part's tables into the README, between its markers <!-- bench:<part> --> and <!-- /bench:<part> -->",
  }),
  readme: string({
    flag: 'readme',
    default: null,
    placeholder: '<path>',
    description: "the README --write-readme writes (default: the repository's README.md)",
  }),
  help: helpFlag(),
} as const

export const HELP = `Usage: pnpm bench [options]

${help(BENCH_OPTIONS)}`

/** What to benchmark, as the command line asked. */
export interface BenchOptions {
  readonly help: boolean
  /** Maze sizes to generate, as [width, height]. */
  readonly sizes: ReadonlyArray<readonly [number, number]>
  readonly durationSeconds: number
  readonly warmupSeconds: number
  readonly port: number
  readonly rounds: number
  readonly repeat: number
  readonly connections: number
  readonly viewers: number
  readonly agents: number
  readonly liveEpisodes: number
  readonly packingRuns: number
  readonly generate: boolean
  readonly telemetry: boolean
  readonly http: boolean
  readonly episodes: boolean
  readonly packing: boolean
  /** The README to write the tables into, or null (print them only). */
  readonly readme: string | null
}

/** A bad command line: the message says what to fix (the program prints it and exits 2). */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError'
  readonly code = 'BENCH_ERR_ARGS'
}

/** Parses the benchmark's arguments; throws BenchArgsError naming every bad option. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: Values<typeof BENCH_OPTIONS>
  try {
    values = read(BENCH_OPTIONS, { argv })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw new BenchArgsError(`${err.problems.join('; ')}${err.commandLine ? ' (see --help)' : ''}`, { cause: err })
  }
  return {
    help: values.help,
    sizes: values.sizes.map((s) => [s.width, s.height] as const),
    durationSeconds: values.duration,
    warmupSeconds: values.warmup,
    port: values.port,
    rounds: values.rounds,
    repeat: values.repeat,
    connections: values.connections,
    viewers: values.viewers,
    agents: values.agents,
    liveEpisodes: values.liveEpisodes,
    packingRuns: values.packingRuns,
    generate: !values.skipGenerate,
    telemetry: !values.skipTelemetry,
    http: !values.skipHttp,
    episodes: !values.skipEpisodes,
    packing: !values.skipPacking,
    readme: values.writeReadme ? (values.readme ?? fileURLToPath(new URL('../../../README.md', import.meta.url))) : null,
  }
}
