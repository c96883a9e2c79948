// A sweep on AWS Batch and a sweep on one machine play the same runs. Both take the order from one
// function (`sweepPosition` of @maze-sim/maze); this checks what each adds around it: the Batch
// preload (packages/batch/src/job-env.ts, from AWS_BATCH_JOB_ARRAY_INDEX, a strategy list and a first
// seed) and the local plan (`runAt`, from lists of strategies and seeds) give array child i the
// local run i, so the leaderboard built from the children's result lines compares the same mazes.
import { deriveJobEnv } from '@maze-sim/batch'
import { parseSeeds, runAt } from '@maze-sim/sweep'
import { expect, test } from 'vitest'

test.each([
  { strategies: ['astar', 'random-dfs'], seedBase: 1000, runs: 50 },
  { strategies: ['random-dfs', 'astar', './packages/example-strategy/src/index.ts'], seedBase: 1, runs: 17 },
  { strategies: ['astar'], seedBase: 4_294_967_290, runs: 5 },
])('array child i of $strategies from seed $seedBase runs what the local sweep runs at i', ({ strategies, seedBase, runs }) => {
  const plan = { strategies, seeds: parseSeeds(`${seedBase}-${seedBase + runs - 1}`), sizes: [{ width: 80, height: 20 }] }
  for (let i = 0; i < strategies.length * runs; i++) {
    const env = deriveJobEnv({
      AWS_BATCH_JOB_ARRAY_INDEX: String(i),
      MAZE_SWEEP_STRATEGIES: strategies.join(','),
      MAZE_SEED_BASE: String(seedBase),
    })
    const local = runAt(plan, i)
    expect({ strategy: env.AGENT_STRATEGY, seed: Number(env.MAZE_SEED) }).toEqual({ strategy: local.strategy, seed: local.seed })
  }
})
