// The leaderboard's chart: the distribution of the optimal-path ratio (steps / optimal S→K→E
// steps) per strategy, as box plots over the individual runs, one group per maze size. SVG only.
import type { Leaderboard } from './leaderboard.ts'
import { quantileSorted } from './stats.ts'
import { FONT, n, niceTicks, PALETTE, xml } from './svg.ts'

export interface ChartOptions {
  readonly title?: string
  /** The ratio axis: log (the default when the largest ratio is over 4× the smallest: long tails) or linear. */
  readonly scale?: 'log' | 'linear'
}

/** Ticks of a logarithmic axis over [min, max] (min > 0): 1, 1.5, 2, 3, 5, 7 × 10^k, thinned when many. */
export function logTicks(min: number, max: number): { ticks: number[]; min: number; max: number } {
  const steps = [1, 1.5, 2, 3, 5, 7]
  const all: number[] = []
  for (let k = Math.floor(Math.log10(min)) - 1; k <= Math.ceil(Math.log10(max)) + 1; k++)
    for (const m of steps) all.push(Number((m * 10 ** k).toPrecision(6)))
  const hi = all.find((v) => v >= max) ?? max
  const lo = [...all].reverse().find((v) => v <= min) ?? min
  let ticks = all.filter((v) => v >= lo && v <= hi)
  if (ticks.length > 10)
    ticks = ticks.filter(
      (v) => [1, 2, 5].includes(Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(3))) || v === lo || v === hi,
    )
  return { ticks, min: lo, max: hi }
}

interface Slot {
  readonly strategy: string
  readonly size: string
  readonly ratios: readonly number[]
  readonly mean: number
  readonly color: string
}

/** An SVG document: box plots of the optimal-path ratio per strategy (and per size). */
export function renderRatioChart(board: Leaderboard, options: ChartOptions = {}): string {
  const names = [...new Set(board.sizes.flatMap((s) => s.strategies.map((st) => st.strategy)))]
  const color = (name: string): string => PALETTE[names.indexOf(name) % PALETTE.length]!
  const groups = board.sizes.map((s) => ({
    label: `${s.width}x${s.height}`,
    seeds: s.seeds,
    slots: s.strategies.map(
      (st): Slot => ({
        strategy: st.strategy,
        size: `${s.width}x${s.height}`,
        ratios: st.ratios,
        mean: st.ratio.mean,
        color: color(st.strategy),
      }),
    ),
  }))
  const all = groups.flatMap((g) => g.slots.flatMap((s) => s.ratios))
  const slotCount = groups.reduce((k, g) => k + g.slots.length, 0)

  const slotWidth = 140
  const groupGap = 40
  const margin = { top: 86, right: 24, bottom: groups.length > 1 ? 86 : 64, left: 78 }
  const plotWidth = Math.max(520, slotCount * slotWidth + (groups.length - 1) * groupGap)
  const plotHeight = 360
  const width = margin.left + plotWidth + margin.right
  const legendRows = Math.ceil(names.length / 3)
  const height = margin.top + plotHeight + margin.bottom + legendRows * 20

  const low = Math.min(1, ...all)
  const high = Math.max(1.5, ...all)
  const log = options.scale === 'log' || (options.scale === undefined && low > 0 && high / low > 4)
  const axis = log ? logTicks(low, high) : niceTicks(low, high, 8)
  const t = (v: number): number => (log ? Math.log(v) : v)
  const y = (v: number): number => margin.top + plotHeight - ((t(v) - t(axis.min)) / (t(axis.max) - t(axis.min))) * plotHeight
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12">`,
    `<title>${xml(options.title ?? 'Optimal-path ratio by strategy')}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="26" font-size="17" font-weight="bold">${xml(options.title ?? 'Optimal-path ratio by strategy')}</text>`,
    `<text x="${margin.left}" y="48" fill="#333">${xml(groups.map((g) => `${g.label}: ${g.seeds} seed${g.seeds === 1 ? '' : 's'} per strategy`).join(' · '))}</text>`,
    `<text x="${margin.left}" y="66" fill="#666" font-size="11">box: quartiles and median · whiskers: 1.5 × IQR · ◆ mean · dots: solved runs</text>`,
  )

  // Axes and grid.
  out.push(`<g id="y-axis" class="axis">`)
  for (const tick of axis.ticks) {
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${n(y(tick))}" y2="${n(y(tick))}" stroke="#e6e6e6"/>`,
      `<text x="${margin.left - 8}" y="${n(y(tick) + 4)}" text-anchor="end">${xml(`${Number(tick.toFixed(3))}×`)}</text>`,
    )
  }
  out.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#333"/>`,
    `<text transform="translate(20 ${n(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" font-size="13">steps ÷ optimal S→K→E steps${log ? ' (log scale)' : ''}</text>`,
    `</g>`,
  )
  if (axis.min <= 1) {
    out.push(
      `<g id="optimal-line"><line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${n(y(1))}" y2="${n(y(1))}" stroke="#2a2a2a" stroke-dasharray="5 4"/>`,
      `<text x="${margin.left + plotWidth - 4}" y="${n(y(1) - 5)}" text-anchor="end" fill="#2a2a2a">optimal</text></g>`,
    )
  }

  let x0 = margin.left + (plotWidth - slotCount * slotWidth - (groups.length - 1) * groupGap) / 2
  out.push(`<g id="boxes">`)
  for (const g of groups) {
    const gx = x0
    for (const s of g.slots) {
      out.push(box(s, x0, slotWidth, y))
      out.push(
        `<text x="${n(x0 + slotWidth / 2)}" y="${margin.top + plotHeight + 18}" text-anchor="middle" font-size="12">${xml(s.strategy)}</text>`,
      )
      x0 += slotWidth
    }
    if (groups.length > 1) {
      out.push(
        `<text x="${n((gx + x0) / 2)}" y="${margin.top + plotHeight + 40}" text-anchor="middle" font-weight="bold">${xml(g.label)}</text>`,
      )
    }
    x0 += groupGap
  }
  out.push(`</g>`)
  out.push(
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#333"/>`,
    `<text x="${n(margin.left + plotWidth / 2)}" y="${margin.top + plotHeight + (groups.length > 1 ? 62 : 42)}" text-anchor="middle" font-size="13">strategy${groups.length > 1 ? ' and maze size' : ''}</text>`,
  )

  // Legend: colour, name, and the median ratio over every size.
  const legendTop = margin.top + plotHeight + margin.bottom - 6
  out.push(`<g id="legend">`)
  names.forEach((name, i) => {
    const lx = margin.left + (i % 3) * Math.max(200, plotWidth / 3)
    const ly = legendTop + Math.floor(i / 3) * 20
    const stats = board.sizes.flatMap((s) => s.strategies.filter((st) => st.strategy === name))
    const solved = stats.reduce((k, st) => k + st.solved, 0)
    const runs = stats.reduce((k, st) => k + st.runs, 0)
    out.push(
      `<rect x="${n(lx)}" y="${ly - 10}" width="14" height="14" fill="${color(name)}" fill-opacity="0.55" stroke="${color(name)}"/>`,
      `<text x="${n(lx + 20)}" y="${ly + 1}">${xml(`${name} (${solved}/${runs} solved)`)}</text>`,
    )
  })
  out.push(`</g>`, `</svg>`)
  return `${out.join('\n')}\n`
}

