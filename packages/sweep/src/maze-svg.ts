// A maze and a walk through it as SVG: walls, the walk (to the key, then to the exit), the optimal
// S→K→E path for comparison, and S/K/E marked. Each part has an id so tests and CSS can find it:
// #walls, #walk-to-key, #walk-to-exit, #optimal, #start, #key, #exit.
import { distancesFrom, DX, DY, type Maze, type Point } from '@maze-sim/maze'
import { FONT, n, xml } from './svg.ts'

export interface MazeSvgOptions {
  /** Cells walked, in order: the start, then the cell after every step. */
  readonly walk?: readonly Point[]
  /** Steps taken when the key was picked up (splits the walk's colours); null or absent: no split. */
  readonly keyStep?: number | null
  /** Draw the optimal S→K→E path (default true). */
  readonly optimal?: boolean
  /** A line of text under the maze. */
  readonly caption?: string
  /** Pixels per cell (default: fits the maze in about 1400 × 1000). */
  readonly cell?: number
}

const COLORS = {
  wall: '#1f1f1f',
  toKey: '#2f6fde',
  toExit: '#e0701a',
  optimal: '#2a9d4b',
  S: '#2a9d4b',
  K: '#c99a00',
  E: '#c23b3b',
} as const

/** The cells of the shortest S→K→E walk, start to exit (from breadth-first distances to the key). */
export function optimalPath(maze: Maze): Point[] {
  const dist = distancesFrom(maze, maze.key)
  const descend = (from: Point): Point[] => {
    const path: Point[] = [from]
    let { x, y } = from
    let d = dist[maze.index(x, y)]!
    while (d > 0) {
      for (let dir = 0; dir < 4; dir++) {
        if ((maze.walls[maze.index(x, y)]! >> dir) & 1) continue
        const nx = x + DX[dir]!
        const ny = y + DY[dir]!
        if (!maze.isInside(nx, ny) || dist[maze.index(nx, ny)] !== d - 1) continue
        x = nx
        y = ny
        d--
        break
      }
      path.push({ x, y })
    }
    return path
  }
  const toKey = descend(maze.start)
  const fromKey = descend(maze.exit).reverse()
  return [...toKey, ...fromKey.slice(1)]
}

