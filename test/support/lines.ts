// Lines the programs print that tests read back: the referee's records on a model's stdout, the
// agents' result lines, and the telemetry summary a program prints at exit.
import { parseRefereeLine, type RefereeLine } from '@maze-sim/agent/referee'
import { parseAgentResult, type ParsedAgentResult } from '@maze-sim/agent/result'

/** The referee's records in a model's stdout, in order. */
export const refereeLines = (stdout: string): RefereeLine[] =>
  stdout
    .split('\n')
    .map((l) => parseRefereeLine(l))
    .filter((r): r is RefereeLine => r !== null)

/** The agents' result lines in `stdout`, in order. */
export const resultLines = (stdout: string): ParsedAgentResult[] =>
  stdout
    .split('\n')
    .map((l) => parseAgentResult(l))
    .filter((r): r is ParsedAgentResult => r !== null)

export interface ExportSummary {
  exported: number
  failed: number
  unanswered: number
  outcome: string
}

/** The line a program prints at exit with MAZE_TELEMETRY_SUMMARY=true (packages/telemetry). */
export function exportSummary(service: string, log: string): ExportSummary {
  const match = new RegExp(`^${service} telemetry: (\\d+) spans exported, (\\d+) failed, (\\d+) unanswered \\(([a-z-]+)\\)$`, 'm').exec(log)
  if (match === null) throw new Error(`no telemetry summary from ${service} in its log:\n${log.slice(-2000)}`)
  return { exported: Number(match[1]), failed: Number(match[2]), unanswered: Number(match[3]), outcome: match[4]! }
}
