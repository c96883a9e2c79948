// `pnpm sweep`: the command line, parsed once into a typed config, then one command — `run` (the
// default: a local sweep) or `leaderboard` (the same leaderboard from result lines: a sweep's file,
// the Batch CLI's `results`, stdin). `runCli` takes its inputs and outputs as arguments so tests
// can run it in-process; main.ts wires it to the process.
import { closeSync, existsSync, mkdirSync, openSync, rmdirSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  boolean,
  ConfigProblems,
  extend,
  help,
  helpFlag,
  integer,
  joinNegativeNumbers,
  oneOf,
  readDetailed,
  repeated,
  string,
  type Reading,
  type Table,
} from '@maze-sim/config'
import { STRATEGY_NAMES } from '@maze-sim/agent'
import { describeDisagreement } from '@maze-sim/agent/referee'
import { DEFAULT_SIZE, seedsOf, SIZE_RULE } from '@maze-sim/maze'
import { renderRatioChart } from './chart.ts'
import { SweepError, SweepErrorCode, usageError } from './errors.ts'
import { formatMarkdown, formatText } from './format.ts'
import { buildLeaderboard, type ExpectedRun, type Leaderboard } from './leaderboard.ts'
import { expandPlan, parseSeeds, parseSizes, parseStrategies, planSize, SEEDS_OPTION, SIZES_OPTION, type SweepPlan } from './plan.ts'
import { defaultWorkers } from './pool.ts'
import { formatDuration, Progress, type ProgressStream } from './progress.ts'
import { readResultSources } from './results-file.ts'
import { defaultModels } from './http-slices.ts'
import { runSweep, TRANSPORTS, type TransportKind } from './sweep.ts'

/** Exit codes of `pnpm sweep`. */
export const ExitCode = {
  Ok: 0,
  /**
   * A worker thread failed (SWEEP_ERR_WORKER); http: model processes could not start or all died
   * (SWEEP_ERR_MODEL), agents refused their work (SWEEP_ERR_AGENT) — what finished is in --out; or
   * the Markdown or chart could not be written at the end (SWEEP_ERR_WRITE; the results file is complete).
   */
  Failed: 1,
  /** A bad flag or a strategy that cannot be loaded (SWEEP_ERR_USAGE, SWEEP_ERR_STRATEGY_LOAD). */
  Usage: 2,
  /** Results that cannot be read, or none at all (SWEEP_ERR_RESULTS). */
  Results: 3,
  /** Stopped by SIGINT (SIGTERM: 143, set by main.ts): what finished is in --out, rerun to finish. */
  Interrupted: 130,
} as const

export const DEFAULTS = {
  strategies: STRATEGY_NAMES.join(','),
  seeds: '1-100',
  size: `${DEFAULT_SIZE.width}x${DEFAULT_SIZE.height}`,
  out: 'sweep-results.jsonl',
} as const

/** The plan's flags: `run`'s, and optional for `leaderboard`. Their grammar is the plan's (plan.ts). */
const PLAN_OPTIONS = {
  strategies: string({
    flag: 'strategies',
    placeholder: '<a,b,...>',
    defaultText: DEFAULTS.strategies,
    allowed: `built-in names (${STRATEGY_NAMES.join(', ')}), package names or module paths, or python:<name> for the Python SDK's runner (--transport http), separated by commas`,
    description: 'the strategies',
  }),
  seeds: extend(SEEDS_OPTION, { defaultText: DEFAULTS.seeds }),
  size: extend(SIZES_OPTION, { defaultText: DEFAULTS.size }),
} as const

