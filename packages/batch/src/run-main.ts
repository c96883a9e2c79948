// `maze-batch`: the program around runCli (cli.ts). The first SIGINT/SIGTERM aborts the commands'
// signal: an AWS call in flight ends at once, a watch stops polling, run-local stops and removes its
// containers; the command then exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once.
import { runCli, type MoreCommands } from './cli.ts'

/** Runs the command line of this process and sets its exit code; `more`: a package's own commands (@maze-sim/infra). */
export async function runMain(more?: MoreCommands): Promise<void> {
  const controller = new AbortController()
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1
    if (signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143)
    process.stderr.write(`maze-batch: ${signal}: stopping (again to exit at once)\n`)
    // The reason names the signal: the exit code follows it (interruptedExitCode).
    controller.abort(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    process.exitCode = await runCli(
      process.argv.slice(2),
      {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        signal: controller.signal,
        stderrIsTTY: process.stderr.isTTY === true,
      },
      more,
    )
  } catch (err) {
    // A bug, not a BatchError: show it whole.
    process.stderr.write(`maze-batch: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  }
}
