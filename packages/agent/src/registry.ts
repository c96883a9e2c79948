import { aStar } from './strategies/astar/astar.ts'
import { randomDfs } from './strategies/random-dfs.ts'

/** The built-in strategies by name. Register a strategy here and the shared test matrix covers it. */
export const strategies = { 'random-dfs': randomDfs, astar: aStar } as const
export type StrategyName = keyof typeof strategies

export const STRATEGY_NAMES = Object.keys(strategies) as StrategyName[]

/** The strategy every program runs when none is named (the agent, `npm start`, `pnpm render`). */
export const DEFAULT_STRATEGY: StrategyName = 'astar'

export const isStrategyName = (name: string): name is StrategyName => Object.hasOwn(strategies, name)
