// `push-images`: build the model and agent images as docker/compose.yaml does, tag them for the
// stack's ECR repositories and push them. The registry login uses the SDK (ECR
// GetAuthorizationToken), the password going to `docker login` on its stdin, never on a command line.
import { spawn } from 'node:child_process'
import { DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand, type Repository } from '@aws-sdk/client-ecr'
import { awsError, BatchError, BatchErrorCode, clientConfig, ecrRegistry, REPO_ROOT, type AwsOptions } from '@maze-sim/batch'
import { NAMES } from './names.ts'

export const PROGRAMS = ['model', 'agent'] as const
export type Program = (typeof PROGRAMS)[number]

const REPOSITORY: Readonly<Record<Program, string>> = { model: NAMES.modelRepository, agent: NAMES.agentRepository }

/** One docker command line; `stdin` is fed to it (the login password), and never printed. */
export interface DockerStep {
  readonly args: readonly string[]
  readonly stdin?: string | undefined
  /** What is printed in place of stdin. */
  readonly stdinText?: string | undefined
  /** Its output is not shown (a probe). */
  readonly quiet?: boolean | undefined
}

/** Runs docker: resolves when it exits 0, BATCH_ERR_DOCKER otherwise. */
export type DockerRunner = (step: DockerStep) => Promise<void>

export const createEcrClient = (o: AwsOptions = {}): ECRClient => new ECRClient(clientConfig(o))

/** The local image a program is built as (the names docker/compose.yaml and run-local use). */
export const localImage = (program: Program): string => `maze-sim/${program}:latest`

/** The docker steps of a push: build (unless skipped), tag, log in, push; the same list --dry-run prints. */
export function pushSteps(registry: string, tag: string, options: { build?: boolean; password?: string } = {}): DockerStep[] {
  const steps: DockerStep[] = []
  if (options.build !== false) {
    for (const program of PROGRAMS)
      steps.push({
        args: ['build', '-f', `${REPO_ROOT}docker/Dockerfile`, '--build-arg', `PROGRAM=${program}`, '-t', localImage(program), REPO_ROOT],
      })
  }
  for (const program of PROGRAMS) steps.push({ args: ['tag', localImage(program), `${registry}/${REPOSITORY[program]}:${tag}`] })
  steps.push({
    args: ['login', '--username', 'AWS', '--password-stdin', registry],
    stdin: options.password,
    stdinText: '(the password of ECR GetAuthorizationToken)',
  })
  for (const program of PROGRAMS) steps.push({ args: ['push', `${registry}/${REPOSITORY[program]}:${tag}`] })
  return steps
}

/** A step as a shell line, for --dry-run and progress. */
export const formatStep = (step: DockerStep): string =>
  `docker ${step.args.join(' ')}${step.stdinText !== undefined ? `   <<< ${step.stdinText}` : ''}`

/** The registry and the login password from ECR GetAuthorizationToken (a token valid for 12 hours). */
export async function ecrLogin(client: ECRClient): Promise<{ registry: string; password: string }> {
  let data: { authorizationToken?: string | undefined; proxyEndpoint?: string | undefined } | undefined
  try {
    data = (await client.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]
  } catch (err) {
    throw awsError(err, 'ECR GetAuthorizationToken')
  }
  if (data?.authorizationToken === undefined || data.proxyEndpoint === undefined)
    throw new BatchError(BatchErrorCode.Aws, 'ECR GetAuthorizationToken returned no token')
  const [user, password] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':', 2)
  if (user !== 'AWS' || password === undefined || password === '')
    throw new BatchError(BatchErrorCode.Aws, 'ECR GetAuthorizationToken returned a token that is not AWS:<password>')
  return { registry: new URL(data.proxyEndpoint).host, password }
}

/** The stack's model and agent repositories; missing ones: an error saying to deploy first. */
export async function requireRepositories(client: ECRClient, stackName: string): Promise<Repository[]> {
  try {
    const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: PROGRAMS.map((p) => REPOSITORY[p]) }))
    return out.repositories ?? []
  } catch (err) {
    if ((err as { name?: string }).name === 'RepositoryNotFoundException') {
      throw new BatchError(
        BatchErrorCode.StackNotFound,
        `the ECR repositories ${PROGRAMS.map((p) => REPOSITORY[p]).join(' and ')} do not exist in this account and region: deploy the stack ${stackName} first (pnpm batch deploy)`,
        { cause: err },
      )
    }
    throw awsError(err, 'ECR DescribeRepositories')
  }
}

/** The registry of an account in a region, for a dry run that has no token to read it from. */
export const registryOf = ecrRegistry

/** Runs docker steps through `bin`, its output on stderr. */
export function dockerRunner(bin: string, stderr: (text: string) => void): DockerRunner {
  return (step) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(bin, step.args, { stdio: ['pipe', 'pipe', 'pipe'] })
      let output = ''
      const show = (chunk: Buffer) => {
        if (step.quiet === true) output += chunk.toString('utf8')
        else stderr(chunk.toString('utf8'))
      }
      child.stdout.on('data', show)
      child.stderr.on('data', show)
      child.on('error', (err) =>
        reject(
          new BatchError(BatchErrorCode.Docker, `cannot run ${bin}: ${err.message}`, {
            cause: err,
          }),
        ),
      )
      child.on('close', (code) =>
        code === 0
          ? resolvePromise()
          : reject(
              new BatchError(
                BatchErrorCode.Docker,
                `docker ${step.args[0]} exited with code ${code}: ${formatStep(step)}${output !== '' ? `: ${output.trim()}` : ''}`,
              ),
            ),
      )
      child.stdin.end(step.stdin ?? '')
    })
}

/** Docker is installed and its engine answers; otherwise BATCH_ERR_DOCKER saying which. */
export async function requireDocker(run: DockerRunner): Promise<void> {
  try {
    await run({ args: ['version', '--format', '{{.Server.Version}}'], quiet: true })
  } catch (err) {
    throw new BatchError(
      BatchErrorCode.Docker,
      `Docker is needed to build and push the images, and it does not answer (${(err as Error).message}); start Docker, or set DOCKER to the docker binary`,
      { cause: err },
    )
  }
}
