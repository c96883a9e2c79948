import { setTimeout as sleep } from 'node:timers/promises'
import type { MazeTransport } from './transport.ts'

/**
 * The same transport with a pause before each `sense`: one step of the agent takes at least
 * `delayMs`. Only for people watching a run (the model's live view), never for scoring.
 */
export function slowedTransport(transport: MazeTransport, delayMs: number): MazeTransport {
  return {
    size: () => transport.size(),
    start: () => transport.start(),
    meta: () => transport.meta(),
    submitMap: (moves) => transport.submitMap(moves),
    close: () => transport.close(),
    get requests() {
      return transport.requests
    },
    sense: async (x, y) => {
      await sleep(delayMs)
      return transport.sense(x, y)
    },
  }
}
