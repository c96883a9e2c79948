// What the local runner's Docker tests share: the images they need (built when missing), whether a
// Docker engine answers, `maze-batch` run as a process, and cleanup. Nothing is left behind, even by a
// failing test: the runner labels every container it creates with its owner process
// (maze-sim.batch.owner=<pid>@<host>), the in-process runs also with this run's test label
// (maze-sim.test=<pid>@<host>, test/support/docker-labels.ts); each CLI run's containers are removed
// by its owner label when it ends, everything of a file's at its end, and what a killed run left
// behind at the start. Without a Docker engine (or the images) the tests are skipped loudly on a
// laptop and fail in CI (CI=true).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, type TestContext } from 'vitest'
import { KEEP_LABEL, LOCAL_IMAGES, OWNER_LABEL } from '@maze-sim/batch'
import { ownRunId, removeLabelled, removeLeftovers, removeOrphaned, removeRun } from '../support/docker-labels.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const main = join(repoRoot, 'packages/batch/src/main.ts')
export const BASE_IMAGE = 'node:24-bookworm-slim'
const CI = process.env.CI === 'true'

/**
 * How each image the tests need is built when it is missing (the base image cannot be built here),
 * as test/containers/global-setup.ts builds them for the container tests.
 */
const IMAGES: readonly { image: string; build?: string[] }[] = [
  { image: LOCAL_IMAGES.model, build: ['build', '-f', 'docker/Dockerfile', '--build-arg', 'PROGRAM=model', '-t', LOCAL_IMAGES.model, '.'] },
  { image: LOCAL_IMAGES.agent, build: ['build', '-f', 'docker/Dockerfile', '--build-arg', 'PROGRAM=agent', '-t', LOCAL_IMAGES.agent, '.'] },
  { image: LOCAL_IMAGES.collector, build: ['build', '-f', 'test/fixtures/otlp-receiver/Dockerfile', '-t', LOCAL_IMAGES.collector, 'test'] },
  { image: BASE_IMAGE },
]

/** A docker command, bounded (a build can take minutes). */
export const docker = (args: string[], timeout = 900_000) => spawnSync('docker', args, { cwd: repoRoot, encoding: 'utf8', timeout })

/** What a file's tests need: its run id, its output directory, `needDocker`, and `runLocal`-style processes. */
export interface LocalRunner {
  readonly runId: string
  readonly outDir: string
  /** Skips the test when there is no Docker engine or an image is missing. */
  readonly needDocker: (ctx: TestContext) => void
  /** `maze-batch <args>` as a process (its containers removed when it ends): exit code, stdout, stderr. */
  readonly cli: (
    args: readonly string[],
    onStderr?: (chunk: string) => void,
  ) => Promise<{ code: number | null; stdout: string; stderr: string }>
}

/** Registers the hooks of a file of local runner tests (images, leftovers, cleanup) and returns its helpers. */
export function useLocalRunner(name: string): LocalRunner {
  let unavailable: string | undefined
  const probe = docker(['version', '--format', '{{.Server.Version}}'], 60_000)
  if (probe.status !== 0) unavailable = `no Docker engine answers (${(probe.stderr || probe.error?.message || '').trim()})`

  const runId = ownRunId()
  const outDir = mkdtempSync(join(tmpdir(), 'maze-batch-test-'))
  /** The `maze-batch` processes of this file: their containers carry `maze-sim.batch.owner=<pid>@<host>`. */
  const cliRuns = new Set<ChildProcess>()
  const removeCliRun = (child: ChildProcess): void => {
    if (child.pid !== undefined) removeLabelled(`${OWNER_LABEL}=${child.pid}@${hostname()}`)
    cliRuns.delete(child)
  }

  beforeAll(() => {
    if (unavailable === undefined) {
      // Left by a run killed before its teardown: this file's test label, and runner containers whose
      // owner process is gone (the runner removes its own unless told to keep them: --keep).
      removeLeftovers()
      removeOrphaned(OWNER_LABEL, { keepKey: KEEP_LABEL })
    }
    for (const { image, build } of unavailable === undefined ? IMAGES : []) {
      if (docker(['image', 'inspect', image]).status === 0) continue
      if (build === undefined) {
        unavailable = `the image ${image} is not on this engine (docker/offline/build-stand-ins.sh builds it without a registry)`
        break
      }
      const built = docker(build)
      if (built.status !== 0) {
        unavailable = `could not build ${image}: ${built.stderr.trim().split('\n').slice(-3).join(' / ')}`
        break
      }
    }
    if (unavailable !== undefined) {
      if (CI) throw new Error(`the local runner tests need Docker: ${unavailable}`)
      console.warn(`\n!!! SKIPPING the AWS Batch local runner tests (${name}): ${unavailable}\n`)
    }
  }, 900_000)

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true })
    // Nothing of ours left behind (the runner removes its containers; this catches a failed or timed-out test).
    if (unavailable === undefined) {
      for (const child of cliRuns) {
        child.kill('SIGKILL')
        removeCliRun(child)
      }
      removeRun(runId)
    }
  })

  const cli: LocalRunner['cli'] = async (args, onStderr) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    cliRuns.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
      onStderr?.(c)
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    removeCliRun(child)
    return { code, stdout, stderr }
  }

  return {
    runId,
    outDir,
    needDocker: (ctx) => {
      if (unavailable !== undefined) ctx.skip()
    },
    cli,
  }
}

/** The run directory `run-local` printed (`results again: maze-batch results --dir <dir>`), each in order. */
export const runDirsOf = (stderr: string): string[] => [...stderr.matchAll(/results --dir (\S+)/g)].map((m) => m[1]!)
