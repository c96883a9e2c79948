// One agent run is one trace, across containers, and no span is lost at the end of the run: the
// compose stack with our OTLP receiver as the collector (a fixture container on 4317/4318 that owns
// the network namespace the model and the agent join). The receiver decodes every export (protobuf)
// and logs each span; this test reads those spans back and checks the trace (the agent's run span,
// its client spans, the model's server spans under them) and that every span each program says it
// exported (MAZE_TELEMETRY_SUMMARY, one line at exit) reached the collector, none failed or unanswered.
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { exportSummary } from '../support/lines.ts'
import { repoRoot } from '../support/processes.ts'
import { composeStack, describeWithDocker, parseAgentStdout, stripControl } from './support.ts'

interface LoggedSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  attributes: Record<string, unknown>
  resource: Record<string, unknown>
}
const SERVER = 2
const CLIENT = 3

describeWithDocker('telemetry through the collector sidecar', () => {
  test('the spans of one agent run reach the collector from both containers, as one trace', async () => {
    const { compose, down } = await composeStack('astar', [join(repoRoot, 'test/containers/compose.telemetry.yaml')])
    try {
      const up = await compose(['up', '--build', '--exit-code-from', 'agent', '--no-color'])
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0)
      const agentLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'agent'])
      const { result } = parseAgentStdout(
        stripControl(agentLogs.stdout)
          .split('\n')
          .filter((l) => !l.startsWith('maze-agent'))
          .join('\n'),
      )

      const collectorLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'collector'])
      const spans = stripControl(collectorLogs.stdout)
        .split('\n')
        .filter((l) => l.startsWith('{"span"'))
        .map((l) => (JSON.parse(l) as { span: LoggedSpan }).span)

      // The agent's run span, with the domain attributes of its result line.
      const runs = spans.filter((s) => s.service === 'maze-agent' && s.name === 'agent.run')
      expect(runs).toHaveLength(1)
      const runSpan = runs[0]!
      expect(runSpan.parentSpanId).toBe('')
      expect(runSpan.attributes).toMatchObject({
        'agent.strategy': 'astar',
        'maze.width': 60,
        'maze.height': 20,
        'maze.seed': 42,
        'agent.solved': true,
        'agent.steps': result.steps,
        'agent.key_step': result.keyStep,
      })
      expect(runSpan.resource).toMatchObject({
        'service.name': 'maze-agent',
        'aws.batch.job.id': 'job-1234:3',
        'aws.batch.job.array_index': 3,
      })

      // Every agent span belongs to that one trace; its client spans are the run span's children.
      const agentSpans = spans.filter((s) => s.service === 'maze-agent')
      expect(new Set(agentSpans.map((s) => s.traceId))).toEqual(new Set([runSpan.traceId]))
      const clients = agentSpans.filter((s) => s.kind === CLIENT)
      for (const client of clients) expect(client.parentSpanId).toBe(runSpan.spanId)
      const clientIds = new Set(clients.map((s) => s.spanId))
      // One per request but the per-step ones (/episodes/:id/moves: counted in the metrics, no span
      // unless MAZE_TELEMETRY_STEP_SPANS; packages/telemetry/README.md, "Steps"), plus the retries of
      // the first ones while the model was still starting.
      const isStep = (s: LoggedSpan): boolean => /\/episodes\/[^/]+\/moves$/.test(String(s.attributes['url.path']))
      expect(clients.filter(isStep)).toEqual([])
      expect(clientIds.size).toBeGreaterThanOrEqual(4)
      expect(clientIds.size).toBeLessThan(Number(result.requests))

      // The model's request spans continue the agent's trace: each server span's parent is one of
      // the agent's client spans.
      const modelServer = spans.filter((s) => s.service === 'maze-model' && s.kind === SERVER)
      expect(modelServer.length).toBeGreaterThanOrEqual(4)
      expect(modelServer.filter(isStep)).toEqual([])
      for (const span of modelServer) {
        expect(span.traceId).toBe(runSpan.traceId)
        expect(clientIds.has(span.parentSpanId)).toBe(true)
      }

      // Nothing lost at the end: compose stopped the agent, then the model (whose SIGTERM flushes
      // the spans of the last requests), then the collector. Each program's count of the spans the
      // collector acknowledged equals what the collector logged for it, and none failed or went
      // unanswered. (With the collector stopped first, the model's last flush finds no one.)
      const modelLogs = await compose(['logs', '--no-color', '--no-log-prefix', 'model'])
      for (const [service, logs] of [
        ['maze-agent', agentLogs.stdout],
        ['maze-model', modelLogs.stdout],
      ] as const) {
        const summary = exportSummary(service, stripControl(logs))
        expect(summary, `${service} at exit:\n${logs.slice(-2000)}`).toMatchObject({ failed: 0, unanswered: 0, outcome: 'flushed' })
        expect(summary.exported, service).toBeGreaterThan(0)
        expect(spans.filter((s) => s.service === service).length, `${service}: spans at the collector vs. exported`).toBe(summary.exported)
      }
      expect(stripControl(collectorLogs.stdout)).toContain('"msg":"otlp-receiver stopping"')
    } finally {
      await down()
    }
  }, 600_000)
})
