// `pnpm sweep`: the command line, parsed once into a typed config, then one command — `run` (the
// default: a local sweep) or `leaderboard` (the same leaderboard from result lines: a sweep's file,
// the Batch CLI's `results`, stdin). `runCli` takes its inputs and outputs as arguments so tests
// can run it in-process; main.ts wires it to the process.
import { closeSync, existsSync, mkdirSync, openSync, rmdirSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { STRATEGY_NAMES } from '@maze-sim/agent'
import { SIZE_RULE } from '@maze-sim/maze'
import { renderRatioChart } from './chart.ts'
import { SweepError, SweepErrorCode, usageError } from './errors.ts'
import { formatMarkdown, formatText } from './format.ts'
import { buildLeaderboard, type ExpectedRun, type Leaderboard } from './leaderboard.ts'
import { expandPlan, parseSeeds, parseSizes, parseStrategies, planSize, type SweepPlan } from './plan.ts'
import { defaultWorkers } from './pool.ts'
import { formatDuration, Progress, type ProgressStream } from './progress.ts'
import { readResultSources } from './results-file.ts'
import { TRANSPORTS, type TransportKind } from './run-one.ts'
import { runSweep } from './sweep.ts'

/** Exit codes of `pnpm sweep`. */
export const ExitCode = {
  Ok: 0,
  /** A worker thread failed (SWEEP_ERR_WORKER), or the Markdown or chart could not be written at the end (SWEEP_ERR_WRITE; the results file is complete). */
  Failed: 1,
  /** A bad flag or a strategy that cannot be loaded (SWEEP_ERR_USAGE, SWEEP_ERR_STRATEGY_LOAD). */
  Usage: 2,
  /** Results that cannot be read, or none at all (SWEEP_ERR_RESULTS). */
  Results: 3,
  /** Stopped by SIGINT (SIGTERM: 143, set by main.ts): what finished is in --out, rerun to finish. */
  Interrupted: 130,
} as const

export const DEFAULTS = { strategies: STRATEGY_NAMES.join(','), seeds: '1-100', size: '80x20', out: 'sweep-results.jsonl' } as const

export const USAGE = `Usage: pnpm sweep [run] [options]
       pnpm sweep leaderboard --from <file|-> [options]

run (the default): every strategy plays every seed at every size, on worker threads (one per
core), with the agent's own runner and strategies. Results are appended to --out as JSON lines as
runs finish; stop it (Ctrl-C) and run the same command again to finish only what is missing.
Then prints the leaderboard.

  --strategies <a,b,...>   built-in names (${STRATEGY_NAMES.join(', ')}), package names or module paths
                           (default ${DEFAULTS.strategies})
  --seeds <list>           maze seeds: a range 1-500, a list 1,5,9, or both (default ${DEFAULTS.seeds})
  --size <WxH[,WxH...]>    maze sizes (default ${DEFAULTS.size})
  --out <file>             results file, JSON lines (default ${DEFAULTS.out})
  --fresh                  start --out afresh instead of resuming from it
  --workers <n>            worker threads (default: the number of cores, ${defaultWorkers()} here)
  --transport <kind>       in-process (default: the model's answers without sockets) or http (a real
                           model server per run, as on Batch)

leaderboard: the same leaderboard from result lines — a sweep's --out file, the output of
\`pnpm batch results <job id>\` (rows with "result"), or any file of agent result lines.

  --from <file|->          result lines; repeatable; - reads stdin
  --strategies, --seeds, --size   optional: the plan. Only its runs count, and its runs that have no
                           result (e.g. Batch children that failed) count as not solved. Strategies
                           are given by name here.

Both:
  --baseline <strategy>    compared with every other strategy on the same seeds (paired t-test and
                           Wilcoxon signed-rank test); default random-dfs if present, else the first
                           name in alphabetical order
  --markdown <file>        also write the leaderboard as Markdown
  --chart <file.svg>       also write an SVG chart of the optimal-path ratio per strategy
  --no-timings             leave the time per run out (the rest depends only on the results)
  -q, --quiet              no progress on stderr
  -h, --help               this text

Sizes follow the maze's rule: ${SIZE_RULE}.
Output files (--out, --markdown, --chart) are checked before the first run: a path that cannot be
written is a usage error. Negative numbers are refused with the flag's own message.

Exit codes: 0 done; 1 a worker failed (SWEEP_ERR_WORKER), or --markdown / --chart could not be
written at the end (SWEEP_ERR_WRITE; --out holds every result, rerun to write them); 2 bad options,
output path or strategy (SWEEP_ERR_USAGE, SWEEP_ERR_STRATEGY_LOAD); 3 unreadable or no results
(SWEEP_ERR_RESULTS); 130 / 143 stopped by SIGINT / SIGTERM (rerun the same command to finish).
`

interface OutputConfig {
  readonly baseline: string | null
  readonly markdown: string | null
  readonly chart: string | null
  readonly timings: boolean
  readonly quiet: boolean
}

export type SweepConfig =
  | { readonly command: 'help' }
  | ({ readonly command: 'run'; readonly plan: SweepPlan; readonly out: string; readonly fresh: boolean; readonly workers: number; readonly transport: TransportKind } & OutputConfig)
  | ({ readonly command: 'leaderboard'; readonly from: readonly string[]; readonly plan: SweepPlan | null } & OutputConfig)

type ParseOptions = NonNullable<ParseArgsConfig['options']>

const OPTIONS: ParseOptions = {
  strategies: { type: 'string' },
  seeds: { type: 'string' },
  size: { type: 'string' },
  out: { type: 'string' },
  fresh: { type: 'boolean' },
  workers: { type: 'string' },
  transport: { type: 'string' },
  from: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  markdown: { type: 'string' },
  chart: { type: 'string' },
  timings: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
}

/**
 * `--seeds -5`: util.parseArgs refuses a value that starts with a dash ("argument is ambiguous"). A
 * negative number after a flag that takes a value is that flag's value (as if `--seeds=-5` were
 * written), so the flag's own check answers with what it allows. Anything after `--` is left alone.
 */
export function joinNegativeValues(args: readonly string[], options: ParseOptions): string[] {
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith('--')) return options[arg.slice(2)]?.type === 'string'
    return /^-[A-Za-z]$/.test(arg) && Object.values(options).some((o) => o.short === arg[1] && o.type === 'string')
  }
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    const next = args[i + 1]
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** util.parseArgs with negative numbers as values, its errors as one-line SWEEP_ERR_USAGE. */
export function parseFlags(args: readonly string[], options: ParseOptions): Record<string, string | boolean | string[] | undefined> {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), allowPositionals: false, allowNegative: true, options }).values as Record<string, string | boolean | string[] | undefined>
  } catch (err) {
    throw usageError(`${(err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')}; see --help`)
  }
}

