// The generation part of `pnpm bench`: per size, the generator alone (generate-one.ts, a fresh
// process each: its time, the solve, its peak memory), then the whole model process as users start
// it (telemetry on) from spawn to ready on that size, and its peak resident memory. Sizes over the
// model's limit are reported as refused, with the reason.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sizeProblem } from '@maze-sim/maze'
import { cpuMs, freePort, memoryMiB, ON, startModel, stop, waitReady } from './programs.ts'

export interface GenerationRow {
  readonly width: number
  readonly height: number
  /** Why the size is refused (over the limit), or null. */
  readonly refused: string | null
  readonly generateMs?: number
  readonly solveMs?: number
  /** Peak RSS of the generator alone (node, the maze package and the maze). */
  readonly generatorPeakMiB?: number
  /** The model process (telemetry on): spawn → /health/ready answers 200. */
  readonly modelReadyMs?: number
  readonly modelCpuMs?: number
  readonly modelPeakMiB?: number
}

export async function benchGeneration(sizes: ReadonlyArray<readonly [number, number]>, port: number): Promise<GenerationRow[]> {
  const rows: GenerationRow[] = []
  for (const [width, height] of sizes) {
    const refused = sizeProblem(width, height)
    if (refused !== null) {
      process.stderr.write(`generation: ${width}x${height} is refused: ${refused}\n`)
      rows.push({ width, height, refused })
      continue
    }
    process.stderr.write(`generation: ${width}x${height}, the generator alone…\n`)
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve('./generate-one.ts')), String(width), String(height)], {
      encoding: 'utf8',
    })
    if (run.status !== 0) throw new Error(`generate-one ${width}x${height} exited ${run.status}: ${run.stderr}`)
    const alone = JSON.parse(run.stdout) as { generateMs: number; solveMs: number; maxRssMiB: number }
    process.stderr.write(`generation: ${width}x${height}, the model process…\n`)
    const listen = await freePort(port)
    const started = performance.now()
    const model = startModel(ON, { port: listen, width, height })
    try {
      await waitReady(`http://127.0.0.1:${listen}/health/ready`, model, 600_000)
      const modelReadyMs = performance.now() - started
      rows.push({
        width,
        height,
        refused: null,
        generateMs: alone.generateMs,
        solveMs: alone.solveMs,
        generatorPeakMiB: alone.maxRssMiB,
        modelReadyMs,
        modelCpuMs: cpuMs(model.pid),
        modelPeakMiB: memoryMiB(model.pid, 'VmHWM'),
      })
    } finally {
      await stop(model)
    }
  }
  return rows
}

export function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`
}

export function generationTable(rows: readonly GenerationRow[]): string {
  const lines = [
    '| size | cells | generate | solve (S→K→E) | generator peak RSS | model start → ready | model peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of rows) {
    const size = `${r.width} × ${r.height}`
    const cells = (r.width * r.height).toLocaleString('en')
    if (r.refused !== null) {
      lines.push(`| ${size} | ${cells} | refused: ${r.refused.replace(/\|/g, '/')} | | | | |`)
      continue
    }
    lines.push(
      `| ${size} | ${cells} | ${duration(r.generateMs!)} | ${duration(r.solveMs!)} | ${r.generatorPeakMiB!.toFixed(0)} MiB | ${duration(r.modelReadyMs!)} | ${r.modelPeakMiB!.toFixed(0)} MiB |`,
    )
  }
  return lines.join('\n')
}
