// The benchmark's command line, parsed apart from running it so that it can be tested.
import { parseArgs } from 'node:util'

export const HELP = `Usage: pnpm bench [--sizes 80x20,1000x1000,...] [--duration SECONDS] [--warmup SECONDS] [--connections N] [--viewers N] [--skip-generate] [--skip-http]

  --sizes          maze sizes to generate, each in a fresh process (default 80x20,1000x1000,3000x3000,10000x10000)
  --duration       seconds of load per HTTP run (default 10)
  --warmup         seconds of load before the HTTP runs, not measured (default 2; 0 = none)
  --connections    concurrent keep-alive connections (default 32)
  --viewers        live-view viewers (SSE clients of /view/events) for the second HTTP run (default 10)
  --skip-generate  only the HTTP benchmark
  --skip-http      only the generation benchmark
`

/** What to benchmark, as the command line asked. */
export interface BenchOptions {
  readonly help: boolean
  /** Maze sizes to generate, as [width, height]. */
  readonly sizes: ReadonlyArray<readonly [number, number]>
  readonly durationSeconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly viewers: number
  readonly generate: boolean
  readonly http: boolean
}

/** A bad command line: the message says what to fix (the program prints it and exits 2). */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError'
  readonly code = 'BENCH_ERR_ARGS'
}

/** Parses the benchmark's arguments; throws BenchArgsError naming the bad option. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        sizes: { type: 'string', default: '80x20,1000x1000,3000x3000,10000x10000' },
        duration: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '2' },
        connections: { type: 'string', default: '32' },
        viewers: { type: 'string', default: '10' },
        'skip-generate': { type: 'boolean', default: false },
        'skip-http': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (err) {
    throw new BenchArgsError(`${(err as Error).message} (see --help)`)
  }
  const sizes = values.sizes.split(',').map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim())
    if (!m) throw new BenchArgsError(`--sizes wants WIDTHxHEIGHT pairs separated by commas, got "${s}"`)
    return [Number(m[1]), Number(m[2])] as const
  })
  const durationSeconds = Number(values.duration)
  const warmupSeconds = Number(values.warmup)
  const connections = Number(values.connections)
  const viewers = Number(values.viewers)
  if (!(durationSeconds > 0) || !(connections > 0) || !Number.isInteger(viewers) || viewers < 0) {
    throw new BenchArgsError('--duration and --connections must be positive numbers, --viewers a whole number')
  }
  if (!(warmupSeconds >= 0)) throw new BenchArgsError('--warmup must be a number of seconds, 0 or more')
  return {
    help: values.help,
    sizes,
    durationSeconds,
    warmupSeconds,
    connections,
    viewers,
    generate: !values['skip-generate'],
    http: !values['skip-http'],
  }
}
