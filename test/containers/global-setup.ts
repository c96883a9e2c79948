// Builds the images once per run, before any container test, and hands their names to the tests
// (`inject('containers')`). Without a Docker engine the suite is skipped with a loud message on a
// laptop, and fails in CI (CI=true): never a silent skip there.
// Owns the run's label (test/support/docker-labels.ts): removes what killed runs left behind before
// building, and everything labelled with this run's id at the end, so a failing test leaves nothing.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ownRunId, removeLeftovers, removeRun } from '../support/docker-labels.ts'
import { repoRoot } from '../support/processes.ts'

// Before testcontainers is loaded: its reaper (ryuk) is an image that cannot be pulled here.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true'

export interface Images {
  readonly model: string
  readonly agent: string
  readonly otlpReceiver: string
}

export type ContainersContext =
  | { readonly available: true; readonly images: Images }
  | { readonly available: false; readonly reason: string }

declare module 'vitest' {
  export interface ProvidedContext {
    containers: ContainersContext
    /** The run id every container, network and compose stack of the run is labelled with (`maze-sim.test=<id>`). */
    testRun: string
  }
}

/** The names compose uses too, so `docker compose up --build` finds the layers already built. */
export const IMAGES: Images = {
  model: 'maze-sim/model:latest',
  agent: 'maze-sim/agent:latest',
  otlpReceiver: 'maze-sim/otlp-receiver:latest',
}

function dockerProblem(): string | undefined {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 })
  if (info.error !== undefined) return `the docker client is not installed (${info.error.message})`
  if (info.status !== 0) return `no Docker engine answers: ${(info.stderr || info.stdout).trim().split('\n')[0]}`
  const compose = spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8', timeout: 20_000 })
  if (compose.status !== 0 || !/^v?[2-9]\./.test(compose.stdout.trim())) return 'Docker Compose v2 (`docker compose`) is not installed'
  return undefined
}

/**
 * Removes our images that lost their tag to a newer build during the run (compose labels the images
 * it builds with its project name, testcontainers with its session, so each run leaves untagged
 * copies). Only dangling images titled as ours, and only those no container uses.
 */
function pruneOurDanglingImages(): void {
  for (const name of Object.values(IMAGES)) {
    const title = name.replace(/:[^:/]+$/, '')
    spawnSync('docker', ['image', 'prune', '--force', '--filter', `label=org.opencontainers.image.title=${title}`], { timeout: 60_000 })
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const runId = ownRunId()
  project.provide('testRun', runId)
  const problem = dockerProblem()
  if (problem !== undefined) {
    const message = `container tests need Docker and Compose v2: ${problem} (docker/README.md)`
    if (process.env.CI === 'true') throw new Error(`${message}. Required in CI (CI=true).`)
    console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING the container tests: ${message}\n${'!'.repeat(100)}\n`)
    project.provide('containers', { available: false, reason: problem })
    return undefined
  }

  const leftovers = removeLeftovers()
  if (leftovers.containers + leftovers.networks > 0)
    console.warn(
      `containers: removed ${leftovers.containers} container(s) and ${leftovers.networks} network(s) left by an earlier, killed run`,
    )

  const { GenericContainer } = await import('testcontainers')
  const nodeImage = process.env.NODE_IMAGE ?? 'node:24-bookworm-slim'
  // BuildKit, as compose builds: one layer cache, so the compose tests' `up --build` finds every
  // layer built (the classic builder's cache keys differ between testcontainers' and compose's contexts).
  const build = async (name: string, context: string, dockerfile: string, args: Record<string, string> = {}): Promise<void> => {
    const started = Date.now()
    try {
      await GenericContainer.fromDockerfile(context, dockerfile)
        .withBuildkit()
        .withBuildArgs({ NODE_IMAGE: nodeImage, ...args })
        .build(name, { deleteOnExit: false })
    } catch (err) {
      throw new Error(
        `building ${name} from ${dockerfile} failed. Offline, the base image must exist locally (docker/offline/build-stand-ins.sh); ` +
          'behind a TLS-re-signing proxy, put its CA bundle in docker/ca/ (docker/ca/README.md).',
        { cause: err },
      )
    }
    console.log(`containers: built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
  const started = Date.now()
  // The two workspace images, from one Dockerfile (the build argument PROGRAM selects the program,
  // as in docker/compose.yaml), build side by side: most of a cold build is waiting on the registry.
  await Promise.all([
    build(IMAGES.model, repoRoot, 'docker/Dockerfile', { PROGRAM: 'model' }),
    build(IMAGES.agent, repoRoot, 'docker/Dockerfile', { PROGRAM: 'agent' }),
    build(IMAGES.otlpReceiver, join(repoRoot, 'test'), 'fixtures/otlp-receiver/Dockerfile'),
  ])
  console.log(`containers: images ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  project.provide('containers', { available: true, images: IMAGES })
  return () => {
    // Whatever a test did not stop (a failed assertion before its cleanup, a timed-out hook).
    const left = removeRun(runId)
    if (left.containers + left.networks > 0)
      console.warn(`containers: removed ${left.containers} container(s) and ${left.networks} network(s) the tests left running`)
    pruneOurDanglingImages()
  }
}
