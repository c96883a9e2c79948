// What every `maze-batch` command is: its usage text, its options (util.parseArgs) and what it does.
// cli.ts parses the command line once and calls `run`; commands throw BatchErrors, cli.ts turns them
// into messages and exit codes.
import { helpFlag, type Table } from '@maze-sim/config'

/** Exit codes of `maze-batch`. */
export const ExitCode = {
  Ok: 0,
  /** A job FAILED, or `check` found errors. */
  Failed: 1,
  /** A bad command line, template or parameter (BATCH_ERR_USAGE, BATCH_ERR_TEMPLATE). */
  Usage: 2,
  /** AWS or Docker could not do it (BATCH_ERR_AWS, BATCH_ERR_JOB_NOT_FOUND, BATCH_ERR_RESULTS, BATCH_ERR_DOCKER, BATCH_ERR_IMAGE_MISSING). */
  Unavailable: 3,
  /** SIGINT stopped it (BATCH_ERR_INTERRUPTED). */
  Interrupted: 130,
  /** SIGTERM stopped it (BATCH_ERR_INTERRUPTED). */
  Terminated: 143,
} as const

/** The exit code of a command its signal stopped: 143 for SIGTERM (the abort's reason), else 130. */
export const interruptedExitCode = (signal: AbortSignal | undefined): number =>
  signal?.reason === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted (with the signal's name as reason) on SIGINT/SIGTERM: AWS calls, watch and run-local stop. */
  readonly signal?: AbortSignal | undefined
  /** stderr is a terminal: progress is redrawn in place instead of printed as lines. */
  readonly stderrIsTTY?: boolean | undefined
  /** For `watch` in tests. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** A command's options: a @maze-sim/config table, keyed by the flags' names. */
export type OptionSet = Table

/** The options of a command line as read (strings, numbers, booleans, lists), by flag name. */
export type Values = Readonly<Record<string, unknown>>

/** One command of `maze-batch`. */
export interface Command {
  /** What `maze-batch <command> --help` prints. */
  readonly usage: string
  readonly options: OptionSet
  /** True when it takes arguments besides options (a file, job ids). */
  readonly takesArguments: boolean
  /** Runs the command; returns the exit code. `sources`: the flag or variable each given value came from. */
  readonly run: (
    values: Values,
    positionals: readonly string[],
    io: CliIo,
    sources: Readonly<Record<string, string | undefined>>,
  ) => Promise<number>
}

/** `--help`, which every command has. */
export const helpOption = { help: helpFlag() } as const

/** A value as printed on stdout: indented JSON and a newline. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
