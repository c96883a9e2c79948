// No span is lost at the end of a Batch job either: the real job definition run by the local runner
// with Batch's shutdown order (the agent exits, the model is stopped, then the collector, the
// reverse of dependsOn). Each program prints at exit how many spans the collector acknowledged
// (MAZE_TELEMETRY_SUMMARY=true); the collector stand-in (our OTLP receiver) says at its own stop how
// many it received from each service. The two counts agree, and nothing failed or went unanswered.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exportSummary } from '../support/lines.ts'
import { useLocalRunner } from './support.ts'

const { outDir, needDocker, cli } = useLocalRunner('test/batch/telemetry.test.ts')

/** The spans per service the OTLP receiver counted, from the summary it logs when it stops. */
function receivedSpans(log: string): Record<string, number> {
  const line = log.split('\n').find((l) => l.includes('"msg":"otlp-receiver stopping"'))
  if (line === undefined) throw new Error(`the collector never logged its stop:\n${log.slice(-2000)}`)
  return (JSON.parse(line) as { summary: { spans: Record<string, number> } }).summary.spans
}

describe('run-local: telemetry at the end of a job', () => {
  test('every span the model and the agent exported reached the collector, which Batch stops last', async (ctx) => {
    needDocker(ctx)
    const summaryOn = ['--env', 'agent:MAZE_TELEMETRY_SUMMARY=true', '--env', 'model:MAZE_TELEMETRY_SUMMARY=true']
    const run = await cli([
      'run-local',
      '--out',
      outDir,
      '--seed',
      '42',
      '--width',
      '24',
      '--height',
      '8',
      '--strategy',
      'astar',
      ...summaryOn,
    ])
    expect(run.code, run.stderr).toBe(0)
    const runDir = /results --dir (\S+)/.exec(run.stderr)![1]!
    const log = (container: string): string => readFileSync(join(runDir, 'job/attempt-1', `${container}.log`), 'utf8')

    const received = receivedSpans(log('collector'))
    for (const [service, container] of [
      ['maze-agent', 'agent'],
      ['maze-model', 'model'],
    ] as const) {
      const summary = exportSummary(service, log(container))
      expect(summary, `${service} at exit`).toMatchObject({ failed: 0, unanswered: 0, outcome: 'flushed' })
      expect(summary.exported, service).toBeGreaterThan(0)
      expect(received[service], `${service}: spans at the collector vs. exported`).toBe(summary.exported)
    }
  })
})
