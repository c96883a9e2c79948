// The performance goals, each against this run's figure: met or missed. Written by `pnpm bench`
// when the parts that measure them (generation and telemetry) both ran; the big-maze goals need
// 10000x10000 among the sizes (it is by default).
import { duration, type GenerationRow } from './generation.ts'
import type { Sample, TelemetryBenchResult } from './telemetry.ts'
import { NO_COLLECTOR, OFF, ON } from './programs.ts'

interface Goal {
  readonly goal: string
  readonly target: string
  readonly measured: string
  /** Null: not measured in this run. */
  readonly met: boolean | null
}

const MB = 1_000_000 / (1024 * 1024)

export function goals(generation: readonly GenerationRow[], t: TelemetryBenchResult): Goal[] {
  const ratio = (m: ReadonlyMap<unknown, Sample>): number => m.get(ON)!.value / m.get(OFF)!.value
  const list: Goal[] = []
  const pos = ratio(t.pos)
  list.push({ goal: 'GET /maze/pos throughput, telemetry on vs off', target: '≥ 85%', measured: percent(pos), met: pos >= 0.85 })
  const moves = ratio(t.moves)
  list.push({ goal: 'episode moves throughput, telemetry on vs off', target: '≥ 85%', measured: percent(moves), met: moves >= 0.85 })
  const late = t.agentRun.get(NO_COLLECTOR)!.value - t.agentRun.get(OFF)!.value
  list.push({
    goal: 'an agent run with no collector listening, later than telemetry off',
    target: '≤ 0.20 s',
    measured: `${(late / 1000).toFixed(2)} s`,
    met: late <= 200,
  })
  const starts: [string, Sample | null | undefined, number][] = [
    ['agent spawn → first request, telemetry on (the image entry point, its compile cache shipped)', t.agentStart.get(ON), 300],
    ['`pnpm agent` → first request, telemetry on (pnpm and its launcher included)', t.pnpmAgentStart, 300],
    ['model spawn → ready on 80 × 20, telemetry on (the image entry point, its compile cache shipped)', t.modelStart.get(ON), 500],
  ]
  for (const [goal, sample, ms] of starts) {
    if (sample === null || sample === undefined) continue
    list.push({ goal, target: `≤ ${(ms / 1000).toFixed(2)} s`, measured: duration(sample.value), met: sample.value <= ms })
  }
  const big = generation.find((r) => r.width * r.height === 100_000_000 && r.refused === null)
  if (big !== undefined) {
    const both = big.generateMs! + big.solveMs!
    list.push({
      goal: `${big.width} × ${big.height} generated and solved (S→K→E known)`,
      target: '≤ 5 s',
      measured: duration(both),
      met: both <= 5000,
    })
    const peak = big.modelPeakMiB! / MB
    list.push({
      goal: `${big.width} × ${big.height}: peak RSS of the whole model process (telemetry on)`,
      target: '≤ 300 MB',
      measured: `${peak.toFixed(0)} MB`,
      met: peak <= 300,
    })
  } else {
    for (const goal of [
      '10000 × 10000 generated and solved (S→K→E known)',
      '10000 × 10000: peak RSS of the whole model process (telemetry on)',
    ]) {
      list.push({ goal, target: goal.includes('RSS') ? '≤ 300 MB' : '≤ 5 s', measured: 'not in --sizes', met: null })
    }
  }
  return list
}

function percent(x: number): string {
  return `${(x * 100).toFixed(0)}%`
}

export function goalsTable(list: readonly Goal[]): string {
  return [
    '| goal | target | measured | |',
    '| --- | ---: | ---: | --- |',
    ...list.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === null ? '–' : g.met ? 'met' : '**missed**'} |`),
  ].join('\n')
}
