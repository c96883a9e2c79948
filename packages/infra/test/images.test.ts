// push-images against a mocked ECR (aws-sdk-client-mock) and a recording docker: the order of the
// steps, the password only on docker login's stdin, and what happens without Docker or repositories.
import { DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand, RepositoryNotFoundException } from '@aws-sdk/client-ecr'
import { BatchError, type CliIo } from '@maze-sim/batch'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { pushImages } from '../src/commands/push-images.ts'
import type { DockerStep } from '../src/images.ts'

const ecr = mockClient(ECRClient)
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const PASSWORD = 'ecr-secret-password'

beforeEach(() => {
  ecr.reset()
  ecr.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [{ authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'), proxyEndpoint: `https://${REGISTRY}` }],
  })
  ecr
    .on(DescribeRepositoriesCommand)
    .resolves({ repositories: [{ repositoryName: 'maze-sim/model' }, { repositoryName: 'maze-sim/agent' }] })
})
afterEach(() => ecr.reset())

function setup(fail?: (step: DockerStep) => boolean) {
  const steps: DockerStep[] = []
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} }
  const docker = async (step: DockerStep) => {
    steps.push(step)
    if (fail?.(step)) throw new Error(`docker ${step.args[0]} failed`)
  }
  return { steps, io, docker, out: () => ({ stdout, stderr }) }
}

describe('push-images', () => {
  test('probe docker, build, tag, log in with the ECR token on stdin, push; prints the images', async () => {
    const { steps, io, docker, out } = setup()
    const client = new ECRClient({ region: 'eu-west-1' })
    const pushed = await pushImages(client, docker, io, { stackName: 'maze-sim', tag: 'latest', build: true })
    expect(steps.map((s) => s.args[0])).toEqual(['version', 'build', 'build', 'tag', 'tag', 'login', 'push', 'push'])
    expect(steps[1]!.args).toContain('PROGRAM=model')
    expect(steps[2]!.args).toContain('PROGRAM=agent')
    expect(steps[5]).toMatchObject({ args: ['login', '--username', 'AWS', '--password-stdin', REGISTRY], stdin: PASSWORD })
    expect(pushed).toEqual([`${REGISTRY}/maze-sim/model:latest`, `${REGISTRY}/maze-sim/agent:latest`])
    expect(out().stdout).toBe(`${pushed.join('\n')}\n`)
    // The password is in no argument and in nothing printed.
    for (const s of steps) expect(s.args.join(' ')).not.toContain(PASSWORD)
    expect(out().stderr).not.toContain(PASSWORD)
    expect(ecr.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({
      repositoryNames: ['maze-sim/model', 'maze-sim/agent'],
    })
  })

  test('without Docker: BATCH_ERR_DOCKER, and ECR is not asked', async () => {
    const { io, docker } = setup((s) => s.args[0] === 'version')
    const failure = pushImages(new ECRClient({ region: 'eu-west-1' }), docker, io, { stackName: 'maze-sim', tag: 'latest', build: true })
    await expect(failure).rejects.toMatchObject({ code: 'BATCH_ERR_DOCKER', message: expect.stringMatching(/^Docker is needed/) })
    expect(ecr.calls()).toHaveLength(0)
  })

  test('before deploy (no repositories): BATCH_ERR_STACK_NOT_FOUND saying to deploy; nothing built', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(new RepositoryNotFoundException({ message: 'not found', $metadata: {} }))
    const { steps, io, docker } = setup()
    const failure = pushImages(new ECRClient({ region: 'eu-west-1' }), docker, io, { stackName: 'maze-sim', tag: 'latest', build: true })
    await expect(failure).rejects.toBeInstanceOf(BatchError)
    await expect(failure).rejects.toMatchObject({ code: 'BATCH_ERR_STACK_NOT_FOUND', message: expect.stringMatching(/pnpm batch deploy/) })
    expect(steps.map((s) => s.args[0])).toEqual(['version'])
  })

  test('without credentials: BATCH_ERR_AWS with the hint', async () => {
    ecr
      .on(GetAuthorizationTokenCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))
    const { io, docker } = setup()
    await expect(
      pushImages(new ECRClient({ region: 'eu-west-1' }), docker, io, { stackName: 'maze-sim', tag: 'latest', build: false }),
    ).rejects.toMatchObject({
      code: 'BATCH_ERR_AWS',
      message: expect.stringMatching(/No usable AWS credentials/),
    })
  })
})
