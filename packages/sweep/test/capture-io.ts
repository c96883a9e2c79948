// The CLI's output, captured: what `runCli` wrote to stdout and stderr, run from the repository root.
import { fileURLToPath } from 'node:url'
import type { CliIo } from '../src/cli.ts'

/** The repository root, the CLI's working directory in the tests. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url))

/** A CliIo that keeps what was written in `out` and `err` (stderr is not a terminal). */
export function captureIo(): CliIo & { out: string; err: string } {
  const captured = {
    out: '',
    err: '',
    stdout: (text: string) => {
      captured.out += text
    },
    stderr: {
      write: (text: string) => {
        captured.err += text
      },
      isTTY: false,
    },
    cwd: REPO,
  }
  return captured
}
