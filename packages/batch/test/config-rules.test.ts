// `maze-batch submit --dry-run` refuses what every program refuses, in @maze-sim/config's words:
// a value with spaces around it, a number with a sign, a seed list with spaces inside a range. Exit 2,
// BATCH_ERR_USAGE, before any plan is made.
import { ConfigProblems, read } from '@maze-sim/config'
import { describe, expect, test } from 'vitest'
import { runCli } from '../src/cli.ts'
import { runOptions } from '../src/commands/flags.ts'

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} })
  return { code, stdout, stderr }
}

/** What @maze-sim/config says of `--<flag>=<value>` read by submit's own option. */
function configSays(flag: keyof typeof runOptions, value: string): string {
  try {
    read({ value: runOptions[flag] }, { argv: [`--${flag}=${value}`] })
  } catch (err) {
    if (err instanceof ConfigProblems) return err.problems.join('; ')
    throw err
  }
  throw new Error(`--${flag}=${value} was read`)
}

const SUBMIT = ['submit', '--queue', 'q', '--strategy', 'astar', '--dry-run'] as const

describe('batch submit --dry-run: refused the same way as every program (@maze-sim/config)', () => {
  test.each([
    ['seeds', ' 80', '--seeds=" 80" has spaces around it'],
    ['seeds', '+5', '--seeds="+5" is not allowed: "+5" is not a seed or a range FROM-TO'],
    ['seeds', '1 - 3', '--seeds="1 - 3" is not allowed: "1 - 3" is not a seed or a range FROM-TO of seeds (digits, no spaces inside)'],
    ['seeds', '1-5,3-9', '--seeds="1-5,3-9" is not allowed: seed 3 is listed more than once'],
    ['seed', ' 80', '--seed=" 80" has spaces around it: expected an integer from 0 to 4294967295'],
    ['seed', '+5', '--seed="+5" is not allowed: expected an integer from 0 to 4294967295'],
    ['width', ' 80', '--width=" 80" has spaces around it'],
    ['width', '+5', '--width="+5" is not allowed'],
  ] as const)('--%s=%j: exit 2, %s', async (flag, value, message) => {
    const said = configSays(flag, value)
    expect(said).toContain(message)
    const run = await cli(...SUBMIT, `--${flag}=${value}`)
    expect(run).toEqual({ code: 2, stdout: '', stderr: `maze-batch: BATCH_ERR_USAGE: ${said}\n` })
  })

  test('--seeds is the shared seed list: a good list still plans its runs', async () => {
    const run = await cli(...SUBMIT, '--seeds', '1-3,7')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('4 runs in all (4 seeds x 1 strategy)')
    expect(run.stderr).toContain('... child 3: astar on seed 7 (1 run)')
  })
})
