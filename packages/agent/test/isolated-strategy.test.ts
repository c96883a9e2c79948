// A strategy hosted in a worker thread (what the agent program does): same runs as in process,
// and a strategy that loops, exits or throws cannot take the agent with it.
import { fileURLToPath } from 'node:url'
import { generateMaze } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { AgentError, AgentErrorCode } from '../src/errors.ts'
import { createInProcessTransport } from '../src/in-process-transport.ts'
import { loadIsolatedStrategy, type IsolatedStrategy } from '../src/isolated-strategy.ts'
import { strategies } from '../src/registry.ts'
import { runAgent } from '../src/runner.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/strategies/${name}`, import.meta.url))
const maze = generateMaze({ width: 12, height: 8, seed: 4 })

async function isolated(specifier: string, decisionTimeoutMs = 60_000): Promise<IsolatedStrategy> {
  return loadIsolatedStrategy(specifier, { decisionTimeoutMs })
}

describe('loadIsolatedStrategy', () => {
  test.each(Object.keys(strategies))('%s: the same run as in process (same seed, same steps), its name kept', async (name) => {
    for (const seed of [1, 2, 3]) {
      const m = generateMaze({ width: 15, height: 10, seed })
      const local = await runAgent({
        transport: createInProcessTransport(m),
        strategy: strategies[name as keyof typeof strategies],
        seed: 9,
      })
      const strategy = await isolated(name)
      const remote = await runAgent({ transport: createInProcessTransport(m), strategy, seed: 9 })
      expect(remote.result).toEqual({ ...local.result, elapsedMs: remote.result.elapsedMs })
      expect(strategy.name).toBe(name)
    }
  })

  test('a module that does not load: AGENT_ERR_STRATEGY_LOAD naming it', async () => {
    await expect(isolated('@acme/nope')).rejects.toMatchObject({
      code: AgentErrorCode.StrategyLoad,
      message: expect.stringContaining('@acme/nope'),
    })
  })

  test('a next() that never returns: AGENT_ERR_DECISION_TIMEOUT at the decision budget', async () => {
    const strategy = await isolated(fixture('forever.mjs'), 200)
    await expect(runAgent({ transport: createInProcessTransport(maze), strategy })).rejects.toMatchObject({
      code: AgentErrorCode.DecisionTimeout,
      message: expect.stringContaining('did not decide within 200 ms at ('),
    })
  })

  test('an abort while the strategy computes stops the run at once, with the abort’s reason', async () => {
    const inner = await isolated(fixture('forever.mjs'))
    const controller = new AbortController()
    const reason = new AgentError(AgentErrorCode.Deadline, 'the run took longer than its budget')
    // Abort right after the first question is asked: the worker is in its endless loop.
    const strategy: IsolatedStrategy = {
      ...inner,
      open: async (context, signal) => {
        const explorer = await inner.open(context, signal)
        return {
          next: (o) => {
            const answer = explorer.next(o)
            controller.abort(reason)
            return answer
          },
          close: () => explorer.close(),
        }
      },
    }
    await expect(runAgent({ transport: createInProcessTransport(maze), strategy, signal: controller.signal })).rejects.toBe(reason)
  })

  test('process.exit() in the strategy ends its worker, not the agent: AGENT_ERR_STRATEGY_FAILED', async () => {
    const strategy = await isolated(fixture('exits.mjs'))
    await expect(runAgent({ transport: createInProcessTransport(maze), strategy })).rejects.toMatchObject({
      code: AgentErrorCode.StrategyFailed,
      message: expect.stringMatching(
        /^strategy fixture-exits ended its worker thread \(exit code 0; did it call process\.exit\(\)\?\) at \(/,
      ),
    })
  })

  test('a next() that throws: AGENT_ERR_STRATEGY_FAILED with its message', async () => {
    const strategy = await isolated(fixture('throws.mjs'))
    await expect(runAgent({ transport: createInProcessTransport(maze), strategy })).rejects.toMatchObject({
      code: AgentErrorCode.StrategyFailed,
      message: expect.stringContaining('boom from the strategy'),
    })
  })

  test('a move through a wall: AGENT_ERR_ILLEGAL_MOVE, as in process', async () => {
    const strategy = await isolated(fixture('through-wall.mjs'))
    await expect(runAgent({ transport: createInProcessTransport(maze), strategy })).rejects.toMatchObject({
      code: AgentErrorCode.IllegalMove,
    })
  })
})
