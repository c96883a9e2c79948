// The agent's library API: a sweep tool, an embedded runner or a team's tests reuse these.
export type { Direction, Label, Point, Rng } from '@maze-sim/maze'
export type { Explorer, Observation, Strategy, StrategyContext } from './strategy.ts'
export { AgentError, AgentErrorCode, isAgentError } from './errors.ts'
export {
  NO_META,
  type CellView,
  type EpisodeCreated,
  type EpisodeMoves,
  type EpisodeObservation,
  type EpisodeRecord,
  type EpisodeRequest,
  type EpisodeRoutes,
  type EpisodeStatusName,
  type MazeMeta,
  type MazeSize,
  type MazeTransport,
} from './transport.ts'
export {
  createHttpTransport,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  maxMapBytes,
  retryAfterMs,
  type HttpTransport,
  type HttpTransportOptions,
} from './http-transport.ts'
export { createInProcessTransport, type InProcessTransportOptions } from './in-process-transport.ts'
export { slowedTransport } from './slowed-transport.ts'
export {
  DEFAULT_MAX_BATCH,
  defaultMaxSteps,
  runAgent,
  type AgentRun,
  type EpisodeChoice,
  type RunProtocol,
  type RunAgentOptions,
  type RunOutcome,
  type RunStartInfo,
  type StepEvent,
} from './runner.ts'
export { episodeRequest } from './episode-walk.ts'
export {
  agentLabel,
  describeDisagreement,
  parseRefereeLine,
  reconcile,
  strategyOfLabel,
  type Disagreement,
  type Reconciled,
  type RefereeLine,
} from './referee.ts'
export {
  exitCodeOfEpisodes,
  runEpisodes,
  seedRange,
  type EpisodeOutcome,
  type PlannedRun,
  type RunEpisodesOptions,
} from './run-episodes.ts'
export {
  AGENT_RESULT_ERROR_KEYS,
  AGENT_RESULT_KEYS,
  AGENT_RESULT_SCHEMA,
  isFailedResult,
  parseAgentResult,
  type AgentFailedResult,
  type AgentResult,
  type AgentResultLine,
  type ParsedAgentResult,
} from './result.ts'
export {
  DEFAULT_LOAD_TIMEOUT_MS,
  loadIsolatedStrategy,
  type IsolatedContext,
  type IsolatedExplorer,
  type IsolatedStrategy,
  type IsolatedStrategyOptions,
} from './isolated-strategy.ts'
export { exitCodeOf, exitCodeOfSignal } from './exit-code.ts'
export { DEFAULT_STRATEGY, isStrategyName, STRATEGY_NAMES, strategies, type StrategyName } from './registry.ts'
// Every built-in, for teams that wrap or compare against one.
export { aStar } from './strategies/astar/astar.ts'
export { randomDfs } from './strategies/random-dfs.ts'
export { isStrategy, loadStrategy, type LoadStrategyOptions } from './load-strategy.ts'
export {
  AGENT_OPTIONS,
  readConfig,
  DEFAULT_DECISION_TIMEOUT_MS,
  DEFAULT_URL,
  ExitCode,
  USAGE,
  type AgentConfig,
  type SeedSpan,
} from './config.ts'
export { AgentTelemetry } from './telemetry.ts'
