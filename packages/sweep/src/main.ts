#!/usr/bin/env node
// `pnpm sweep`: see cli.ts. SIGINT/SIGTERM stop handing out runs; in-process, runs in flight finish
// and are written; over HTTP the agent and model processes are stopped (what finished is written).
// Then the process exits 130 for SIGINT, 143 for SIGTERM (a second signal exits at once, killing
// any child process left).
import { ExitCode, runCli } from './cli.ts'

const abort = new AbortController()
let signalName: NodeJS.Signals | null = null
const onSignal = (name: NodeJS.Signals): void => {
  if (abort.signal.aborted) process.exit(name === 'SIGTERM' ? 143 : 130)
  signalName = name
  process.stderr.write(`\nmaze-sweep: ${name}: stopping; finished runs are kept (again to stop now)\n`)
  abort.abort(new Error(`stopped by ${name}`))
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: abort.signal,
})
process.exitCode = code === ExitCode.Interrupted && signalName === 'SIGTERM' ? 143 : code
