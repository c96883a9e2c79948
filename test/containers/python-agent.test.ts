// The Python agent image (packages/python-sdk/Dockerfile) in the places of ours, nothing else changed:
// the compose stack with docker/compose.python-agent.yaml, and the AWS Batch job definition through
// `maze-batch run-local --agent-image` (one run, and a packed job whose children take AGENT_SEEDS from
// the job's variables). Built FROM python:3.11-slim-bookworm: offline, the stand-in that
// docker/offline/build-stand-ins.sh makes under that name.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GenericContainer, getContainerRuntimeClient } from 'testcontainers'
import { beforeAll, expect, test } from 'vitest'
import { useLocalRunner } from '../batch/support.ts'
import { repoRoot } from '../support/processes.ts'
import { composeStack, describeWithDocker, parseAgentStdout, stripControl } from './support.ts'

const PYTHON_AGENT_IMAGE = 'maze-sim/agent-python:latest'
const PYTHON_IMAGE = process.env.PYTHON_IMAGE ?? 'python:3.11-slim-bookworm'

interface Row {
  arrayIndex: number | null
  status: string
  exitCode: number | null
  containers: Record<string, number | null>
  result: { strategy: string; seed: number; solved: boolean; width: number; height: number } | null
}

/** Builds the image under the name compose.python-agent.yaml gives it, so `up --build` finds its layers. */
async function buildPythonAgentImage(): Promise<void> {
  const started = Date.now()
  try {
    await GenericContainer.fromDockerfile(join(repoRoot, 'packages/python-sdk'))
      .withBuildkit()
      .withBuildArgs({ PYTHON_IMAGE })
      .build(PYTHON_AGENT_IMAGE, { deleteOnExit: false })
  } catch (err) {
    throw new Error(
      `building ${PYTHON_AGENT_IMAGE} failed. Offline, ${PYTHON_IMAGE} must exist locally (docker/offline/build-stand-ins.sh)`,
      {
        cause: err,
      },
    )
  }
  console.log(`containers: built ${PYTHON_AGENT_IMAGE} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** `pnpm sweep leaderboard` over result files written into `outDir`, one per entry of `results`. */
function leaderboard(outDir: string, results: Record<string, string>): SpawnSyncReturns<string> {
  const from = Object.entries(results).flatMap(([name, stdout]) => {
    const file = join(outDir, `${name}-results.jsonl`)
    writeFileSync(file, stdout)
    return ['--from', file]
  })
  return spawnSync(process.execPath, [join(repoRoot, 'packages/sweep/src/main.ts'), 'leaderboard', ...from], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
  })
}

describeWithDocker('the Python agent image (packages/python-sdk/Dockerfile)', () => {
  const { outDir, needDocker, cli } = useLocalRunner('test/containers/python-agent.test.ts')

  beforeAll(buildPythonAgentImage, 600_000)

  test('runs as a non-root user, the runner as its entry point', async () => {
    const client = await getContainerRuntimeClient()
    const { Config } = await client.container.dockerode.getImage(PYTHON_AGENT_IMAGE).inspect()
    expect(Config.User).toBe('agent')
    expect(Config.Entrypoint).toEqual(['python3', '-m', 'maze_sim_agent'])
  })

  test('docker compose with compose.python-agent.yaml: exit 0, the solved map, the result line', async () => {
    const { compose, down } = await composeStack('random-dfs', [join(repoRoot, 'docker/compose.python-agent.yaml')])
    try {
      const up = await compose(['up', '--build', '--exit-code-from', 'agent', '--no-color'])
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0)
      const agentLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'agent'])
      const { map, result } = parseAgentStdout(
        stripControl(agentLogs.stdout)
          .split('\n')
          .filter((l) => !l.startsWith('maze-agent'))
          .join('\n'),
      )
      expect(result).toMatchObject({ strategy: 'python:random-dfs', seed: 42, width: 60, height: 20, solved: true })
      expect(map).toHaveLength(41)
      for (const label of ['S', 'K', 'E', '*']) expect(map.join('\n')).toContain(label)
      // The model refereed it: its line carries the Python agent's label.
      const modelLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'model'])
      expect(modelLogs.stdout).toMatch(/"agent":"maze-agent:python:random-dfs","status":"solved"/)
    } finally {
      await down()
    }
  }, 600_000)

  const runLocal = async (...args: string[]): Promise<{ code: number | null; rows: Row[]; stdout: string; stderr: string }> => {
    const { code, stdout, stderr } = await cli(['run-local', '--out', outDir, ...args])
    const rows = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Row)
    return { code, rows, stdout, stderr }
  }

  test('maze-batch run-local --agent-image: the job definition unchanged, SUCCEEDED with the solved result', async (ctx) => {
    needDocker(ctx)
    const run = await runLocal(
      '--agent-image',
      PYTHON_AGENT_IMAGE,
      '--seed',
      '42',
      '--width',
      '24',
      '--height',
      '8',
      '--strategy',
      'random-dfs',
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.rows).toHaveLength(1)
    expect(run.rows[0]).toMatchObject({ arrayIndex: null, status: 'SUCCEEDED', exitCode: 0, containers: { agent: 0, model: 0 } })
    expect(run.rows[0]!.result).toMatchObject({ strategy: 'python:random-dfs', seed: 42, width: 24, height: 8, solved: true })
  }, 600_000)

  test('packed Batch jobs: Python random-dfs and TypeScript astar on the same seeds, one leaderboard from their results', async (ctx) => {
    needDocker(ctx)
    // Each child plays its AGENT_SEEDS, derived from the job's variables by the Python port of the
    // job preload. The strategy is submitted by the name its results carry, python:random-dfs, so
    // the job's plan and its results agree (nothing missing).
    const plan = ['--seeds', '1-4', '--runs-per-child', '2', '--width', '20', '--height', '8']
    const [py, ts] = await Promise.all([
      runLocal('--agent-image', PYTHON_AGENT_IMAGE, '--strategy', 'python:random-dfs', ...plan),
      runLocal('--strategy', 'astar', ...plan),
    ])
    expect(py.code, py.stderr).toBe(0)
    expect(ts.code, ts.stderr).toBe(0)
    expect(py.stderr).toContain('nothing missing')
    expect(py.rows.map((r) => [r.arrayIndex, r.result?.strategy, r.result?.seed, r.result?.solved])).toEqual([
      [0, 'python:random-dfs', 1, true],
      [0, 'python:random-dfs', 2, true],
      [1, 'python:random-dfs', 3, true],
      [1, 'python:random-dfs', 4, true],
    ])
    const board = leaderboard(outDir, { python: py.stdout, astar: ts.stdout })
    expect(board.status, board.stderr).toBe(0)
    const rows = board.stdout.split('\n').filter((l) => /python:random-dfs|astar/.test(l))
    expect(
      rows.some((l) => l.includes('python:random-dfs')),
      board.stdout,
    ).toBe(true)
    expect(
      rows.some((l) => l.includes('astar')),
      board.stdout,
    ).toBe(true)
  }, 600_000)
})
