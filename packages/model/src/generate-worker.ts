// The worker thread of generate-in-worker.ts: generates and solves one maze, then hands the walls
// buffer back without copying it (it is in the transfer list).
import { parentPort, workerData } from 'node:worker_threads'
import { generateMaze, solve, type GenerateOptions } from '@maze-sim/maze'
import type { WorkerResult } from './generate-in-worker.ts'

const options = workerData as GenerateOptions
const started = performance.now()
const maze = generateMaze(options)
const { optimalSteps } = solve(maze)
const data = maze.toData()
const result: WorkerResult = { data, optimalSteps, generationMs: performance.now() - started }
parentPort!.postMessage(result, [data.walls.buffer as ArrayBuffer])