/** `sweep run`'s own flags. */
const RUN_OPTIONS = {
  out: string({ flag: 'out', placeholder: '<file>', default: DEFAULTS.out, description: 'results file, JSON lines' }),
  fresh: boolean({ flag: 'fresh', description: 'start --out afresh instead of resuming from it' }),
  workers: integer({
    flag: 'workers',
    min: 1,
    max: 256,
    default: null,
    defaultText: `the number of cores, ${defaultWorkers()} here`,
    description: 'worker threads (in-process), or agent processes at once (http)',
  }),
  transport: oneOf(TRANSPORTS, {
    flag: 'transport',
    default: 'in-process',
    description:
      "in-process: the agent's runner on worker threads, the model's answers without sockets; http: model and agent processes over HTTP, refereed by the model, as on Batch",
  }),
  models: integer({
    flag: 'models',
    min: 1,
    max: 256,
    default: null,
    defaultText: 'one per two agents',
    description: 'model processes (http only)',
  }),
  python: string({
    env: 'MAZE_PYTHON',
    defaultText: 'python3',
    description: "the Python that plays python:<name> strategies (http only), with the SDK's sources on its PYTHONPATH",
  }),
} as const

/** `sweep leaderboard`'s own flags. */
const LEADERBOARD_OPTIONS = {
  from: repeated({ flag: 'from', placeholder: '<file|->', description: 'result lines; repeatable; - reads stdin' }),
} as const

/** The flags of both commands. */
const OUTPUT_OPTIONS = {
  baseline: string({
    flag: 'baseline',
    placeholder: '<strategy>',
    defaultText: 'random-dfs if present, else the first name in alphabetical order',
    description: 'compared with every other strategy on the same seeds (paired t-test and Wilcoxon signed-rank test)',
  }),
  markdown: string({ flag: 'markdown', placeholder: '<file>', description: 'also write the leaderboard as Markdown' }),
  chart: string({
    flag: 'chart',
    placeholder: '<file.svg>',
    allowed: 'a file ending in .svg',
    check: (file) => file.endsWith('.svg'),
    description: 'also write an SVG chart of the optimal-path ratio per strategy',
  }),
  timings: boolean({
    flag: 'timings',
    negatable: true,
    default: true,
    description: 'leave the time per run out (the rest depends only on the results)',
  }),
  quiet: boolean({ flag: 'quiet', short: 'q', description: 'no progress on stderr' }),
  help: helpFlag('this text'),
} as const

/** Every flag of `pnpm sweep`: one table, read once; each command refuses the other's. */
export const SWEEP_OPTIONS = { ...PLAN_OPTIONS, ...RUN_OPTIONS, ...LEADERBOARD_OPTIONS, ...OUTPUT_OPTIONS } as const

