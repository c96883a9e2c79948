/** Stable error codes of the agent program. */
export const AgentErrorCode = {
  /** A bad environment variable or command-line flag. */
  Config: 'AGENT_ERR_CONFIG',
  /** A strategy specifier that is not built in and could not be imported as a Strategy. */
  StrategyLoad: 'AGENT_ERR_STRATEGY_LOAD',
  /** The maze model did not answer within the start-up wait (or stopped answering). */
  ModelUnreachable: 'AGENT_ERR_MODEL_UNREACHABLE',
  /** The maze model answered something that breaks the wire contract. */
  BadResponse: 'AGENT_ERR_BAD_RESPONSE',
  /** A strategy asked to move through a wall or out of the grid: a strategy bug. */
  IllegalMove: 'AGENT_ERR_ILLEGAL_MOVE',
  /** A strategy threw while creating its explorer or choosing a move, or ended its worker. */
  StrategyFailed: 'AGENT_ERR_STRATEGY_FAILED',
  /** A strategy took longer than its per-decision budget to start or to choose a move. */
  DecisionTimeout: 'AGENT_ERR_DECISION_TIMEOUT',
  /** The run took longer than its whole-run budget (AGENT_DEADLINE_MS). */
  Deadline: 'AGENT_ERR_DEADLINE',
  /** The run was stopped (SIGINT/SIGTERM or an aborted signal). */
  Aborted: 'AGENT_ERR_ABORTED',
} as const
export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode]

/** An agent error with a stable, prefixed code; lower-level errors are kept as `cause`. */
export class AgentError extends Error {
  override readonly name = 'AgentError'
  readonly code: AgentErrorCode
  constructor(code: AgentErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

export const isAgentError = (err: unknown): err is AgentError => err instanceof AgentError

/** A one-line description of any thrown value, with its code when it has one. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}
