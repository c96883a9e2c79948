// Log lines of a packed child for the tests: the model's referee line of an episode, and the agent's
// result line of a run.

/** A referee line as the model prints it at the end of an episode. */
export const refereeLine = (
  strategy: string,
  seed: number,
  steps: number,
  status = 'solved',
  extra: Record<string, unknown> = {},
): string =>
  JSON.stringify({
    id: `ep-${strategy}-${seed}`,
    seed,
    width: 80,
    height: 20,
    agent: `maze-agent:${strategy}`,
    status,
    steps,
    keyStep: status === 'solved' ? 10 : null,
    bumps: 0,
    maxSteps: 33_000,
    optimalSteps: 100,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    elapsedMs: 1000,
    ...extra,
  })

/** The agent's own result line of a run. */
export const agentLine = (strategy: string, seed: number, steps: number, solved = true): string =>
  JSON.stringify({
    strategy,
    width: 80,
    height: 20,
    seed,
    solved,
    steps,
    keyStep: solved ? 10 : null,
    requests: steps + 3,
    elapsedMs: 900,
    optimalSteps: 100,
  })
