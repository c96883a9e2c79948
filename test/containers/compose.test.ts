// The compose stack as a user runs it, `docker compose -f docker/compose.yaml up --build
// --exit-code-from agent` (the docker CLI itself, not testcontainers' compose wrapper, which starts
// stacks detached and cannot return the agent's exit code), with our OTLP receiver as the
// collector. The model, the agent and the collector share one network namespace, as in a Batch job.
import { expect, test } from 'vitest'
import { composeStack, describeWithDocker, parseAgentStdout, stripControl } from './support.ts'

describeWithDocker('docker compose up --build --exit-code-from agent', () => {
  test.each(['random-dfs', 'astar'])(
    "AGENT_STRATEGY=%s: exit 0, the solved map, both programs' spans at the collector",
    async (strategy) => {
      const { compose, down } = await composeStack(strategy)
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
        expect(result).toMatchObject({ strategy, seed: 42, width: 60, height: 20, solved: true })
        expect(map).toHaveLength(41)
        for (const label of ['S', 'K', 'E', '*']) expect(map.join('\n')).toContain(label)

        // Over localhost, to the collector's OTLP port: the agent's spans (flushed before it exits) and
        // the model's (three per request, exported in batches of 512 during the run).
        const collectorLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'collector'])
        const exports = stripControl(collectorLogs.stdout)
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { signal?: string; services?: Record<string, number> })
        for (const service of ['maze-agent', 'maze-model'])
          expect(
            exports.some((e) => e.signal === 'traces' && (e.services?.[service] ?? 0) > 0),
            `${service} spans at the collector`,
          ).toBe(true)
      } finally {
        await down()
      }
      // `--build` finds the layers global-setup.ts built, unless a dependency changed in between.
    },
    600_000,
  )
})
