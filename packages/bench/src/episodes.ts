// The episodes part of `pnpm bench`: one model process hosting many runs. Memory per live episode
// (episodes created and left waiting, each on its own seed), then many agents playing at once, each
// a sequence of episodes on its own seeds, for the aggregate steps per second the model referees.
import { aStar, createHttpTransport, runEpisodes } from '@maze-sim/agent'
import { memoryMiB } from './programs.ts'

export interface EpisodesBenchOptions {
  /** The model's base URL (a process started for the benchmark, with room for `live` episodes). */
  readonly base: string
  /** The model's pid, for its resident memory. */
  readonly pid: number
  /** Episodes created and left live for the memory figure. */
  readonly live: number
  /** Agents playing at once, one HTTP client each (in this process). */
  readonly agents: number
  /** How long the agents play, in seconds (each finishes the episode it is in). */
  readonly seconds: number
  readonly width: number
  readonly height: number
}

export interface EpisodesBenchResult {
  readonly live: number
  readonly rssBeforeMiB: number
  readonly rssLiveMiB: number
  readonly bytesPerEpisode: number
  readonly agents: number
  readonly episodes: number
  readonly solved: number
  readonly errors: number
  readonly steps: number
  readonly requests: number
  readonly seconds: number
  readonly rssPeakMiB: number
}

const rssMiB = (pid: number): number => memoryMiB(pid, 'VmRSS')

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** Runs both parts against the model at `options.base`; the model must allow `live` live episodes. */
export async function benchEpisodes(options: EpisodesBenchOptions): Promise<EpisodesBenchResult> {
  const { base, pid, width, height } = options
  const create = async (count: number, firstSeed: number): Promise<string[]> => {
    const ids: string[] = []
    for (let k = 0; k < count; k++) {
      const response = await post(`${base}/episodes`, { seed: firstSeed + k, width, height, agent: 'bench' })
      if (response.status !== 201) throw new Error(`POST /episodes answered ${response.status}: ${await response.text()}`)
      ids.push(((await response.json()) as { id: string }).id)
    }
    return ids
  }
  const remove = async (ids: readonly string[]): Promise<void> => {
    for (const id of ids) await fetch(`${base}/episodes/${id}`, { method: 'DELETE' })
  }
  // Warm up first (worker threads, caches, JIT), so the figure is what one more episode costs.
  await remove(await create(Math.min(options.live, 100), 2_000_000))
  const rssBeforeMiB = rssMiB(pid)
  const ids = await create(options.live, 1_000_000)
  const rssLiveMiB = rssMiB(pid)
  await remove(ids)

  let rssPeakMiB = rssMiB(pid)
  const sampler = setInterval(() => {
    rssPeakMiB = Math.max(rssPeakMiB, rssMiB(pid))
  }, 100)
  const until = performance.now() + options.seconds * 1000
  const startedAt = performance.now()
  const totals = { episodes: 0, solved: 0, errors: 0, steps: 0, requests: 0 }
  const agent = async (a: number): Promise<void> => {
    const transport = createHttpTransport({ url: base })
    // Seeds of its own, as a sweep hands them out: agent a plays a, a + agents, a + 2 x agents, …
    function* seeds(): Generator<number> {
      for (let seed = a + 1; performance.now() < until; seed += options.agents) yield seed
    }
    try {
      for await (const outcome of runEpisodes({ transport, strategy: aStar, seeds: seeds(), width, height, agent: `bench-${a}` })) {
        totals.episodes++
        if (outcome.error !== null) totals.errors++
        if (outcome.line.solved) totals.solved++
        totals.steps += outcome.line.steps
        totals.requests += outcome.line.requests
      }
    } finally {
      await transport.close()
    }
  }
  await Promise.all(Array.from({ length: options.agents }, (_, a) => agent(a)))
  const seconds = (performance.now() - startedAt) / 1000
  clearInterval(sampler)
  return {
    live: options.live,
    rssBeforeMiB,
    rssLiveMiB,
    bytesPerEpisode: ((rssLiveMiB - rssBeforeMiB) * 1024 * 1024) / options.live,
    agents: options.agents,
    ...totals,
    seconds,
    rssPeakMiB,
  }
}

/** The benchmark's Markdown for the README. */
export function episodesTable(r: EpisodesBenchResult, width: number, height: number): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en')
  return [
    `The model as \`pnpm model\` starts it (telemetry on), ${width} × ${height}, seeds of their own per agent; the astar agents in the benchmark process.\n`,
    '| live episodes | model RSS before | with them | per live episode |',
    '| ---: | ---: | ---: | ---: |',
    `| ${n(r.live)} | ${r.rssBeforeMiB.toFixed(0)} MiB | ${r.rssLiveMiB.toFixed(0)} MiB | ${(r.bytesPerEpisode / 1024).toFixed(1)} KiB |`,
    '',
    '| agents at once | episodes | solved | errors | steps/s (aggregate) | requests/step | model peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${r.agents} | ${n(r.episodes)} | ${n(r.solved)} | ${r.errors} | ${n(r.steps / r.seconds)} | ${(r.requests / Math.max(1, r.steps)).toFixed(2)} | ${r.rssPeakMiB.toFixed(0)} MiB |`,
    '',
  ].join('\n')
}
