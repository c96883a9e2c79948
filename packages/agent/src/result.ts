/**
 * The result of one run: a stable schema, printed by the agent as the last line of stdout (a run
 * that failed prints an {@link AgentFailedResult}: the same keys, then `error` and `message`).
 * `seed` and `optimalSteps` are null when the model has no `/maze/meta`; `keyStep` is null when the
 * key was never reached.
 */
export interface AgentResult {
  /** The strategy's stable name. */
  readonly strategy: string
  readonly width: number
  readonly height: number
  /** The maze's seed from `/maze/meta`, or null. */
  readonly seed: number | null
  /** True when the agent stood on the exit holding the key. */
  readonly solved: boolean
  /** Moves made, backtracking included. */
  readonly steps: number
  /** Moves made when the key was picked up, or null. */
  readonly keyStep: number | null
  /** Requests made to the model (one per transport call, including the final map POST). */
  readonly requests: number
  /** Wall-clock milliseconds of the run, from the first request to the map. */
  readonly elapsedMs: number
  /** The shortest S→K→E path length from `/maze/meta`, or null. */
  readonly optimalSteps: number | null
}

/** The result's keys, in the order they are printed. */
export const AGENT_RESULT_KEYS = [
  'strategy',
  'width',
  'height',
  'seed',
  'solved',
  'steps',
  'keyStep',
  'requests',
  'elapsedMs',
  'optimalSteps',
] as const satisfies ReadonlyArray<keyof AgentResult>

/**
 * The result line of a run that ended with an error (a bad configuration, the model, the strategy,
 * a signal, the deadline): the same keys with what was known when it stopped (null when not known
 * yet, e.g. the size before `GET /maze/size` answered), `solved` false, then the stable error code
 * and its message.
 */
export interface AgentFailedResult {
  /** The strategy's stable name; before it loaded, the configured specifier; null without one. */
  readonly strategy: string | null
  readonly width: number | null
  readonly height: number | null
  readonly seed: number | null
  readonly solved: false
  readonly steps: number
  readonly keyStep: number | null
  readonly requests: number
  readonly elapsedMs: number
  readonly optimalSteps: number | null
  /** The stable error code, e.g. `AGENT_ERR_MODEL_UNREACHABLE`. */
  readonly error: string
  /** What happened, in words. */
  readonly message: string
}

/** Any result line the agent prints: a finished run's, or a failed run's. */
export type AgentResultLine = AgentResult | AgentFailedResult

/** The keys a failed run's line adds after {@link AGENT_RESULT_KEYS}, in order. */
export const AGENT_RESULT_ERROR_KEYS = ['error', 'message'] as const satisfies ReadonlyArray<keyof AgentFailedResult>

/** True when a result line is a failed run's. */
export const isFailedResult = (line: AgentResultLine): line is AgentFailedResult => typeof (line as { error?: unknown }).error === 'string'

const count = { type: 'integer', minimum: 0 } as const
const nullableCount = { type: ['integer', 'null'], minimum: 0 } as const

/**
 * A JSON Schema (draft 2020-12) of the result line, for consumers of the agent's output: an
 * AgentResult, or an AgentFailedResult (`error` and `message` present, unknown values null).
 */
export const AGENT_RESULT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://maze-sim.local/schemas/agent-result.json',
  title: 'AgentResult',
  description: 'The result of one agent run: the last line of the agent’s stdout. A failed run adds error and message.',
  type: 'object',
  additionalProperties: false,
  required: [...AGENT_RESULT_KEYS],
  properties: {
    strategy: { type: ['string', 'null'], minLength: 1, description: 'The strategy’s stable name (null only in a failed run, before it is known).' },
    width: { type: ['integer', 'null'], minimum: 1, description: 'Null only in a failed run, before the size is known.' },
    height: { type: ['integer', 'null'], minimum: 1, description: 'Null only in a failed run, before the size is known.' },
    seed: { ...nullableCount, description: 'The maze seed from /maze/meta, or null when the model lacks it.' },
    solved: { type: 'boolean', description: 'Stood on the exit holding the key.' },
    steps: { ...count, description: 'Moves made, backtracking included.' },
    keyStep: { ...nullableCount, description: 'Moves made when the key was picked up, or null.' },
    requests: { ...count, description: 'Requests made to the model, the final map POST included.' },
    elapsedMs: { ...count, description: 'Wall-clock milliseconds of the run.' },
    optimalSteps: { ...nullableCount, description: 'Shortest S→K→E length from /maze/meta, or null.' },
    error: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', description: 'A failed run’s stable error code, e.g. AGENT_ERR_MODEL_UNREACHABLE.' },
    message: { type: 'string', description: 'A failed run’s error, in words.' },
  },
  dependentRequired: { error: ['message'], message: ['error'] },
  // A finished run knows its strategy and size; a failed one has not solved.
  if: { required: ['error'] },
  then: { properties: { solved: { const: false } } },
  else: { properties: { strategy: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' } } },
} as const
