// The leaderboard as text: an aligned table for the terminal and GitHub-flavoured Markdown.
import type { Leaderboard, SizeBoard, StrategyStats } from './leaderboard.ts'

export interface FormatOptions {
  /** Include the time per run (default true). Without it the text depends only on the results. */
  readonly timings?: boolean
}

type Align = 'l' | 'r'
interface Table {
  readonly head: readonly string[]
  readonly align: readonly Align[]
  readonly rows: readonly (readonly string[])[]
}

const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–')
const signedInt = (x: number): string => (Number.isFinite(x) ? `${x > 0 ? '+' : x < 0 ? '−' : ''}${int(Math.abs(x))}` : '–')
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')
const percent = (x: number): string => `${(100 * x).toFixed(x === 1 || x === 0 ? 0 : 1)}%`

/** A p-value for people: 3 digits down to 0.001, then scientific; underflow as < 1e-300. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return '–'
  if (p < 1e-300) return '< 1e-300'
  if (p >= 0.001) return p.toFixed(3)
  return p.toExponential(1)
}

const ms = (x: number): string => (!Number.isFinite(x) ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`)

function strategyTable(board: SizeBoard, timings: boolean): Table {
  const head = ['#', 'strategy', 'solved', 'mean steps (95% CI)', 'median', 'p95', 'mean ratio (95% CI)', 'median', 'p95', 'requests']
  const align: Align[] = ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']
  if (timings) {
    head.push('time/run')
    align.push('r')
  }
  const rows = board.strategies.map((s: StrategyStats, i) => {
    const solved = `${s.solved}/${s.runs} (${percent(s.successRate)})${s.errors > 0 ? `, ${s.errors} err` : ''}${s.missing > 0 ? `, ${s.missing} missing` : ''}`
    const row = [
      String(i + 1),
      s.strategy + (s.strategy === board.baseline ? ' (baseline)' : ''),
      solved,
      s.steps.n === 0 ? '–' : `${int(s.steps.mean)} (${int(s.steps.low)}–${int(s.steps.high)})`,
      int(s.steps.median),
      int(s.steps.p95),
      s.ratio.n === 0 ? '–' : `${ratio(s.ratio.mean)} (${s.ratio.low.toFixed(2)}–${s.ratio.high.toFixed(2)})`,
      ratio(s.ratio.median),
      ratio(s.ratio.p95),
      int(s.meanRequests),
    ]
    if (timings) row.push(ms(s.meanElapsedMs))
    return row
  })
  return { head, align, rows }
}

function pairedTable(board: SizeBoard): Table | null {
  const compared = board.strategies.filter((s) => s.vsBaseline !== null)
  if (compared.length === 0) return null
  return {
    head: ['strategy', 'vs', 'paired seeds', 'Δ steps, mean (95% CI)', 'steps ratio', 'fewer steps on', 'paired t-test p', 'Wilcoxon p'],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: compared.map((s) => {
      const c = s.vsBaseline!
      return [
        s.strategy,
        c.baseline,
        int(c.pairs),
        `${signedInt(c.meanDifference)} (${signedInt(c.low)} to ${signedInt(c.high)})`,
        ratio(c.stepsRatio),
        `${c.better}/${c.pairs}`,
        formatP(c.p),
        formatP(c.wilcoxonP),
      ]
    }),
  }
}

const heading = (board: SizeBoard): string =>
  `${board.width}x${board.height} — ${board.seeds} seed${board.seeds === 1 ? '' : 's'}${board.baseline ? `, baseline ${board.baseline}` : ''}`

const NOTES =
  'steps and ratio (steps / optimal S→K→E steps) over solved runs; 95% CI of the mean from Student’s t; ' +
  'paired tests on the steps of seeds both strategies solved (Δ = strategy − baseline).'

function markdownTable(t: Table): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|')
  const lines = [`| ${t.head.map(esc).join(' | ')} |`, `| ${t.align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`]
  for (const row of t.rows) lines.push(`| ${row.map(esc).join(' | ')} |`)
  return lines.join('\n')
}

function textTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (t.align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(t.head), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n')
}

function footer(board: Leaderboard): string[] {
  const notes: string[] = []
  if (board.duplicates > 0) notes.push(`${board.duplicates} duplicate result line(s) ignored (same strategy, seed and size).`)
  if (board.withoutSeed > 0) notes.push(`${board.withoutSeed} result(s) without a maze seed ignored (they cannot be paired).`)
  return notes
}

/** The leaderboard as Markdown: per size, the strategy table and the paired comparison. */
export function formatMarkdown(board: Leaderboard, options: FormatOptions = {}): string {
  const timings = options.timings ?? true
  const parts: string[] = []
  for (const size of board.sizes) {
    parts.push(`### ${heading(size)}`, markdownTable(strategyTable(size, timings)))
    const paired = pairedTable(size)
    if (paired) parts.push(markdownTable(paired))
  }
  if (board.sizes.length === 0) parts.push('_No results._')
  parts.push(`<sub>${NOTES}</sub>`, ...footer(board))
  return `${parts.join('\n\n')}\n`
}

/** The leaderboard as aligned plain text for a terminal. */
export function formatText(board: Leaderboard, options: FormatOptions = {}): string {
  const timings = options.timings ?? true
  const parts: string[] = []
  for (const size of board.sizes) {
    parts.push(heading(size), textTable(strategyTable(size, timings)))
    const paired = pairedTable(size)
    if (paired) parts.push(textTable(paired))
  }
  if (board.sizes.length === 0) parts.push('No results.')
  parts.push(NOTES, ...footer(board))
  return `${parts.join('\n\n')}\n`
}
