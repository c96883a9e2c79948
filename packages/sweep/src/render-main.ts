#!/usr/bin/env node
// `pnpm render`: draws the maze of (seed, size) and the walk of a strategy through it, or the walk
// an episode's replay describes (--replay), as SVG (and PNG through resvg when the output ends in
// .png or --png is given).
import { existsSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { boolean, help, helpFlag, integer, parseSizeValue, Refusal, size as sizeOption, string } from '@maze-sim/config'
import { DEFAULT_STRATEGY, loadStrategy, STRATEGY_NAMES } from '@maze-sim/agent'
import { DEFAULT_SIZE, generateMaze, MAX_SEED, solve } from '@maze-sim/maze'
import { outputProblem, readFlags, writeOutput } from './cli.ts'
import { SweepError, SweepErrorCode, usageError } from './errors.ts'
import { renderMazeSvg } from './maze-svg.ts'
import { svgToPng } from './png.ts'
import { walkReplay } from './replay-walk.ts'
import { walkMaze } from './walk.ts'

/** Every flag of `pnpm render`, with its default. */
const RENDER_OPTIONS = {
  seed: integer({ flag: 'seed', min: 0, max: MAX_SEED, default: 1, description: 'maze seed' }),
  size: sizeOption({ flag: 'size', default: DEFAULT_SIZE, description: 'maze size' }),
  strategy: string({
    flag: 'strategy',
    placeholder: '<s>',
    default: DEFAULT_STRATEGY,
    allowed: `${STRATEGY_NAMES.join(', ')}, a package name or a module path; none: the maze alone`,
    description: 'the strategy whose walk is drawn',
  }),
  replay: string({
    flag: 'replay',
    placeholder: '<file.ndjson>',
    description:
      "draw this episode's replay (GET /episodes/:id/replay) instead of a strategy's walk; seed and size from the flags or from <file>.json",
  }),
  out: string({
    flag: 'out',
    placeholder: '<file>',
    defaultText: 'maze-<strategy>-<seed>-<WxH>.svg (maze-replay-<file>.svg)',
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
       pnpm render --replay <file.ndjson> [--seed <n> --size <WxH>] [--out <file.svg|file.png>]

Draws the maze of a seed and size, and the walk of a strategy through it: walls, the walk to the key
(blue) and on to the exit (orange), the optimal S→K→E path (dashed green), S, K and E.

With --replay, the walk is the one an episode's replay describes (the NDJSON of GET
/episodes/:id/replay), checked move by move against the maze. Its seed and size are --seed and
--size, or, when those are not given, the seed, width and height of the episode's record saved
beside it as <file>.json (x.ndjson: x.json; the JSON of GET /episodes/:id or its result line).

${help(RENDER_OPTIONS)}
Exit codes: 0 written; 1 a picture could not be rendered or written (SWEEP_ERR_RENDER, SWEEP_ERR_WRITE); 2 bad options, output
path or strategy (SWEEP_ERR_USAGE, SWEEP_ERR_STRATEGY_LOAD), or a replay that cannot be read or does not fit the maze (a
move through a wall or off the grid, steps out of order: SWEEP_ERR_REPLAY).
`

/** What `--replay` takes from the record beside the replay: GET /episodes/:id, or its result line. */
interface ReplayRecord {
  seed: number | null
  width: number
  height: number
  agent?: string | null
}

/** The record saved beside a replay (`x.ndjson` → `x.json`), when there is one. */
function readReplayRecord(replayFile: string): { file: string; record: ReplayRecord | undefined } {
  const file = `${replayFile.replace(/\.ndjson$/, '')}.json`
  if (!existsSync(file)) return { file, record: undefined }
  let record: unknown
  try {
    record = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new SweepError(SweepErrorCode.Replay, `cannot read the record ${file}: ${(error as Error).message}`, { cause: error })
  }
  const r = record as Partial<ReplayRecord> | null
  if (
    r === null ||
    typeof r !== 'object' ||
    !Number.isInteger(r.width) ||
    !Number.isInteger(r.height) ||
    (r.seed !== null && !Number.isInteger(r.seed))
  ) {
    throw new SweepError(SweepErrorCode.Replay, `the record ${file} is not an episode record {"seed","width","height",...}`)
  }
  return { file, record: r as ReplayRecord }
}

async function main(): Promise<number> {
  const { values, sources } = readFlags(RENDER_OPTIONS, process.argv.slice(2))
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  let seed = values.seed
  let size = values.size
  let record: ReplayRecord | undefined
  if (values.replay !== undefined) {
    if (sources.strategy !== undefined) throw usageError('--replay draws the walk of a replay: leave out --strategy')
    const found = readReplayRecord(resolve(values.replay))
    record = found.record
    if (sources.seed === undefined || sources.size === undefined) {
      if (record === undefined) {
        throw usageError(
          `--replay ${values.replay}: give --seed and --size, or save the episode's record (GET /episodes/:id) as ${found.file}`,
        )
      }
      if (record.seed === null) {
        throw usageError(
          `the record ${found.file} withholds the seed (a sealed model's running episode): give --seed, or save the record once it has ended`,
        )
      }
      if (sources.seed === undefined) seed = record.seed
      if (sources.size === undefined) {
        // The record's size, under the same rule as --size.
        const recorded = parseSizeValue(`${record.width}x${record.height}`)
        if (recorded instanceof Refusal || typeof recorded === 'symbol')
          throw usageError(
            `the record ${found.file} has the size ${record.width}x${record.height}: ${recorded instanceof Refusal ? recorded.reason : 'not a size'}`,
          )
        size = recorded
      }
    }
  }
  const { width, height } = size
  const cell = values.cell
  const name = values.replay !== undefined ? `replay-${basename(values.replay).replace(/\.ndjson$/, '')}` : values.strategy
  const out = values.out ?? `maze-${name.replace(/[^A-Za-z0-9_-]+/g, '_')}-${seed}-${width}x${height}.svg`
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
  if (values.replay !== undefined) {
    let text: string
    try {
      text = readFileSync(resolve(values.replay), 'utf8')
    } catch (error) {
      throw new SweepError(SweepErrorCode.Replay, `cannot read --replay ${values.replay}: ${(error as Error).message}`, { cause: error })
    }
    const walk = walkReplay(maze, text)
    const optimal = solve(maze).optimalSteps
    const ratio = walk.solved && optimal > 0 ? ` — ${(walk.steps / optimal).toFixed(2)}× the optimal ${optimal.toLocaleString('en')}` : ''
    const who = record?.agent ? `${record.agent} (replay ${basename(values.replay)})` : `replay ${basename(values.replay)}`
    caption = `${who} on ${caption}: ${walk.solved ? 'solved' : 'not solved'} in ${walk.steps.toLocaleString('en')} steps${ratio}${walk.keyStep !== null ? ` (key at step ${walk.keyStep})` : ''}`
    svg = renderMazeSvg(maze, { walk: walk.points, keyStep: walk.keyStep, optimal: values.optimal, caption, ...(cell ? { cell } : {}) })
    process.stderr.write(`maze-render: ${caption}\n`)
  } else if (values.strategy === 'none') {
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
