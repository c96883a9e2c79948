export { buildApp, type BuildAppOptions, type ModelApp, type ModelFastify } from './app.ts'
export { toHttpError } from './plugins/errors.ts'
export {
  ENV_VARS,
  LOG_LEVELS,
  MODEL_OPTIONS,
  readModelConfig,
  SIZE_TOGETHER,
  usage,
  type Env,
  type LogLevel,
  type ModelConfig,
} from './config.ts'
export { ConfigError, GenerationError, HttpError, ModelErrorCode, RETRY_AFTER_SECONDS } from './errors.ts'
export { generateInWorker, type GeneratedMaze } from './generate-in-worker.ts'
export { movesBodyLimit } from './moves-body.ts'
export { closeWithin, startModel, type RunningModel, type StartModelOptions } from './start.ts'
export { ModelTelemetry } from './telemetry.ts'
export { LIVE_VIEW_DEFAULTS, LiveView, type LiveViewOptions, type LiveViewStats, type ViewerSink } from './view/live-view.ts'
export { EPISODE_VIEW_DEFAULTS, EpisodeView, type EpisodeViewOptions, type EpisodeViewStats } from './view/episode-view.ts'
export {
  parseEventStream,
  ViewReplica,
  type EpisodeStatusName,
  type EpisodeSummary,
  type EpisodesEvent,
  type MazeEvent,
  type MovesEvent,
  type ParsedEvent,
  type StateEvent,
} from './view/view-protocol.ts'
export {
  DEFAULT_EPISODE_LIMITS,
  EPISODE_LIMIT_ENV_VARS,
  EPISODE_LIMIT_RANGES,
  episodeLimitsProblems,
  validateEpisodeLimits,
  type EpisodeLimits,
} from './episodes/limits.ts'
export { MazeCache, type GenerateMaze, type ReadyMaze } from './episodes/maze-cache.ts'
export { stdoutLineWriter, type LineWriter } from './episodes/referee-log.ts'
export { EpisodeEntry, EpisodeRegistry, type EpisodeRecordJson, type EpisodeState } from './episodes/registry.ts'
export { generationSeed, SEALED_ENV_VARS, sealedProblems, validateSealedSettings, type SealedSettings } from './episodes/sealed.ts'
export type { EpisodesOptions } from './episodes/setup.ts'
