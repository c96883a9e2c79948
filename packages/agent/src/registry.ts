import { aStar } from './strategies/astar.ts'
import { randomDfs } from './strategies/random-dfs.ts'

/** The built-in strategies by name. Register a strategy here and the shared test matrix covers it. */
export const strategies = { 'random-dfs': randomDfs, astar: aStar } as const
export type StrategyName = keyof typeof strategies

export const STRATEGY_NAMES = Object.keys(strategies) as StrategyName[]

export const isStrategyName = (name: string): name is StrategyName => Object.hasOwn(strategies, name)
