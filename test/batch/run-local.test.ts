// The local runner on the real Docker engine: the real job definition (@maze-sim/batch's job-definition.json,
// local images) through the CLI, and small definitions on the base image for the dependsOn,
// essential and retry semantics. Without a Docker engine (or the images) these tests are skipped
// loudly on a laptop and fail in CI (CI=true). Images, labels and cleanup: ./support.ts.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  jobEnvNodeOptions,
  LOCAL_IMAGES,
  runLocalJob,
  type LocalJobRun,
  type RegisterJobDefinitionCommandInput,
  type TaskContainerProperties,
} from '@maze-sim/batch'
import { TEST_LABEL } from '../support/docker-labels.ts'
import { BASE_IMAGE, docker, main, useLocalRunner } from './support.ts'

const { runId, outDir, needDocker, cli } = useLocalRunner('test/batch/run-local.test.ts')

interface Row {
  jobId: string
  arrayIndex: number | null
  status: string
  exitCode: number | null
  attempts: number
  containers: Record<string, number | null>
  result: { strategy: string; seed: number; solved: boolean; steps: number; width: number; height: number } | null
}

/** `maze-batch run-local ...` as a process: exit code, one row per run, and stderr. */
async function runLocal(...args: string[]): Promise<{ code: number | null; rows: Row[]; stderr: string }> {
  const { code, stdout, stderr } = await cli(['run-local', '--out', outDir, ...args])
  const rows = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Row)
  return { code, rows, stderr }
}

const runDirOf = (stderr: string): string => /results --dir (\S+)/.exec(stderr)![1]!

const fixtureImages = new Set<string>()

/**
 * `base` with the modules of test/fixtures/batch in /fixtures: built on first use (after the test
 * knows Docker is there), once per base image; its name.
 */
function fixtureImage(base: string): string {
  const name = `maze-sim/test-batch-fixtures:${base.replace(/[^a-z0-9]+/g, '-')}`
  if (!fixtureImages.has(name)) {
    const build = docker(['build', '-q', '--build-arg', `BASE=${base}`, '-t', name, 'test/fixtures/batch'])
    if (build.status !== 0) throw new Error(`building ${name} from ${base} failed: ${build.stderr || build.error?.message}`)
    fixtureImages.add(name)
  }
  return name
}

