// main.ts as a process: help, offline commands, exit codes and error codes.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { checkJobDefinition } from '../src/check.ts'
import { runCli, USAGE } from '../src/cli.ts'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const broken = fileURLToPath(new URL('./fixtures/broken-job-definition.json', import.meta.url))

/** No AWS settings from the machine running the tests (region, profile, account). */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'MAZE_BATCH_QUEUE'))
const run = (...args: string[]) => {
  const out = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...cleanEnv, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
  })
  return { code: out.status, stdout: out.stdout, stderr: out.stderr }
}

// Each test starts a few node processes (the AWS SDK takes a moment to load): room for a busy machine.
describe('maze-batch', { timeout: 30_000 }, () => {
  test('--help lists the commands; every command has its own --help', async () => {
    const top = run('--help')
    expect(top.code).toBe(0)
    for (const command of ['render', 'check', 'register', 'submit', 'status', 'watch', 'results', 'run-local']) {
      expect(top.stdout).toContain(`  ${command} `)
      let stdout = ''
      const code = await runCli([command, '--help'], { stdout: (t) => (stdout += t), stderr: () => {}, env: {} })
      expect([command, code, stdout]).toEqual([command, 0, USAGE[command]])
    }
    expect(run('run-local', '-h')).toMatchObject({ code: 0, stdout: USAGE['run-local'] })
    expect(run().code).toBe(2)
  })

  test('render works offline and prints a definition that passes check', () => {
    const out = run('render', '--account', '123456789012', '--region', 'ap-southeast-2', '--platform', 'fargate')
    expect(out.code).toBe(0)
    const definition = JSON.parse(out.stdout) as unknown
    expect(checkJobDefinition(definition)).toEqual([])
    expect(out.stdout).toContain('123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/maze-sim/agent:latest')
  })

  test('render without an account or region: BATCH_ERR_TEMPLATE naming the flags, exit 2', () => {
    const out = run('render')
    expect(out.code).toBe(2)
    expect(out.stderr).toBe(
      'maze-batch: BATCH_ERR_TEMPLATE: the AWS account id is missing: pass --account <12 digits> or set AWS_ACCOUNT_ID; the AWS region is missing: pass --region, set AWS_REGION, or set a region in your AWS profile\n',
    )
  })

  test('check: the template is fine; a broken file gets one line per problem, exit 1', () => {
    expect(run('check')).toMatchObject({ code: 0, stderr: 'the rendered template: ok\n' })
    const out = run('check', broken)
    expect(out.code).toBe(1)
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => /^error {3}\[([a-z-]+)\]/.exec(l)?.[1]),
    ).toEqual(['health-check', 'depends-on-healthy', 'depends-on-unknown', 'depends-on-essential'])
    expect(out.stderr).toMatch(/broken-job-definition\.json: 4 errors\n$/)
    const asJson = JSON.parse(run('check', broken, '--json').stdout) as { rule: string }[]
    expect(asJson).toHaveLength(4)
  })

  test('bad flags and values: BATCH_ERR_USAGE, exit 2', () => {
    expect(run('submit', '--queue', 'q', '--runs', 'many')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --runs="many" is not allowed: expected an integer from 1 to 1000000\n',
    })
    expect(run('render', '--colour')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^maze-batch: BATCH_ERR_USAGE: Unknown option '--colour'; see maze-batch render --help\n$/),
    })
    expect(run('launch').stderr).toMatch(/unknown command "launch"/)
  })

  test('results --dir of a directory that is not a run: BATCH_ERR_RESULTS, exit 3', () => {
    expect(run('results', '--dir', '/nonexistent')).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^maze-batch: BATCH_ERR_RESULTS: \/nonexistent is not a directory/),
    })
  })
})
