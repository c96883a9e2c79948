export { MazeError, MazeErrorCode } from './errors.ts'
export {
  defaultMaxSteps,
  Episode,
  EpisodeStatus,
  parseDirection,
  parseMoves,
  type EpisodeObservation,
  type EpisodeOptions,
  type EpisodeRecord,
  type MoveResult,
  type ReplayEntry,
} from './episode.ts'
export { generateMaze, MAX_SEED, placeKey, type GenerateOptions } from './generate.ts'
export {
  ALL_WALLS,
  assertSize,
  Direction,
  DIRECTION_NAMES,
  DIRECTIONS,
  DX,
  DY,
  Maze,
  MAX_AREA,
  MAX_SIDE,
  MIN_AREA,
  opposite,
  SIZE_RULE,
  sizeProblem,
  type CellView,
  type DirectionName,
  type Label,
  type MazeData,
  type Point,
  type Side,
} from './grid.ts'
export {
  mapByteLength,
  mapLineCount,
  mapLineLength,
  renderMap,
  renderMapBytes,
  renderMapLines,
  VisitedCells,
  visitedMask,
  type Moves,
} from './render.ts'
export { createRng, type Rng } from './rng.ts'
export { distancesFrom, solve, type Solution } from './solve.ts'
export { DEFAULT_PORT, DEFAULT_SIZE } from './defaults.ts'
export {
  formatSeedList,
  parseSeedList,
  parseSeedSpans,
  SEED_LIST_RULE,
  seedCount,
  seedListRule,
  seedsOf,
  type SeedSpan,
} from './seed-list.ts'
export {
  childSlice,
  groupRuns,
  packedChildCount,
  seedsPerChild,
  sweepPosition,
  type ChildSlice,
  type NamedRun,
  type RunGroup,
  type SweepPosition,
  type SweepShape,
} from './sweep-order.ts'