describe('run-local: the real job definition on Docker', () => {
  test('a solvable run SUCCEEDS with the agent’s result; the model, stopped by SIGTERM, exits 0', async (ctx) => {
    needDocker(ctx)
    const run = await runLocal('--seed', '42', '--width', '24', '--height', '8', '--strategy', 'astar')
    expect(run.code, run.stderr).toBe(0)
    expect(run.rows).toHaveLength(1)
    const [row] = run.rows
    expect(row).toMatchObject({ arrayIndex: null, status: 'SUCCEEDED', exitCode: 0, attempts: 1, containers: { agent: 0, model: 0 } })
    expect(row!.result).toMatchObject({ strategy: 'astar', width: 24, height: 8, seed: 42, solved: true, steps: 201 })
    // The agent's exit stopped the others; the model shut down on SIGTERM and exited 0, so the job
    // (status from every essential container) stays SUCCEEDED.
    // ECS's shutdown order, the reverse of dependsOn: the model first, then the collector.
    expect(run.stderr).toMatch(/essential container agent exited: stopping model\n[\s\S]*stopping collector \(after what depends on it\)/)
    const modelLog = readFileSync(join(runDirOf(run.stderr), 'job/attempt-1/model.log'), 'utf8')
    expect(modelLog).toMatch(/"signal":"SIGTERM".*shutting down/)
    expect(modelLog).toMatch(/"msg":"stopped"/)
  })

  test('…and a model that died of the SIGTERM (exit 143) would have turned that success into a failure', async (ctx) => {
    needDocker(ctx)
    // The same job, with a preload that makes the model exit 143 on SIGTERM instead of shutting down
    // (test/fixtures/batch/exit-143-on-sigterm.mjs, in an image made from the model's).
    const modelImage = fixtureImage(LOCAL_IMAGES.model)
    const dies = `${jobEnvNodeOptions()} --import=file:///fixtures/exit-143-on-sigterm.mjs`
    const run = await runLocal(
      ...['--seed', '42', '--width', '24', '--height', '8', '--model-image', modelImage],
      ...['--env', `model:NODE_OPTIONS=${dies}`],
    )
    expect(run.code, run.stderr).toBe(1)
    expect(run.rows[0]).toMatchObject({ status: 'FAILED', exitCode: 0, containers: { agent: 0, model: 143 } })
    expect(run.rows[0]!.result).toMatchObject({ solved: true })
  })

  test('the agent failing (AGENT_MAX_STEPS=1: exit 1) FAILS the job, and the retry strategy does not retry it', async (ctx) => {
    needDocker(ctx)
    const run = await runLocal('--seed', '42', '--width', '24', '--height', '8', '--max-steps', '1')
    expect(run.code, run.stderr).toBe(1)
    expect(run.rows[0]).toMatchObject({ status: 'FAILED', exitCode: 1, attempts: 1, containers: { agent: 1, model: 0 } })
    expect(run.rows[0]!.result).toMatchObject({ solved: false, steps: 1 })
  })

  test('an array job of 3 children: each derives its seed from AWS_BATCH_JOB_ARRAY_INDEX', async (ctx) => {
    needDocker(ctx)
    const run = await runLocal('--seed', '10', '--runs', '3', '--width', '20', '--height', '10', '--parallel', '2')
    expect(run.code, run.stderr).toBe(0)
    expect(run.rows.map((r) => [r.arrayIndex, r.status, r.result?.seed, r.result?.solved])).toEqual([
      [0, 'SUCCEEDED', 10, true],
      [1, 'SUCCEEDED', 11, true],
      [2, 'SUCCEEDED', 12, true],
    ])
    expect(new Set(run.rows.map((r) => r.jobId.split(':')[0])).size).toBe(1)
    expect(run.rows.map((r) => r.jobId.split(':')[1])).toEqual(['0', '1', '2'])
    // `results --dir` reads the same results back from the run's files.
    const again = spawnSync(process.execPath, [main, 'results', '--dir', runDirOf(run.stderr)], { encoding: 'utf8' })
    expect(again.status).toBe(0)
    expect(
      again.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Row).result?.seed),
    ).toEqual([10, 11, 12])
  })

  test('a strategy sweep: child i runs strategy i mod 2 on the same seed', async (ctx) => {
    needDocker(ctx)
    const run = await runLocal('--seed', '5', '--strategy', 'astar,random-dfs', '--width', '20', '--height', '10')
    expect(run.code, run.stderr).toBe(0)
    expect(run.rows.map((r) => [r.arrayIndex, r.result?.strategy, r.result?.seed])).toEqual([
      [0, 'astar', 5],
      [1, 'random-dfs', 5],
    ])
  })
})

