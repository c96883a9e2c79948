// `maze-batch push-images`: build the model and agent images, tag them for the stack's ECR
// repositories, log in with the SDK and push.
import { awsOf, ecrRegistry, ExitCode, helpOption, str, type CliIo, type Command } from '@maze-sim/batch'
import { boolean, help, string } from '@maze-sim/config'
import { requireRegion } from '../aws.ts'
import {
  createEcrClient,
  dockerRunner,
  ecrLogin,
  formatStep,
  pushSteps,
  requireDocker,
  requireRepositories,
  type DockerRunner,
} from '../images.ts'
import { PLACEHOLDER_ACCOUNT, STACK_FLAGS, stackOptions } from './flags.ts'
import type { ECRClient } from '@aws-sdk/client-ecr'

const PUSH_OPTIONS = {
  'image-tag': string({ flag: 'image-tag', placeholder: '<tag>', default: 'latest', description: 'the tag to push (deploy --image-tag)' }),
  build: boolean({
    flag: 'build',
    negatable: true,
    default: true,
    description: 'build the images first; --no-build pushes maze-sim/{model,agent}:latest as they are on this machine',
  }),
} as const

/** Builds, tags, logs in and pushes; prints each step on stderr and the pushed images on stdout. */
export async function pushImages(
  ecr: ECRClient,
  docker: DockerRunner,
  io: CliIo,
  options: { stackName: string; tag: string; build: boolean },
): Promise<string[]> {
  await requireDocker(docker)
  const { registry, password } = await ecrLogin(ecr)
  await requireRepositories(ecr, options.stackName)
  const steps = pushSteps(registry, options.tag, { build: options.build, password })
  for (const step of steps) {
    io.stderr(`${formatStep(step)}\n`)
    await docker(step)
  }
  const pushed = steps.filter((s) => s.args[0] === 'push').map((s) => s.args[1]!)
  for (const image of pushed) io.stdout(`${image}\n`)
  return pushed
}

export const pushImages_: Command = {
  usage: `Usage: maze-batch push-images [options]

Builds the model and agent images (docker/Dockerfile, as \`pnpm images\` does), tags them for the
ECR repositories of \`maze-batch deploy\` (maze-sim/model, maze-sim/agent), logs Docker in with a
token from ECR GetAuthorizationToken (the SDK; the password goes to \`docker login\` on stdin) and
pushes them. Prints the pushed image URIs. Needs Docker (DOCKER: another docker binary).

--dry-run prints the docker commands instead, for --account (or a placeholder); no credentials,
no Docker needed.

${help(PUSH_OPTIONS)}
${STACK_FLAGS}
`,
  options: { ...PUSH_OPTIONS, ...stackOptions, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const aws = awsOf(values)
    const region = await requireRegion(aws)
    const tag = str(values, 'image-tag')!
    const build = values.build !== false
    if (values['dry-run'] === true) {
      const account = str(values, 'account')
      io.stdout(
        `would push to ${account === undefined ? `account ${PLACEHOLDER_ACCOUNT} (a placeholder: --account or AWS_ACCOUNT_ID for yours)` : `account ${account}`}, region ${region}:\n`,
      )
      for (const step of pushSteps(ecrRegistry(account ?? PLACEHOLDER_ACCOUNT, region), tag, { build }))
        io.stdout(`  ${formatStep(step)}\n`)
      return ExitCode.Ok
    }
    const ecr = createEcrClient({ ...aws, region })
    try {
      await pushImages(ecr, dockerRunner(io.env.DOCKER ?? 'docker', io.stderr), io, { stackName: str(values, 'stack')!, tag, build })
    } finally {
      ecr.destroy()
    }
    io.stderr('next: pnpm batch submit --strategy astar,random-dfs --runs 100\n')
    return ExitCode.Ok
  },
}