/** Parses the command line; throws SWEEP_ERR_USAGE naming the flag. */
export function readConfig(argv: readonly string[]): SweepConfig {
  const [first, ...rest] = argv
  const command = first === 'run' || first === 'leaderboard' ? first : 'run'
  const args = first === 'run' || first === 'leaderboard' ? rest : [...argv]
  const values = parseFlags(args, OPTIONS)
  if (values.help === true) return { command: 'help' }
  const str = (k: string): string | undefined => values[k] as string | undefined
  const output: OutputConfig = {
    baseline: str('baseline') ?? null,
    markdown: str('markdown') ?? null,
    chart: str('chart') ?? null,
    timings: values.timings !== false,
    quiet: values.quiet === true,
  }
  if (output.chart !== null && !output.chart.endsWith('.svg')) throw usageError(`--chart writes SVG: give a file ending in .svg, got ${output.chart}`)

  if (command === 'leaderboard') {
    for (const k of ['out', 'fresh', 'workers', 'transport']) if (values[k] !== undefined) throw usageError(`--${k} is for \`sweep run\`, not \`sweep leaderboard\``)
    const from = (values.from as string[] | undefined) ?? []
    if (from.length === 0) throw usageError('leaderboard needs --from <file> (or --from - for stdin): result lines to read')
    const given = ['strategies', 'seeds', 'size'].filter((k) => values[k] !== undefined)
    if (given.length > 0 && given.length < 3) throw usageError('--strategies, --seeds and --size describe the plan together: give all three, or none')
    const plan = given.length === 3 ? { strategies: parseStrategies(str('strategies')!), seeds: parseSeeds(str('seeds')!), sizes: parseSizes(str('size')!) } : null
    return { command, from, plan, ...output }
  }

  if (values.from !== undefined) throw usageError('--from is for `sweep leaderboard`')
  const workersText = str('workers')
  const workers = workersText === undefined ? defaultWorkers() : /^\d+$/.test(workersText.trim()) ? Number(workersText) : Number.NaN
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw usageError(`--workers must be a whole number from 1 to 256, got ${workersText}`)
  const transport = str('transport') ?? 'in-process'
  if (!(TRANSPORTS as readonly string[]).includes(transport)) throw usageError(`--transport must be one of ${TRANSPORTS.join(', ')}, got ${transport}`)
  const plan: SweepPlan = {
    strategies: parseStrategies(str('strategies') ?? DEFAULTS.strategies),
    seeds: parseSeeds(str('seeds') ?? DEFAULTS.seeds),
    sizes: parseSizes(str('size') ?? DEFAULTS.size),
  }
  if (planSize(plan) > 10_000_000) throw usageError(`${planSize(plan)} runs is too many for one sweep: split it`)
  return { command, plan, out: str('out') ?? DEFAULTS.out, fresh: values.fresh === true, workers, transport: transport as TransportKind, ...output }
}

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: ProgressStream
  readonly cwd: string
  readonly signal?: AbortSignal
  readonly readStdin?: () => string
}