/** The maze (and a walk) as an SVG document. */
export function renderMazeSvg(maze: Maze, options: MazeSvgOptions = {}): string {
  const { width, height } = maze
  const walk = options.walk ?? []
  const c = options.cell ?? Math.max(2, Math.min(20, Math.floor(1400 / width), Math.floor(1000 / height)))
  const pad = Math.max(c, 16)
  const captionHeight = (options.caption ? 26 : 0) + (walk.length > 0 ? 24 : 0) + (options.caption || walk.length > 0 ? 8 : 0)
  // Wide enough for the caption (about 7.5 px a character at 14 px).
  const W = Math.max(width * c + 2 * pad, options.caption ? Math.ceil(options.caption.length * 7.5) + 2 * pad : 0)
  const H = height * c + 2 * pad + captionHeight
  const px = (x: number): number => pad + x * c
  const py = (y: number): number => pad + y * c
  const center = (p: Point): string => `${n(px(p.x) + c / 2)},${n(py(p.y) + c / 2)}`

  // Walls as runs of horizontal and vertical segments: one path element, compact for large mazes.
  const d: string[] = []
  for (let y = 0; y <= height; y++) {
    const last = y === height
    let runStart = -1
    for (let x = 0; x <= width; x++) {
      const wall = x < width && ((maze.walls[maze.index(x, last ? height - 1 : y)]! >> (last ? 2 : 0)) & 1) === 1
      if (wall && runStart < 0) runStart = x
      if (!wall && runStart >= 0) {
        d.push(`M${px(runStart)} ${py(y)}H${px(x)}`)
        runStart = -1
      }
    }
  }
  for (let x = 0; x <= width; x++) {
    const last = x === width
    let runStart = -1
    for (let y = 0; y <= height; y++) {
      const wall = y < height && ((maze.walls[maze.index(last ? width - 1 : x, y)]! >> (last ? 1 : 3)) & 1) === 1
      if (wall && runStart < 0) runStart = y
      if (!wall && runStart >= 0) {
        d.push(`M${px(x)} ${py(runStart)}V${py(y)}`)
        runStart = -1
      }
    }
  }

  const stroke = Math.max(1, c / 7)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`,
    `<title>${xml(options.caption ?? `maze ${width}x${height}, seed ${maze.seed}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ]
  if (options.optimal ?? true) {
    // A wide pale band under the walk: where the walk leaves it, the strategy did more than needed.
    const path = optimalPath(maze)
    out.push(
      `<polyline id="optimal" points="${path.map(center).join(' ')}" fill="none" stroke="${COLORS.optimal}" stroke-width="${n(c * 0.7)}" stroke-opacity="0.28" stroke-linejoin="round" stroke-linecap="round"/>`,
    )
  }
  if (walk.length > 0) {
    const split = options.keyStep === null || options.keyStep === undefined ? walk.length - 1 : Math.min(options.keyStep, walk.length - 1)
    const w = n(Math.max(1, c / 5))
    out.push(
      `<g id="walk" fill="none" stroke-linejoin="round" stroke-linecap="round" stroke-opacity="0.75" stroke-width="${w}">`,
      `<polyline id="walk-to-key" points="${walk
        .slice(0, split + 1)
        .map(center)
        .join(' ')}" stroke="${COLORS.toKey}"/>`,
      `<polyline id="walk-to-exit" points="${walk.slice(split).map(center).join(' ')}" stroke="${COLORS.toExit}"/>`,
      `</g>`,
    )
  }
  out.push(`<path id="walls" d="${d.join('')}" stroke="${COLORS.wall}" stroke-width="${n(stroke)}" stroke-linecap="square" fill="none"/>`)
  const marker = (id: string, label: 'S' | 'K' | 'E', p: Point): string => {
    const r = Math.max(4, c * 0.6)
    return (
      `<g id="${id}" class="marker"><circle cx="${n(px(p.x) + c / 2)}" cy="${n(py(p.y) + c / 2)}" r="${n(r)}" fill="${COLORS[label]}"/>` +
      `<text x="${n(px(p.x) + c / 2)}" y="${n(py(p.y) + c / 2 + r * 0.42)}" text-anchor="middle" font-size="${n(r * 1.25)}" font-weight="bold" fill="#ffffff">${label}</text></g>`
    )
  }
  out.push(marker('start', 'S', maze.start), marker('key', 'K', maze.key), marker('exit', 'E', maze.exit))
  let row = height * c + 2 * pad
  if (options.caption) {
    row += 22
    out.push(`<text id="caption" x="${pad}" y="${row}" font-size="14" fill="#222">${xml(options.caption)}</text>`)
  }
  if (walk.length > 0) {
    // A key to the lines, under the caption.
    row += 24
    const items: Array<[string, string, number, number]> = [
      ['walk to the key', COLORS.toKey, 3, 0.9],
      ['walk on to the exit', COLORS.toExit, 3, 0.9],
      ...((options.optimal ?? true) ? [['optimal S→K→E path', COLORS.optimal, 10, 0.28] as [string, string, number, number]] : []),
    ]
    let x = pad
    out.push(`<g id="legend" font-size="12" fill="#222">`)
    for (const [label, color, width, opacity] of items) {
      out.push(
        `<line x1="${x}" x2="${x + 24}" y1="${row - 4}" y2="${row - 4}" stroke="${color}" stroke-width="${width}" stroke-opacity="${opacity}" stroke-linecap="round"/><text x="${x + 32}" y="${row}">${label}</text>`,
      )
      x += 52 + label.length * 7
    }
    out.push(`</g>`)
  }
  out.push(`</svg>`)
  return `${out.join('\n')}\n`
}
