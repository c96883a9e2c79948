// A sweep worker thread: loads the strategies once (the agent's loadStrategy, as the agent does),
// then runs what the pool sends, one run at a time, and posts each result back.
import { parentPort, threadId, workerData } from 'node:worker_threads'
import { loadStrategy, type Strategy } from '@maze-sim/agent'
import type { FromWorker, ToWorker, WorkerSetup } from './pool.ts'
import { runOne } from './run-one.ts'

const setup = workerData as WorkerSetup
const port = parentPort!
const post = (message: FromWorker): void => port.postMessage(message)

const loading = (async () => {
  const strategies = new Map<string, Strategy>()
  for (const specifier of setup.specifiers) strategies.set(specifier, await loadStrategy(specifier, { cwd: setup.cwd }))
  return strategies
})()

port.on('message', async (message: ToWorker) => {
  if (message.type === 'stop') {
    port.close()
    return
  }
  const strategies = await loading
  const { run } = message
  const result = await runOne({
    strategy: strategies.get(run.strategy)!,
    seed: run.seed,
    width: run.width,
    height: run.height,
  })
  post({ type: 'result', index: run.index, result, threadId })
})

loading.then(
  () => post({ type: 'ready', threadId }),
  (err: unknown) => post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }),
)
