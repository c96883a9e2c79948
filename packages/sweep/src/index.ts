// @maze-sim/sweep: strategy comparison. The plan and its index mapping, result lines, the
// leaderboard and its statistics, charts and maze pictures are pure; the sweep runs on worker
// threads, or (`--transport http`) between model and agent processes.
export { SweepError, SweepErrorCode } from './errors.ts'
export {
  expandPlan,
  parseSeeds,
  parseSizes,
  parseStrategies,
  planSize,
  runAt,
  runKey,
  sizeLabel,
  type PlannedRun,
  type Size,
  type SweepPlan,
} from './plan.ts'
export { asResult, dedupe, formatResultLine, parseResultLines, resultKey, type ParsedResults, type SweepResult } from './results.ts'
export { readForResume, readResultSources, ResultWriter } from './results-file.ts'
export {
  buildLeaderboard,
  defaultBaseline,
  withoutTimings,
  type ExpectedRun,
  type Leaderboard,
  type LeaderboardOptions,
  type PairedComparison,
  type SizeBoard,
  type StrategyStats,
  type Summary,
} from './leaderboard.ts'
export * as stats from './stats.ts'
export { formatMarkdown, formatP, formatText, type FormatOptions } from './format.ts'
export { renderRatioChart, type ChartOptions } from './chart.ts'
export { optimalPath, renderMazeSvg, type MazeSvgOptions } from './maze-svg.ts'
export { svgToPng } from './png.ts'
export { runOne, type RunOneOptions } from './run-one.ts'
export { walkMaze, type Walk } from './walk.ts'
export { walkReplay, type ReplayWalk } from './replay-walk.ts'
export { defaultWorkers, runPool, type PoolOptions, type PoolOutcome } from './pool.ts'
export {
  resolveStrategyNames,
  runSweep,
  TRANSPORTS,
  type SweepOptions,
  type SweepOutcome,
  type SweepProgress,
  type TransportKind,
} from './sweep.ts'
// The HTTP sweep itself is reached through runSweep: its module loads the model package, which the rest need not.
export type { AgentInfo, HttpSweepOptions, HttpSweepOutcome, ModelInfo } from './http-sweep.ts'
export { defaultModels, planSlices, sliceRuns, type Slice } from './http-slices.ts'
export { RefereeDesk, UNREFEREED, type Verdict } from './referee-desk.ts'
export { Progress, formatDuration } from './progress.ts'
export { DEFAULTS, ExitCode, readConfig, runCli, USAGE, type CliIo, type SweepConfig } from './cli.ts'