/**
 * Why `path` cannot be written, or null. Looked at before any work starts, so a sweep of an hour does
 * not end in an error about its chart: the path is a directory, a parent is a file, or writing is
 * refused — tried for real (permissions alone say nothing to root or on a read-only file system):
 * the file is opened for appending, or the first missing directory is made; whatever that creates
 * is removed again. Walks up at most to the root. A write can still fail later (a full disk):
 * writeOutput then says so in one line.
 */
export function outputProblem(path: string): string | null {
  const stat = (p: string): Stats | null | string => {
    try {
      return statSync(p, { throwIfNoEntry: false }) ?? null
    } catch (err) {
      // ENOTDIR: a parent is a file, found further up.
      return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? null : (err as Error).message
    }
  }
  let firstMissing: string | null = null
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const found = stat(dir)
    if (typeof found === 'string') return found
    if (found !== null) {
      if (!found.isDirectory()) return `cannot create ${path}: ${dir} is not a directory`
      break
    }
    firstMissing = dir
    if (dirname(dir) === dir) return `cannot create ${path}: no directory above it exists`
  }
  try {
    if (firstMissing !== null) {
      mkdirSync(firstMissing)
      rmdirSync(firstMissing)
      return null
    }
    const own = stat(path)
    if (typeof own === 'string') return own
    if (own?.isDirectory() === true) return `${path} is a directory`
    closeSync(openSync(path, 'a'))
    if (own === null) unlinkSync(path)
    return null
  } catch (err) {
    return `cannot write ${path}: ${(err as Error).message}`
  }
}

/** Makes `dir` and its missing parents one by one (bounded by the path's depth; `mkdirSync(recursive)` loops for ever under /proc). */
function makeDirectories(dir: string): void {
  const missing: string[] = []
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d)
  for (const d of missing) mkdirSync(d)
}

/** Fails fast (SWEEP_ERR_USAGE) when an output file of the command cannot be written. */
function checkOutputs(outputs: readonly (readonly [flag: string, file: string | null])[], cwd: string): void {
  for (const [flag, file] of outputs) {
    if (file === null) continue
    const problem = outputProblem(resolve(cwd, file))
    if (problem !== null) throw usageError(`${flag} ${file}: ${problem}`)
  }
}

/** Writes one output file (creating its directory); a failure is one line, SWEEP_ERR_WRITE, with the error as cause. */
export function writeOutput(path: string, text: string | Uint8Array, what: string): void {
  try {
    makeDirectories(dirname(path))
    writeFileSync(path, text)
  } catch (err) {
    throw new SweepError(SweepErrorCode.Write, `cannot write the ${what} to ${path}: ${(err as Error).message}`, { cause: err })
  }
}

/** Writes the leaderboard's outputs: the table on stdout, Markdown and the chart to their files. */
function emit(board: Leaderboard, config: OutputConfig, io: CliIo, log: (line: string) => void): void {
  io.stdout(formatText(board, { timings: config.timings }))
  const write = (file: string, text: string, what: string): void => {
    writeOutput(resolve(io.cwd, file), text, what)
    log(`${what} written to ${file}`)
  }
  if (config.markdown !== null) write(config.markdown, formatMarkdown(board, { timings: config.timings }), 'Markdown leaderboard')
  if (config.chart !== null) write(config.chart, renderRatioChart(board), 'chart')
}

function exitCodeOf(err: unknown): number {
  if (!(err instanceof SweepError)) return ExitCode.Failed
  switch (err.code) {
    case SweepErrorCode.Usage:
    case SweepErrorCode.StrategyLoad:
      return ExitCode.Usage
    case SweepErrorCode.Results:
      return ExitCode.Results
    default:
      return ExitCode.Failed
  }
}

