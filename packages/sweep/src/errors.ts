/** Stable error codes of the sweep tools. */
export const SweepErrorCode = {
  /** A bad command-line flag or value. */
  Usage: 'SWEEP_ERR_USAGE',
  /** A strategy could not be loaded (the agent's AGENT_ERR_STRATEGY_LOAD is the cause). */
  StrategyLoad: 'SWEEP_ERR_STRATEGY_LOAD',
  /** A results file could not be read or holds no result lines. */
  Results: 'SWEEP_ERR_RESULTS',
  /** A worker thread failed (not a run: a run that fails is a result with `error`). */
  Worker: 'SWEEP_ERR_WORKER',
  /** A model process of an HTTP sweep could not start, or every one of them died. */
  Model: 'SWEEP_ERR_MODEL',
  /** Agent processes of an HTTP sweep refused their work (a configuration or strategy the agent cannot load) or could not start. */
  Agent: 'SWEEP_ERR_AGENT',
  /** A picture could not be rendered (e.g. no PNG renderer on this platform). */
  Render: 'SWEEP_ERR_RENDER',
  /** A replay (`pnpm render --replay`) that cannot be read, or does not fit its maze. */
  Replay: 'SWEEP_ERR_REPLAY',
  /** An output file (Markdown, chart, picture) could not be written at the end (e.g. a full disk). */
  Write: 'SWEEP_ERR_WRITE',
} as const
export type SweepErrorCode = (typeof SweepErrorCode)[keyof typeof SweepErrorCode]

/** A sweep error with a stable, prefixed code; lower-level errors are kept as `cause`. */
export class SweepError extends Error {
  override readonly name = 'SweepError'
  readonly code: SweepErrorCode
  constructor(code: SweepErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

export const usageError = (message: string): SweepError => new SweepError(SweepErrorCode.Usage, message)
