// The worker thread of generate-in-worker.ts and generation-pool.ts: generates and solves a maze,
// then hands the walls buffer back without copying it (it is in the transfer list). Started with
// workerData it generates that one maze; without, it generates one per message until terminated.
import { parentPort, workerData } from 'node:worker_threads'
import { generateMaze, solve, type GenerateOptions } from '@maze-sim/maze'
import type { WorkerResult } from './generate-in-worker.ts'

function generate(options: GenerateOptions): void {
  const started = performance.now()
  const maze = generateMaze(options)
  const { optimalSteps } = solve(maze)
  const data = maze.toData()
  const result: WorkerResult = { data, optimalSteps, generationMs: performance.now() - started }
  parentPort!.postMessage(result, [data.walls.buffer as ArrayBuffer])
}

if (workerData !== null && workerData !== undefined) generate(workerData as GenerateOptions)
else parentPort!.on('message', (options: GenerateOptions) => generate(options))