/** Runs one `pnpm sweep` command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let config: SweepConfig
  try {
    config = readConfig(argv)
  } catch (err) {
    io.stderr.write(`maze-sweep: ${(err as SweepError).code ?? 'SWEEP_ERR_USAGE'}: ${(err as Error).message}\n`)
    return ExitCode.Usage
  }
  if (config.command === 'help') {
    io.stdout(USAGE)
    return ExitCode.Ok
  }
  const log = (line: string): void => {
    if (!config.quiet) io.stderr.write(`maze-sweep: ${line}\n`)
  }
  try {
    checkOutputs(
      [
        ...(config.command === 'run' ? [['--out', config.out] as const] : []),
        ['--markdown', config.markdown],
        ['--chart', config.chart],
      ],
      io.cwd,
    )
    return config.command === 'run' ? await sweepCommand(config, io, log) : leaderboardCommand(config, io, log)
  } catch (err) {
    const code = err instanceof SweepError ? err.code : 'SWEEP_ERR_UNEXPECTED'
    io.stderr.write(`maze-sweep: ${code}: ${err instanceof Error ? err.message : String(err)}\n`)
    if (!(err instanceof SweepError) && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`)
    return exitCodeOf(err)
  }
}

async function sweepCommand(config: Extract<SweepConfig, { command: 'run' }>, io: CliIo, log: (line: string) => void): Promise<number> {
  const { plan } = config
  const progress = config.quiet ? null : new Progress(io.stderr)
  const startedAt = performance.now()
  const out = resolve(io.cwd, config.out)
  let announced = false
  const outcome = await runSweep({
    plan,
    out,
    fresh: config.fresh,
    workers: config.workers,
    transport: config.transport,
    cwd: io.cwd,
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: (p) => {
      if (!announced) {
        announced = true
        log(
          `${plan.strategies.length} strateg${plan.strategies.length === 1 ? 'y' : 'ies'} x ${plan.seeds.length} seeds x ${plan.sizes.length} size${plan.sizes.length === 1 ? '' : 's'} = ${p.total} runs; ` +
            `${p.reused} already in ${config.out}, ${p.todo} to run on ${Math.min(config.workers, Math.max(1, p.todo))} worker${config.workers === 1 ? '' : 's'} (${config.transport})`,
        )
      }
      progress?.update(p.done, p.todo)
    },
  })
  progress?.end()
  if (outcome.truncatedBytes > 0) log(`cut off a truncated last line (${outcome.truncatedBytes} bytes) in ${config.out}: that run was done again`)
  const seconds = (performance.now() - startedAt) / 1000
  if (outcome.interrupted) {
    log(`interrupted: ${outcome.ran} runs finished now, ${outcome.reused + outcome.ran} of ${outcome.total} in ${config.out}; run the same command again to finish`)
    return ExitCode.Interrupted
  }
  log(`${outcome.ran} runs in ${formatDuration(seconds * 1000)} on ${outcome.threadIds.length} worker thread(s); ${outcome.results.length} results for the leaderboard`)
  const baseline = config.baseline === null ? undefined : (outcome.names.get(config.baseline) ?? config.baseline)
  if (baseline !== undefined && ![...outcome.names.values()].includes(baseline)) throw usageError(`--baseline ${config.baseline} is not one of the sweep's strategies (${[...outcome.names.values()].join(', ')})`)
  const board = buildLeaderboard(outcome.results, { expected: outcome.expected, ...(baseline !== undefined ? { baseline } : {}) })
  emit(board, config, io, log)
  return ExitCode.Ok
}

function leaderboardCommand(config: Extract<SweepConfig, { command: 'leaderboard' }>, io: CliIo, log: (line: string) => void): number {
  const read = readResultSources(config.from.map((f) => (f === '-' ? f : resolve(io.cwd, f))), io.readStdin)
  if (read.skipped > 0) log(`${read.skipped} line(s) were not result lines (truncated or other output) and were skipped`)
  const expected: ExpectedRun[] | undefined = config.plan
    ? expandPlan(config.plan).map((r) => ({ strategy: r.strategy, seed: r.seed, width: r.width, height: r.height }))
    : undefined
  if (read.missing.length > 0) {
    const indices = read.missing.map((m) => m.arrayIndex ?? '?').join(', ')
    log(
      expected
        ? `${read.missing.length} run(s) had no result line (array index ${indices}): counted as not solved through the plan`
        : `${read.missing.length} run(s) had no result line (array index ${indices}): not counted; give --strategies, --seeds and --size to count them as not solved`,
    )
  }
  if (read.results.length === 0 && expected === undefined) {
    throw new SweepError(SweepErrorCode.Results, `no result lines in ${config.from.join(', ')}`)
  }
  const names = [...new Set(read.results.map((r) => r.strategy))]
  if (config.baseline !== null && !names.includes(config.baseline) && !(expected ?? []).some((e) => e.strategy === config.baseline)) {
    throw usageError(`--baseline ${config.baseline} has no results; strategies found: ${names.join(', ')}`)
  }
  const board = buildLeaderboard(read.results, { ...(expected ? { expected } : {}), ...(config.baseline !== null ? { baseline: config.baseline } : {}) })
  emit(board, config, io, log)
  return ExitCode.Ok
}