function box(s: Slot, x: number, w: number, y: (v: number) => number): string {
  const r = s.ratios
  const cx = x + w / 2
  const parts = [`<g class="box" data-strategy="${xml(s.strategy)}" data-size="${xml(s.size)}">`]
  if (r.length === 0) {
    parts.push(`<text x="${n(cx)}" y="${n(y(1) - 20)}" text-anchor="middle" fill="#999">no solved runs</text></g>`)
    return parts.join('')
  }
  const q1 = quantileSorted(r, 0.25)
  const med = quantileSorted(r, 0.5)
  const q3 = quantileSorted(r, 0.75)
  const iqr = q3 - q1
  const lowWhisker = r.find((v) => v >= q1 - 1.5 * iqr) ?? r[0]!
  const highWhisker = [...r].reverse().find((v) => v <= q3 + 1.5 * iqr) ?? r[r.length - 1]!
  const bw = w * 0.42
  // The runs themselves, spread over the slot by a deterministic jitter (golden-ratio sequence).
  parts.push(`<g class="runs" fill="${s.color}" fill-opacity="0.28">`)
  r.forEach((v, i) => {
    const jitter = (((i * 0.6180339887) % 1) - 0.5) * w * 0.7
    parts.push(`<circle cx="${n(cx + jitter)}" cy="${n(y(v))}" r="1.8"/>`)
  })
  parts.push(`</g>`)
  parts.push(
    `<line x1="${n(cx)}" x2="${n(cx)}" y1="${n(y(highWhisker))}" y2="${n(y(q3))}" stroke="#333"/>`,
    `<line x1="${n(cx)}" x2="${n(cx)}" y1="${n(y(q1))}" y2="${n(y(lowWhisker))}" stroke="#333"/>`,
    `<line x1="${n(cx - bw / 4)}" x2="${n(cx + bw / 4)}" y1="${n(y(highWhisker))}" y2="${n(y(highWhisker))}" stroke="#333"/>`,
    `<line x1="${n(cx - bw / 4)}" x2="${n(cx + bw / 4)}" y1="${n(y(lowWhisker))}" y2="${n(y(lowWhisker))}" stroke="#333"/>`,
    `<rect x="${n(cx - bw / 2)}" y="${n(y(q3))}" width="${n(bw)}" height="${n(Math.max(1, y(q1) - y(q3)))}" fill="${s.color}" fill-opacity="0.55" stroke="#333"/>`,
    `<line x1="${n(cx - bw / 2)}" x2="${n(cx + bw / 2)}" y1="${n(y(med))}" y2="${n(y(med))}" stroke="#111" stroke-width="2.5"/>`,
    `<path d="M${n(cx)} ${n(y(s.mean) - 5)}l5 5l-5 5l-5 -5z" fill="#ffffff" stroke="#111"/>`,
    `<text x="${n(cx + bw / 2 + 4)}" y="${n(y(med) + 4)}" font-size="11">${xml(`${med.toFixed(2)}×`)}</text>`,
    `</g>`,
  )
  return parts.join('')
}
