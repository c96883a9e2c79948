// Generates and solves one maze in a fresh process, so peak memory is this size's alone.
// Prints one JSON line: { width, height, generateMs, solveMs, maxRssMiB }.
import { generateMaze, solve } from '@maze-sim/maze'

const [width, height] = process.argv.slice(2).map(Number) as [number, number]
const t0 = performance.now()
const maze = generateMaze({ width, height, seed: 1 })
const t1 = performance.now()
solve(maze)
const t2 = performance.now()
console.log(
  JSON.stringify({
    width,
    height,
    generateMs: Math.round(t1 - t0),
    solveMs: Math.round(t2 - t1),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
)
