// The `maze-batch` command line: finds the command, parses its arguments once (util.parseArgs),
// runs it (one file per command in commands/) and turns a BatchError into a message and an exit
// code. `runCli` takes its inputs and outputs as arguments so tests run it in-process (with a mocked
// AWS SDK client) as well as through main.ts.
import { ConfigProblems, joinNegativeNumbers, readDetailed, type Env } from '@maze-sim/config'
import { check } from './commands/check.ts'
import { ExitCode, interruptedExitCode, type CliIo, type Command, type Values } from './commands/command.ts'
import { register } from './commands/register.ts'
import { render } from './commands/render.ts'
import { results } from './commands/results.ts'
import { runLocal } from './commands/run-local.ts'
import { status } from './commands/status.ts'
import { submit } from './commands/submit.ts'
import { watch } from './commands/watch.ts'
import { BatchError, BatchErrorCode, usageError } from './errors.ts'

export { ExitCode, type CliIo } from './commands/command.ts'

/** The commands, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  render,
  check,
  register,
  submit,
  status,
  watch,
  results,
  'run-local': runLocal,
}

const MAIN_USAGE = `Usage: maze-batch <command> [options]      (pnpm batch <command> ...)

AWS Batch for maze-sim: one job runs the collector, the model and the agent together; array jobs
run many seeds and strategies.

Commands:
  render      print the RegisterJobDefinition JSON for an account and region (offline)
  check       check a job definition against AWS Batch's rules (offline)
  register    render, check and register the job definition; prints its ARN
  submit      submit one run, or an array job over seeds and strategies; prints the job id(s)
  status      a job's state (array jobs: the children's counts by state)
  watch       follow jobs until they finish; exit 0 when all SUCCEEDED
  results     the agent's result line of each run, one JSON line per run
  run-local   run the job definition on the local Docker engine with Batch's semantics

Run \`maze-batch <command> --help\` for a command's options. See packages/batch/README.md.

Exit codes: 0 ok; 1 a job FAILED or check found errors; 2 bad command line, template or
parameter (BATCH_ERR_USAGE, BATCH_ERR_TEMPLATE); 3 AWS or Docker could not do it (BATCH_ERR_AWS,
BATCH_ERR_JOB_NOT_FOUND, BATCH_ERR_STACK_NOT_FOUND, BATCH_ERR_RESULTS, BATCH_ERR_DOCKER,
BATCH_ERR_IMAGE_MISSING); 130 interrupted by SIGINT, 143 by SIGTERM (BATCH_ERR_INTERRUPTED when
an AWS call was cut short).
`

/** `maze-batch --help` (`main`) and every command's `--help`. */
export const USAGE: Readonly<Record<string, string>> = {
  main: MAIN_USAGE,
  ...Object.fromEntries(Object.entries(COMMANDS).map(([name, command]) => [name, command.usage])),
}

/** The shared reader's negative-number handling (`--runs -1` is the value of --runs), as it was exported here. */
export const joinNegativeValues = joinNegativeNumbers

interface CommandLine {
  values: Values
  positionals: string[]
  sources: Readonly<Record<string, string | undefined>>
  help: boolean
}

/**
 * The command's options (flags and their variables, @maze-sim/config's rules) and arguments;
 * BATCH_ERR_USAGE naming every bad flag or variable, an unknown flag or a stray argument.
 */
function parseCommandLine(name: string, command: Command, args: readonly string[], env: Env): CommandLine {
  let parsed: CommandLine
  try {
    parsed = readDetailed(command.options, { env, argv: args, positionals: true })
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    throw usageError(err.commandLine ? `${err.problems.join('; ')}; see maze-batch ${name} --help` : err.problems.join('; '), err)
  }
  if (!parsed.help && !command.takesArguments && parsed.positionals.length > 0) {
    throw usageError(
      `${name} takes no arguments besides options, got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}; see maze-batch ${name} --help`,
    )
  }
  return parsed
}

const exitCodeOf = (err: BatchError, signal: AbortSignal | undefined): number => {
  switch (err.code) {
    case BatchErrorCode.Interrupted:
      return interruptedExitCode(signal)
    case BatchErrorCode.Usage:
    case BatchErrorCode.Template:
      return ExitCode.Usage
    case BatchErrorCode.Check:
      return ExitCode.Failed
    default:
      return ExitCode.Unavailable
  }
}

/** Where the main usage's list of commands ends: more commands' lines go before it. */
const COMMANDS_END = '\n\nRun `maze-batch <command> --help`'

/** Commands of a package on top of this one (@maze-sim/infra: deploy, push-images, destroy), and their lines in the main usage. */
export interface MoreCommands {
  readonly commands: Readonly<Record<string, Command>>
  /** Lines for the main usage's list of commands, each starting with a newline. */
  readonly usage: string
}

/** Runs one command line; returns the exit code. Errors are printed as `maze-batch: <CODE>: <message>`. */
export async function runCli(argv: readonly string[], io: CliIo, more?: MoreCommands): Promise<number> {
  const commands: Readonly<Record<string, Command>> = { ...COMMANDS, ...more?.commands }
  const mainUsage = more === undefined ? MAIN_USAGE : MAIN_USAGE.replace(COMMANDS_END, `${more.usage}${COMMANDS_END}`)
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined
    const usage = topic === undefined ? mainUsage : Object.hasOwn(commands, topic) ? commands[topic]!.usage : mainUsage
    io.stdout(usage)
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  try {
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined
    if (command === undefined)
      throw usageError(`unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(commands).join(', ')} (see --help)`)
    const { values, positionals, sources, help } = parseCommandLine(name, command, rest, io.env)
    if (help) {
      io.stdout(command.usage)
      return ExitCode.Ok
    }
    return await command.run(values, positionals, io, sources)
  } catch (err) {
    if (!(err instanceof BatchError)) throw err
    io.stderr(`maze-batch: ${err.code}: ${err.message}\n`)
    if (io.env.DEBUG !== undefined && io.env.DEBUG !== '' && err.cause !== undefined)
      io.stderr(`caused by: ${String((err.cause as Error).stack ?? err.cause)}\n`)
    return exitCodeOf(err, io.signal)
  }
}
