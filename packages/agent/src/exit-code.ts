import { AgentError, AgentErrorCode } from './errors.ts'

/** Exit codes of the agent program (and of every program that runs the agent: `npm start`). */
export const ExitCode = {
  Solved: 0,
  /** Not solved: the step limit, the strategy gave up, or the whole-run deadline passed. */
  NotSolved: 1,
  BadConfig: 2,
  /** The model is unreachable or answered nonsense. */
  ModelUnreachable: 3,
  /** A strategy bug: an illegal move, an exception, a decision over its time budget. */
  StrategyFailed: 4,
  /** 128 + signal number, as shells report it. */
  Interrupted: 130,
  Terminated: 143,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The exit code for an error that ended a run (one table for every program that runs the agent).
 * Anything that is not an AgentError came out of the strategy or a bug: exit 4.
 */
export function exitCodeOf(err: unknown): ExitCode {
  if (!(err instanceof AgentError)) return ExitCode.StrategyFailed
  switch (err.code) {
    case AgentErrorCode.Config:
    case AgentErrorCode.StrategyLoad:
      return ExitCode.BadConfig
    case AgentErrorCode.ModelUnreachable:
    case AgentErrorCode.BadResponse:
      return ExitCode.ModelUnreachable
    case AgentErrorCode.Deadline:
      return ExitCode.NotSolved
    case AgentErrorCode.Aborted:
      return ExitCode.Terminated
    case AgentErrorCode.IllegalMove:
    case AgentErrorCode.StrategyFailed:
    case AgentErrorCode.DecisionTimeout:
      return ExitCode.StrategyFailed
  }
}

/** The exit code after a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
export const exitCodeOfSignal = (signal: 'SIGINT' | 'SIGTERM'): ExitCode =>
  signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated
