#!/usr/bin/env node
// `pnpm render`: draws the maze of (seed, size) and the walk of a strategy through it, as SVG
// (and PNG through resvg when the output ends in .png or --png is given).
import { resolve } from 'node:path'
import { boolean, help, helpFlag, integer, string } from '@maze-sim/config'
import { DEFAULT_STRATEGY, loadStrategy, STRATEGY_NAMES } from '@maze-sim/agent'
import { generateMaze, MAX_SEED, SIZE_RULE } from '@maze-sim/maze'
import { outputProblem, readFlags, writeOutput } from './cli.ts'
import { SweepError, SweepErrorCode, usageError } from './errors.ts'
import { renderMazeSvg } from './maze-svg.ts'
import { parseSizes } from './plan.ts'
import { svgToPng } from './png.ts'
import { walkMaze } from './walk.ts'

/** Every flag of `pnpm render`, with its default. */
const RENDER_OPTIONS = {
  seed: integer({ flag: 'seed', min: 0, max: MAX_SEED, default: 1, description: 'maze seed' }),
  size: string({ flag: 'size', placeholder: '<WxH>', default: '80x20', allowed: SIZE_RULE, description: 'maze size' }),
  strategy: string({
    flag: 'strategy',
    placeholder: '<s>',
    default: DEFAULT_STRATEGY,
    allowed: `${STRATEGY_NAMES.join(', ')}, a package name or a module path; none: the maze alone`,
    description: 'the strategy whose walk is drawn',
  }),
  out: string({
    flag: 'out',
    placeholder: '<file>',
    defaultText: 'maze-<strategy>-<seed>-<WxH>.svg',
    description: '.svg, or .png to rasterize',
  }),
  png: string({ flag: 'png', placeholder: '<file>', description: 'also write a PNG' }),
  optimal: boolean({ flag: 'optimal', negatable: true, default: true, description: 'leave out the optimal path' }),
  cell: integer({
    flag: 'cell',
    placeholder: '<px>',
    min: 2,
    max: 64,
    defaultText: 'fits about 1400 x 1000',
    description: 'pixels per cell',
  }),
  help: helpFlag('this text'),
} as const

const USAGE = `Usage: pnpm render --seed <n> --size <WxH> [--strategy <s>] [--out <file.svg|file.png>] [--png <file.png>]

Draws the maze of a seed and size, and the walk of a strategy through it: walls, the walk to the key
(blue) and on to the exit (orange), the optimal S→K→E path (dashed green), S, K and E.

${help(RENDER_OPTIONS)}
Exit codes: 0 written; 1 a picture could not be rendered or written (SWEEP_ERR_RENDER, SWEEP_ERR_WRITE); 2 bad options, output
path or strategy (SWEEP_ERR_USAGE, SWEEP_ERR_STRATEGY_LOAD).
`

async function main(): Promise<number> {
  const { values } = readFlags(RENDER_OPTIONS, process.argv.slice(2))
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const seed = values.seed
  const sizes = parseSizes(values.size)
  if (sizes.length !== 1) throw usageError('--size takes one size')
  const { width, height } = sizes[0]!
  const cell = values.cell
  const out = values.out ?? `maze-${values.strategy.replace(/[^A-Za-z0-9_-]+/g, '_')}-${seed}-${width}x${height}.svg`
  // Before the maze is generated and walked (a large one takes a while): where the pictures go.
  for (const [flag, file] of [
    ['--out', out],
    ['--png', values.png],
  ] as const) {
    const problem = file === undefined ? null : outputProblem(resolve(file))
    if (problem !== null) throw usageError(`${flag} ${file}: ${problem}`)
  }

  const maze = generateMaze({ width, height, seed })
  let caption = `maze ${width}x${height}, seed ${seed}`
  let svg: string
  if (values.strategy === 'none') {
    svg = renderMazeSvg(maze, { optimal: values.optimal, caption, ...(cell ? { cell } : {}) })
  } else {
    const strategy = await loadStrategy(values.strategy).catch((err: unknown) => {
      throw new SweepError(SweepErrorCode.StrategyLoad, (err as Error).message, { cause: err })
    })
    const { result, points } = await walkMaze(strategy, seed, width, height)
    const ratio = result.optimalSteps
      ? ` — ${(result.steps / result.optimalSteps).toFixed(2)}× the optimal ${result.optimalSteps.toLocaleString('en')}`
      : ''
    caption = `${result.strategy} on ${caption}: ${result.solved ? 'solved' : 'not solved'} in ${result.steps.toLocaleString('en')} steps${ratio}${result.keyStep !== null ? ` (key at step ${result.keyStep})` : ''}`
    svg = renderMazeSvg(maze, { walk: points, keyStep: result.keyStep, optimal: values.optimal, caption, ...(cell ? { cell } : {}) })
    process.stderr.write(`maze-render: ${caption}\n`)
  }
  const write = async (file: string): Promise<void> => {
    const png = file.endsWith('.png')
    writeOutput(resolve(file), png ? await svgToPng(svg) : svg, png ? 'PNG' : 'SVG')
    process.stderr.write(`maze-render: wrote ${file}\n`)
  }
  await write(out)
  if (values.png !== undefined) await write(values.png)
  return 0
}

try {
  process.exitCode = await main()
} catch (err) {
  const code = err instanceof SweepError ? err.code : ((err as { code?: string }).code ?? 'SWEEP_ERR_UNEXPECTED')
  process.stderr.write(`maze-render: ${code}: ${(err as Error).message}\n`)
  process.exitCode = err instanceof SweepError && (err.code === SweepErrorCode.Render || err.code === SweepErrorCode.Write) ? 1 : 2
}
