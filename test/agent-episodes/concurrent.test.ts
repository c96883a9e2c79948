// 64 agents at once on 64 seeds against ONE model process, each with its own connection: no error,
// all solved, the referee's steps those of the same walk alone, and the model's memory bounded.
import { readFileSync } from 'node:fs'
import { type AgentRun, createHttpTransport, createInProcessTransport, runAgent, type Strategy, strategies } from '@maze-sim/agent'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort, modelEntry, startNode, waitForHttp, type Running } from '../support/processes.ts'

const AGENTS = 64
const WIDTH = 80
const HEIGHT = 20
/** The model's resident memory may not pass this while 64 episodes run (it idles at about 100 MB). */
const RSS_LIMIT_MB = 400

let model: Running
let url: string
beforeAll(async () => {
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  model = startNode(modelEntry, [], { PORT: String(port), HOST: '127.0.0.1', MAZE_SEED: '1', LOG_LEVEL: 'warn' })
  await waitForHttp(`${url}/health/ready`)
})
afterAll(async () => {
  expect(await model.stop('SIGTERM')).toBe(0)
})

/** The model process's resident set, in MB (Linux). */
const rssMb = (): number => {
  const status = readFileSync(`/proc/${model.child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

test.skipIf(process.platform !== 'linux')(`${AGENTS} agents play concurrently on different seeds against one model process`, async () => {
  const before = rssMb()
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20)
  const seeds = Array.from({ length: AGENTS }, (_, i) => 5000 + i)
  let runs: Array<{ seed: number; strategy: Strategy; run: AgentRun; id: string | null }>
  try {
    runs = await Promise.all(
      seeds.map(async (seed, i) => {
        const strategy = i % 2 === 0 ? strategies.astar : strategies['random-dfs']
        const transport = createHttpTransport({ url })
        try {
          let id: string | null = null
          const run = await runAgent({
            transport,
            strategy,
            episode: { seed, width: WIDTH, height: HEIGHT },
            onStart: (info) => (id = info.episodeId),
          })
          return { seed, strategy, run, id: id as string | null }
        } finally {
          await transport.close()
        }
      }),
    )
  } finally {
    clearInterval(sampler)
  }
  peak = Math.max(peak, rssMb())
  let steps = 0
  for (const { seed, strategy, run, id } of runs) {
    const alone = await runAgent({ transport: createInProcessTransport({ width: WIDTH, height: HEIGHT, seed }), strategy })
    expect(run.result).toMatchObject({ solved: true, seed, steps: alone.result.steps, keyStep: alone.result.keyStep })
    steps += run.result.steps
    // The referee's record says the same, under the agent's label.
    const record = (await (await fetch(`${url}/episodes/${id}`)).json()) as { status: string; steps: number; agent: string; seed: number }
    expect(record).toMatchObject({ status: 'solved', steps: run.result.steps, seed, agent: `maze-agent:${strategy.name}` })
  }
  console.log(`${AGENTS} concurrent agents, ${steps} steps: model RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most`)
  expect(peak).toBeLessThan(RSS_LIMIT_MB)
})
