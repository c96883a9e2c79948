// deploy, push-images and destroy through the batch CLI (runCli with this package's commands), in
// process: --help, the dry runs without credentials, and the fast failures. AWS is mocked (STS);
// nothing here reaches the network.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { runCli } from '@maze-sim/batch'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { INFRA_COMMANDS } from '../src/commands/index.ts'

const sts = mockClient(STSClient)
beforeEach(() => sts.reset())
afterEach(() => sts.reset())

// The SDK reads the region from the process and ~/.aws whatever io.env says: neither may give one.
const SDK_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const
const saved = Object.fromEntries(SDK_ENV.map((name) => [name, process.env[name]]))
beforeAll(() => {
  for (const name of SDK_ENV) delete process.env[name]
  process.env.AWS_CONFIG_FILE = join(tmpdir(), 'maze-sim-no-aws-config')
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'maze-sim-no-aws-credentials')
})
afterAll(() => {
  for (const name of SDK_ENV) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} }, INFRA_COMMANDS)
  return { code, stdout, stderr }
}

describe('--help', () => {
  test('the main usage lists the three commands', async () => {
    const { code, stdout } = await cli('--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/\n {2}deploy {6}create or update/)
    expect(stdout).toMatch(/\n {2}push-images build/)
    expect(stdout).toMatch(/\n {2}destroy {5}delete/)
  })

  test.each(['deploy', 'push-images', 'destroy'])('%s --help: its usage and flags, generated from the flag table', async (name) => {
    const { code, stdout } = await cli(name, '--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^Usage: maze-batch ${name}`))
    for (const flag of ['--dry-run', '--region', '--profile', '--stack', '--account']) expect(stdout).toContain(flag)
    expect(await cli('help', name)).toMatchObject({ code: 0, stdout })
  })
})

// The dry runs of deploy and destroy synthesize the stack: seconds, more on a loaded machine.
describe('--dry-run: no credentials, exit 0', { timeout: 120_000 }, () => {
  test('deploy prints what the stack holds', async () => {
    const { code, stdout } = await cli('deploy', '--dry-run', '--region', 'eu-west-1')
    expect(code).toBe(0)
    expect(stdout).toContain('would deploy the stack maze-sim in account 000000000000 (a placeholder')
    expect(stdout).toContain('AWS::Batch::JobDefinition x2: maze-sim, maze-sim-fargate')
    expect(stdout).toContain('AWS::Batch::JobQueue x2: maze-sim, maze-sim-fargate')
    expect(stdout).toContain('AWS::ECR::Repository x3: maze-sim/model, maze-sim/agent, maze-sim/team-agent')
    expect(stdout).toMatch(/outputs: Queue, FargateQueue, JobDefinition, FargateJobDefinition, Region/)
    expect(sts.calls()).toHaveLength(0)
  })

  test('deploy --capacity on-demand --account: two compute environments, that account', async () => {
    const { code, stdout } = await cli(
      'deploy',
      '--dry-run',
      '--region',
      'eu-west-1',
      '--account',
      '123456789012',
      '--capacity',
      'on-demand',
    )
    expect(code).toBe(0)
    expect(stdout).toContain('in account 123456789012, region eu-west-1')
    expect(stdout).toContain('AWS::Batch::ComputeEnvironment x2')
  })

  test('push-images prints the docker commands, the password never', async () => {
    const { code, stdout } = await cli(
      'push-images',
      '--dry-run',
      '--region',
      'eu-west-1',
      '--account',
      '123456789012',
      '--image-tag',
      'v2',
    )
    expect(code).toBe(0)
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    const lines = stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'docker build',
      'docker build',
      'docker tag',
      'docker tag',
      'docker login',
      'docker push',
      'docker push',
    ])
    expect(lines).toContain(`docker tag maze-sim/model:latest ${registry}/maze-sim/model:v2`)
    expect(lines).toContain(`docker push ${registry}/maze-sim/agent:v2`)
    expect(lines[4]).toBe(`docker login --username AWS --password-stdin ${registry}   <<< (the password of ECR GetAuthorizationToken)`)
  })

  test('push-images --no-build: tag, log in, push', async () => {
    const { code, stdout } = await cli('push-images', '--dry-run', '--region', 'eu-west-1', '--no-build')
    expect(code).toBe(0)
    expect(stdout).not.toContain('docker build')
    expect(stdout).toContain('000000000000.dkr.ecr.eu-west-1.amazonaws.com/maze-sim/model:latest')
  })

  test('destroy prints what would be deleted', async () => {
    const { code, stdout } = await cli('destroy', '--dry-run', '--region', 'us-east-1')
    expect(code).toBe(0)
    expect(stdout).toContain('would delete the stack maze-sim in account 000000000000')
  })
})

describe('clear, fast failures', () => {
  test.each(['deploy', 'push-images', 'destroy'])('%s without a region: BATCH_ERR_USAGE, exit 2', async (name) => {
    const args = name === 'destroy' ? ['--yes'] : []
    expect(await cli(name, '--dry-run', ...args)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'maze-batch: BATCH_ERR_USAGE: the AWS region is missing: pass --region, set AWS_REGION, or set a region in your AWS profile\n',
    })
  })

  test('deploy without credentials: BATCH_ERR_AWS from GetCallerIdentity, before any synth', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))
    const { code, stdout, stderr } = await cli('deploy', '--region', 'eu-west-1')
    expect(code).toBe(3)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'maze-batch: BATCH_ERR_AWS: GetCallerIdentity (who are these credentials?) failed: CredentialsProviderError: Could not load credentials from any providers. No usable AWS credentials: set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`.\n',
    )
    expect(sts.calls()).toHaveLength(1)
  })

  test("deploy --account that is not the credentials': BATCH_ERR_USAGE", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' })
    const { code, stderr } = await cli('deploy', '--region', 'eu-west-1', '--account', '222222222222')
    expect(code).toBe(2)
    expect(stderr).toMatch(/--account 222222222222 \(or AWS_ACCOUNT_ID\) is not the credentials' account 111111111111/)
  })

  test('destroy without --yes is refused before anything else', async () => {
    const { code, stderr } = await cli('destroy', '--region', 'eu-west-1')
    expect(code).toBe(2)
    expect(stderr).toMatch(/add --yes/)
    expect(sts.calls()).toHaveLength(0)
  })

  test('bad flags: their own messages', async () => {
    expect((await cli('deploy', '--dry-run', '--region', 'eu-west-1', '--capacity', 'cheap')).code).toBe(2)
    const { code, stderr } = await cli('deploy', '--dry-run', '--region', 'eu-west-1', '--log-retention-days', '8')
    expect(code).toBe(2)
    expect(stderr).toMatch(/--log-retention-days 8: CloudWatch Logs keeps logs for one of 1, 3, 5/)
  })

  test('pnpm batch deploy as a process, with no credentials anywhere: exits 3 by itself, with the message', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
    const home = mkdtempSync(join(tmpdir(), 'maze-sim-nocreds-'))
    let run: SpawnSyncReturns<string>
    try {
      run = spawnSync(process.execPath, [main, 'deploy', '--region', 'eu-west-1'], {
        encoding: 'utf8',
        // No AWS_* at all, an empty home (no ~/.aws), and no instance metadata to ask.
        env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
        // A bound, not a measure: a program that waited for credentials would be killed here, and fail below.
        timeout: 60_000,
      })
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
    expect(run.error).toBeUndefined()
    expect(run.signal).toBeNull()
    expect(run.status).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^maze-batch: BATCH_ERR_AWS: GetCallerIdentity .* No usable AWS credentials/)
  })
})