describe('run-local: Batch semantics on small definitions', () => {
  const definition = (
    containers: (Omit<TaskContainerProperties, 'image'> & { image?: string })[],
    retry?: RegisterJobDefinitionCommandInput['retryStrategy'],
  ): RegisterJobDefinitionCommandInput => ({
    jobDefinitionName: 'semantics',
    type: 'container',
    platformCapabilities: ['EC2'],
    ...(retry !== undefined ? { retryStrategy: retry } : {}),
    ecsProperties: {
      taskProperties: [
        {
          containers: containers.map((c) => ({
            image: BASE_IMAGE,
            resourceRequirements: [
              { type: 'VCPU', value: '1' },
              { type: 'MEMORY', value: '128' },
            ],
            ...c,
          })),
        },
      ],
    },
  })
  const sh = (script: string): string[] => ['sh', '-c', script]
  const run = (d: RegisterJobDefinitionCommandInput, size?: number): Promise<LocalJobRun> =>
    runLocalJob(
      d,
      { jobName: 'semantics', jobQueue: 'local', jobDefinition: 'semantics', ...(size !== undefined ? { arrayProperties: { size } } : {}) },
      { outDir, log: () => {}, resultContainer: 'main', labels: { [TEST_LABEL]: runId } },
    )

  test('SUCCESS on a failed init container: the essential container never starts, the job FAILS; COMPLETE lets it start', async (ctx) => {
    needDocker(ctx)
    const init = { name: 'init', essential: false, command: sh('exit 3') }
    const failed = await run(
      definition([init, { name: 'main', command: sh('exit 0'), dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }]),
    )
    expect(failed.status).toBe('FAILED')
    expect(failed.rows[0]!.attemptDetails[0]!.containers.map((c) => [c.name, c.started, c.exitCode])).toEqual([
      ['init', true, 3],
      ['main', false, null],
    ])
    const ok = await run(
      definition([init, { name: 'main', command: sh('exit 0'), dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] }]),
    )
    expect(ok.status).toBe('SUCCEEDED')
    expect(ok.rows[0]!.containers).toEqual({ init: 3, main: 0 })
  })

  test('one localhost: a START dependent reaches its dependency on 127.0.0.1', async (ctx) => {
    needDocker(ctx)
    const server = {
      name: 'server',
      stopTimeout: 2,
      image: fixtureImage(BASE_IMAGE),
      command: ['node', '/fixtures/pong-server.mjs'],
    }
    const client = {
      name: 'main',
      dependsOn: [{ containerName: 'server', condition: 'START' }],
      image: fixtureImage(BASE_IMAGE),
      command: ['node', '/fixtures/pong-client.mjs'],
    }
    const result = await run(definition([server, client]))
    // The server (node as PID 1, no SIGTERM handler: the kernel ignores the signal) is killed after
    // its stopTimeout: 137, an essential container's exit ≠ 0, so the job FAILS. The model handles
    // SIGTERM and exits 0 for this reason; a non-essential server would not count.
    expect(result.rows[0]!.containers).toEqual({ server: 137, main: 0 })
    expect(result.status).toBe('FAILED')
    const sidecar = await run(definition([{ ...server, essential: false }, client]))
    expect(sidecar.status).toBe('SUCCEEDED')
  })

  test('a non-essential sidecar that ignores SIGTERM is killed after its stopTimeout without failing the job', async (ctx) => {
    needDocker(ctx)
    // 137: SIGKILLed, after the 2 s stopTimeout (not after its 300 s sleep: the test's timeout is far shorter).
    const result = await run(
      definition([
        { name: 'sidecar', essential: false, stopTimeout: 2, command: ['sleep', '300'] },
        { name: 'main', command: sh('sleep 1') },
      ]),
    )
    expect(result.status).toBe('SUCCEEDED')
    expect(result.rows[0]!.containers).toEqual({ sidecar: 137, main: 0 })
  })

  test('retries: a failure no evaluateOnExit rule matches is retried, with AWS_BATCH_JOB_ATTEMPT counting', async (ctx) => {
    needDocker(ctx)
    const main = {
      name: 'main',
      command: sh('echo "attempt $AWS_BATCH_JOB_ATTEMPT of job $AWS_BATCH_JOB_ID"; [ "$AWS_BATCH_JOB_ATTEMPT" = 2 ]'),
    }
    const retried = await run(definition([main], { attempts: 3, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }] }))
    expect(retried.status).toBe('SUCCEEDED')
    expect(retried.rows[0]!.attempts).toBe(2)
    const log = readFileSync(join(retried.runDir, 'job/attempt-2/main.log'), 'utf8')
    expect(log).toBe(`attempt 2 of job ${retried.jobId}\n`)
    const exited = await run(definition([main], { attempts: 3, evaluateOnExit: [{ onExitCode: '1', action: 'EXIT' }] }))
    expect([exited.status, exited.rows[0]!.attempts]).toEqual(['FAILED', 1])
  })

  test('array children see AWS_BATCH_JOB_ARRAY_INDEX and their own job id', async (ctx) => {
    needDocker(ctx)
    const result = await run(
      definition([{ name: 'main', command: sh('echo "$AWS_BATCH_JOB_ARRAY_INDEX $AWS_BATCH_JOB_ID $AWS_BATCH_JQ_NAME"') }]),
      3,
    )
    expect(result.status).toBe('SUCCEEDED')
    const lines = [0, 1, 2].map((i) => readFileSync(join(result.runDir, `child-${i}/attempt-1/main.log`), 'utf8').trim())
    expect(lines).toEqual([0, 1, 2].map((i) => `${i} ${result.jobId}:${i} local`))
  })
})
