// The Batch packing part of `pnpm bench`: the same runs played as one array child that plays them
// all against one model, and as one-run children, each child a whole job of containers (collector,
// model, agent) on the local Docker engine through `maze-batch run-local`, which applies Batch's
// semantics. Containers included: what a sweep pays per child on Batch, less the image pulls.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface PackingBenchOptions {
  /** Runs in each mode (seeds 1..runs, one strategy). */
  readonly runs: number
  /** Array children at once in the one-run mode (run-local --parallel). */
  readonly parallel: number
  readonly strategy: string
  readonly docker?: string
}

export interface PackingMode {
  readonly label: string
  readonly children: number
  readonly runs: number
  readonly solved: number
  readonly seconds: number
}

/** The images run-local uses by default; it never pulls. */
const IMAGES = ['maze-sim/model:latest', 'maze-sim/agent:latest', 'maze-sim/otlp-receiver:latest']

/** Why the packing benchmark cannot run here, or null: a Docker engine and the local images are needed. */
export function packingProblem(docker = 'docker'): string | null {
  const ping = spawnSync(docker, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15_000 })
  if (ping.status !== 0) return 'no Docker engine answers'
  const images = spawnSync(docker, ['image', 'inspect', '--format', '{{.Id}}', ...IMAGES], { encoding: 'utf8', timeout: 15_000 })
  if (images.status !== 0) return `the local images are missing (${IMAGES.join(', ')}): pnpm images, docker/README.md`
  return null
}

/** `maze-batch run-local` with `args`, timed; counts the solved runs in its JSON lines. */
async function runLocal(args: readonly string[], docker: string): Promise<{ seconds: number; rows: number; solved: number }> {
  const out = mkdtempSync(join(tmpdir(), 'maze-sim-bench-batch-'))
  const startedAt = performance.now()
  try {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.resolve('@maze-sim/batch/main')), 'run-local', ...args, '--out', out],
      {
        env: { ...process.env, DOCKER: docker },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
    })
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    })
    const seconds = (performance.now() - startedAt) / 1000
    if (code !== 0) throw new Error(`maze-batch run-local ${args.join(' ')} exited ${code}`)
    const rows = stdout.split('\n').filter((l) => l.startsWith('{'))
    const solved = rows.filter((l) => (JSON.parse(l) as { result?: { solved?: boolean } | null }).result?.solved === true).length
    return { seconds, rows: rows.length, solved }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** Plays `runs` runs packed into one child, then as `runs` one-run children. */
export async function benchPacking(options: PackingBenchOptions): Promise<PackingMode[]> {
  const docker = options.docker ?? 'docker'
  const common = ['--strategy', options.strategy, '--runs', String(options.runs), '--seed', '1']
  process.stderr.write(`batch packing: ${options.runs} runs as one child…\n`)
  const packed = await runLocal([...common, '--runs-per-child', String(options.runs)], docker)
  process.stderr.write(`batch packing: ${options.runs} runs as ${options.runs} one-run children, ${options.parallel} at once…\n`)
  const single = await runLocal([...common, '--parallel', String(options.parallel)], docker)
  return [
    {
      label: `one child playing ${options.runs} runs against one model`,
      children: 1,
      runs: packed.rows,
      solved: packed.solved,
      seconds: packed.seconds,
    },
    {
      label: `${options.runs} one-run children, ${options.parallel} at once`,
      children: options.runs,
      runs: single.rows,
      solved: single.solved,
      seconds: single.seconds,
    },
  ]
}

/** The benchmark's Markdown for the README. */
export function packingTable(modes: readonly PackingMode[], strategy: string): string {
  const lines = [
    `\`maze-batch run-local\`: collector, model and agent containers per child, strategy ${strategy}, 80 × 20, images already local (no pulls).\n`,
    '| mode | children | runs | solved | wall time | runs/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...modes.map(
      (m) => `| ${m.label} | ${m.children} | ${m.runs} | ${m.solved} | ${m.seconds.toFixed(1)} s | ${(m.runs / m.seconds).toFixed(2)} |`,
    ),
  ]
  const [packed, single] = modes
  if (packed !== undefined && single !== undefined && packed.seconds > 0 && single.seconds > 0) {
    lines.push('', `Packed, the same runs take ${(single.seconds / packed.seconds).toFixed(1)}× less time.`)
  }
  return `${lines.join('\n')}\n`
}
