// The worker thread of an isolated strategy (see isolated-strategy.ts): loads the strategy, creates
// its explorer with the runner's context (the RNG recreated from the same seed), then answers one
// decision at a time through the shared buffer, blocked in Atomics.wait in between. It never
// returns from that loop: the runner terminates it.
import { parentPort, workerData } from 'node:worker_threads'
import { createRng, type Label } from '@maze-sim/maze'
import { describeError } from './errors.ts'
import { loadStrategy } from './load-strategy.ts'
import type { Explorer, Observation, Strategy } from './strategy.ts'
import {
  ANSWER_INVALID,
  ANSWER_NULL,
  ANSWER_THREW,
  I32,
  LABELS,
  State,
  writeText,
  type CreateMessage,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol.ts'

const { specifier, cwd, buffer } = workerData as WorkerRequest
const port = parentPort!
const shared = new Int32Array(buffer)
const bytes = new Uint8Array(buffer)
const stepCount = new Float64Array(buffer, 0, 1)
const send = (reply: WorkerReply): void => port.postMessage(reply)

let loaded: Strategy
try {
  loaded = await loadStrategy(specifier, { cwd })
  send({ type: 'loaded', name: loaded.name, description: loaded.description })
  port.once('message', create)
} catch (err) {
  // The runner terminates the worker once it has read this.
  send({ type: 'load-error', message: describeError(err) })
}

function create(message: CreateMessage): void {
  const { width, height, start, rngSeed } = message.context
  let explorer: Explorer
  try {
    explorer = loaded.create({ width, height, start, random: createRng(rngSeed) })
  } catch (err) {
    send({ type: 'create-error', message: describeError(err) })
    return
  }
  send({ type: 'created' })
  serve(explorer)
}

function serve(explorer: Explorer): never {
  for (;;) {
    Atomics.wait(shared, I32.State, State.Idle)
    if (Atomics.load(shared, I32.State) !== State.Asked) continue
    const open = shared[I32.Open]!
    const observation: Observation = {
      x: shared[I32.X]!,
      y: shared[I32.Y]!,
      here: LABELS[shared[I32.Here]!] as Label,
      open: [(open & 1) !== 0, (open & 2) !== 0, (open & 4) !== 0, (open & 8) !== 0],
      hasKey: shared[I32.HasKey] === 1,
      steps: stepCount[0]!,
    }
    let answer: number
    try {
      const d: unknown = explorer.next(observation)
      if (d === null) answer = ANSWER_NULL
      else if (d === 0 || d === 1 || d === 2 || d === 3) answer = d
      else {
        answer = ANSWER_INVALID
        writeText(shared, bytes, JSON.stringify(d) ?? String(d))
      }
    } catch (err) {
      answer = ANSWER_THREW
      writeText(shared, bytes, describeError(err))
    }
    shared[I32.Answer] = answer
    Atomics.store(shared, I32.State, State.Answered)
    Atomics.notify(shared, I32.State)
    // Wait until the runner has read the answer (it sets Idle) before waiting for the next question.
    while (Atomics.load(shared, I32.State) === State.Answered) Atomics.wait(shared, I32.State, State.Answered)
  }
}