export const USAGE = `Usage: pnpm sweep [run] [options]
       pnpm sweep leaderboard --from <file|-> [options]

run (the default): every strategy plays every seed at every size, with the agent's own runner and
strategies. Results are appended to --out as JSON lines as runs finish; stop it (Ctrl-C) and run
the same command again to finish only what is missing. Then prints the leaderboard.

  --transport in-process (default): worker threads (--workers, one per core) play the runs, the
  maze answered in memory: fast. Ctrl-C lets the runs in flight finish.
  --transport http: as on AWS Batch, over real HTTP between processes. Starts --models model
  processes and agent processes, --workers at a time (one per core), each playing a slice of the
  runs (\`maze-agent --strategy a,b --seeds LIST\`: every strategy on each of its seeds) against
  the model with the fewest agents. The results written are the referee's: the line the model
  prints for each ended episode, matched with the agent's own result line; where the agent said
  otherwise, one line on stderr (the referee's figures are written). A run the referee never saw
  end (an agent or a model process died) is played once more in a later slice, then written as
  failed (error SWEEP_ERR_UNREFEREED, or the agent's); a dead model's runs go to the others.
  Ctrl-C stops every process; the runs that finished are in --out.

${help({ ...PLAN_OPTIONS, ...RUN_OPTIONS })}
leaderboard: the same leaderboard from result lines — a sweep's --out file, the output of
\`pnpm batch results <job id>\` (rows with "result"), or any file of agent result lines.

${help(LEADERBOARD_OPTIONS)}  --strategies, --seeds, --size are optional here: the plan. Only its runs count, and its runs
  that have no result (e.g. Batch children that failed) count as not solved. Strategies are given
  by name here.

Both:
${help(OUTPUT_OPTIONS)}
Sizes follow the maze's rule: ${SIZE_RULE}.
Output files (--out, --markdown, --chart) are checked before the first run: a path that cannot be
written is a usage error. Negative numbers are refused with the flag's own message.

Exit codes: 0 done; 1 a worker failed (SWEEP_ERR_WORKER), the model processes could not start or
all died (SWEEP_ERR_MODEL), the agents refused their work or could not start (SWEEP_ERR_AGENT) —
--out keeps what finished —, or --markdown / --chart could not be written at the end
(SWEEP_ERR_WRITE; --out holds every result, rerun to write them); 2 bad options,
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
  | ({
      readonly command: 'run'
      readonly plan: SweepPlan
      readonly out: string
      readonly fresh: boolean
      readonly workers: number
      readonly transport: TransportKind
      /** Model processes (http). */
      readonly models: number
    } & OutputConfig)
  | ({ readonly command: 'leaderboard'; readonly from: readonly string[]; readonly plan: SweepPlan | null } & OutputConfig)

/** The shared reader's negative-number handling (`--seeds -5` is the value of --seeds), as it was exported here. */
export const joinNegativeValues = joinNegativeNumbers

/** Reads `table` from the command line with @maze-sim/config's rules; its problems as one-line SWEEP_ERR_USAGE. */
export function readFlags<T extends Table>(table: T, argv: readonly string[]): Reading<T> {
  try {
    return readDetailed(table, { argv })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw usageError(`${err.problems.join('; ')}${err.commandLine ? '; see --help' : ''}`)
  }
}

/** Parses the command line; throws SWEEP_ERR_USAGE naming the flag. */
export function readConfig(argv: readonly string[]): SweepConfig {
  const [first, ...rest] = argv
  const command = first === 'run' || first === 'leaderboard' ? first : 'run'
  const args = first === 'run' || first === 'leaderboard' ? rest : [...argv]
  const { values, sources, help: wantsHelp } = readFlags(SWEEP_OPTIONS, args)
  if (wantsHelp) return { command: 'help' }
  const output: OutputConfig = {
    baseline: values.baseline ?? null,
    markdown: values.markdown ?? null,
    chart: values.chart ?? null,
    timings: values.timings,
    quiet: values.quiet,
  }

  if (command === 'leaderboard') {
    for (const k of ['out', 'fresh', 'workers', 'transport', 'models'] as const)
      if (sources[k] !== undefined) throw usageError(`--${k} is for \`sweep run\`, not \`sweep leaderboard\``)
    const from = values.from
    if (from.length === 0) throw usageError('leaderboard needs --from <file> (or --from - for stdin): result lines to read')
    const given = (['strategies', 'seeds', 'size'] as const).filter((k) => values[k] !== undefined)
    if (given.length > 0 && given.length < 3)
      throw usageError('--strategies, --seeds and --size describe the plan together: give all three, or none')
    const plan =
      given.length === 3
        ? { strategies: parseStrategies(values.strategies!), seeds: [...seedsOf(values.seeds!)], sizes: values.size! }
        : null
    return { command, from, plan, ...output }
  }

  if (sources.from !== undefined) throw usageError('--from is for `sweep leaderboard`')
  if (sources.models !== undefined && values.transport !== 'http')
    throw usageError('--models is for --transport http (the in-process sweep starts no model)')
  const plan: SweepPlan = {
    strategies: parseStrategies(values.strategies ?? DEFAULTS.strategies),
    seeds: values.seeds !== undefined ? [...seedsOf(values.seeds)] : parseSeeds(DEFAULTS.seeds),
    sizes: values.size ?? parseSizes(DEFAULTS.size),
  }
  if (planSize(plan) > 10_000_000) throw usageError(`${planSize(plan)} runs is too many for one sweep: split it`)
  const workers = values.workers ?? defaultWorkers()
  return {
    command,
    plan,
    out: values.out,
    fresh: values.fresh,
    workers,
    transport: values.transport,
    models: Math.min(workers, values.models ?? defaultModels(workers)),
    ...output,
  }
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
      [...(config.command === 'run' ? [['--out', config.out] as const] : []), ['--markdown', config.markdown], ['--chart', config.chart]],
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
  // A line between two redraws of the bar starts on a line of its own. Warnings are printed even with --quiet.
  const say = (line: string): void => {
    progress?.end()
    io.stderr.write(`maze-sweep: ${line}\n`)
  }
  const startedAt = performance.now()
  const out = resolve(io.cwd, config.out)
  const http = config.transport === 'http'
  let announced = false
  const outcome = await runSweep({
    plan,
    out,
    fresh: config.fresh,
    workers: config.workers,
    transport: config.transport,
    models: config.models,
    cwd: io.cwd,
    ...(io.signal ? { signal: io.signal } : {}),
    onDisagreement: (d) => say(`disagreement: ${describeDisagreement(d)}`),
    onNote: say,
    onProgress: (p) => {
      if (!announced) {
        announced = true
        const on = Math.min(config.workers, Math.max(1, p.todo))
        log(
          `${plan.strategies.length} strateg${plan.strategies.length === 1 ? 'y' : 'ies'} x ${plan.seeds.length} seeds x ${plan.sizes.length} size${plan.sizes.length === 1 ? '' : 's'} = ${p.total} runs; ` +
            `${p.reused} already in ${config.out}, ${p.todo} to run ` +
            (http
              ? `by ${on} agent process${on === 1 ? '' : 'es'} at a time on ${Math.min(config.models, on)} model process${config.models === 1 ? '' : 'es'} (http)`
              : `on ${on} worker${config.workers === 1 ? '' : 's'} (${config.transport})`),
        )
      }
      progress?.update(p.done, p.todo)
    },
  })
  progress?.end()
  if (outcome.truncatedBytes > 0)
    log(`cut off a truncated last line (${outcome.truncatedBytes} bytes) in ${config.out}: that run was done again`)
  if (outcome.http !== null) {
    const h = outcome.http
    if (h.disagreements > 0)
      say(`${h.disagreements} run(s) where an agent's line disagreed with the referee: the referee's figures were written`)
    if (h.replayed > 0) say(`${h.replayed} run(s) played a second time (no referee's record of their end the first time)`)
    if (h.unrefereed > 0)
      say(`${h.unrefereed} run(s) written as failed (SWEEP_ERR_UNREFEREED or the agent's error): no referee's record in two tries`)
  }
  const seconds = (performance.now() - startedAt) / 1000
  if (outcome.interrupted) {
    log(
      `interrupted: ${outcome.ran} runs finished now, ${outcome.reused + outcome.ran} of ${outcome.total} in ${config.out}; run the same command again to finish`,
    )
    return ExitCode.Interrupted
  }
  const where =
    outcome.http !== null
      ? `by ${outcome.http.agentProcesses} agent process(es) on ${outcome.http.modelProcesses} model process(es), refereed`
      : `on ${outcome.threadIds.length} worker thread(s)`
  log(`${outcome.ran} runs in ${formatDuration(seconds * 1000)} ${where}; ${outcome.results.length} results for the leaderboard`)
  const baseline = config.baseline === null ? undefined : (outcome.names.get(config.baseline) ?? config.baseline)
  if (baseline !== undefined && ![...outcome.names.values()].includes(baseline))
    throw usageError(`--baseline ${config.baseline} is not one of the sweep's strategies (${[...outcome.names.values()].join(', ')})`)
  const board = buildLeaderboard(outcome.results, { expected: outcome.expected, ...(baseline !== undefined ? { baseline } : {}) })
  emit(board, config, io, log)
  return ExitCode.Ok
}

function leaderboardCommand(config: Extract<SweepConfig, { command: 'leaderboard' }>, io: CliIo, log: (line: string) => void): number {
  const read = readResultSources(
    config.from.map((f) => (f === '-' ? f : resolve(io.cwd, f))),
    io.readStdin,
  )
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
  const board = buildLeaderboard(read.results, {
    ...(expected ? { expected } : {}),
    ...(config.baseline !== null ? { baseline: config.baseline } : {}),
  })
  emit(board, config, io, log)
  return ExitCode.Ok
}
