// The compose stack as a user runs it, `docker compose -f docker/compose.yaml up --build
// --exit-code-from agent` (the docker CLI itself, not testcontainers' compose wrapper, which starts
// stacks detached and cannot return the agent's exit code), with our OTLP receiver as the
// collector. The model, the agent and the collector share one network namespace, as in a Batch job.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { freePort, repoRoot } from '../support/processes.ts'
import { describeWithDocker, images, parseAgentStdout, run, stripControl } from './support.ts'

const composeFile = join(repoRoot, 'docker/compose.yaml')

describeWithDocker('docker compose up --build --exit-code-from agent', () => {
  test.each(['random-dfs', 'astar'])('AGENT_STRATEGY=%s: exit 0, the solved map, both programs\' spans at the collector', async (strategy) => {
    // A project of its own and a free host port: no clash with a stack a developer left running.
    const project = `maze-sim-test-${randomUUID().slice(0, 8)}`
    const compose = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      run('docker', ['compose', '-f', composeFile, '-p', project, ...args], env, { cwd: repoRoot })
    const env = {
      AGENT_STRATEGY: strategy,
      MAZE_SEED: '42',
      MAZE_WIDTH: '60',
      MAZE_HEIGHT: '20',
      MODEL_PORT: String(await freePort()),
      COLLECTOR_IMAGE: images().otlpReceiver,
      // The defaults of a user's shell, whatever the machine running the tests has set.
      AGENT_STARTUP_TIMEOUT_MS: '',
      OTEL_SDK_DISABLED: '',
      LOG_LEVEL: '',
    }
    try {
      const up = await compose(['up', '--build', '--exit-code-from', 'agent', '--no-color'], env)
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0)

      const agentLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'agent'], env)
      const { map, result } = parseAgentStdout(stripControl(agentLogs.stdout).split('\n').filter((l) => !l.startsWith('maze-agent')).join('\n'))
      expect(result).toMatchObject({ strategy, seed: 42, width: 60, height: 20, solved: true })
      expect(map).toHaveLength(41)
      for (const label of ['S', 'K', 'E', '*']) expect(map.join('\n')).toContain(label)

      // Over localhost, to the collector's OTLP port: the agent's spans (flushed before it exits) and
      // the model's (three per request, exported in batches of 512 during the run).
      const collectorLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'collector'], env)
      const exports = stripControl(collectorLogs.stdout)
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { signal?: string; services?: Record<string, number> })
      for (const service of ['maze-agent', 'maze-model'])
        expect(exports.some((e) => e.signal === 'traces' && (e.services?.[service] ?? 0) > 0), `${service} spans at the collector`).toBe(true)
    } finally {
      await compose(['down', '--timeout', '5', '--remove-orphans'], env)
    }
    // `--build` finds the layers global-setup.ts built, unless a dependency changed in between.
  }, 600_000)
})
