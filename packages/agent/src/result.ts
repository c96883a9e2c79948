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

/**
 * A result line as read back by {@link parseAgentResult}: what the agent prints, except that a failed
 * run's `message` may be missing (lines written by other tools, e.g. a sweep's own failed runs).
 */
export type ParsedAgentResult = AgentResult | (Omit<AgentFailedResult, 'message'> & { readonly message?: string })

/** True when a result line is a failed run's. */
export const isFailedResult = <T extends AgentResultLine | ParsedAgentResult>(line: T): line is Extract<T, { readonly error: string }> =>
  typeof (line as { error?: unknown }).error === 'string'

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
    strategy: {
      type: ['string', 'null'],
      minLength: 1,
      description: 'The strategy’s stable name (null only in a failed run, before it is known).',
    },
    width: { type: ['integer', 'null'], minimum: 1, description: 'Null only in a failed run, before the size is known.' },
    height: { type: ['integer', 'null'], minimum: 1, description: 'Null only in a failed run, before the size is known.' },
    seed: { ...nullableCount, description: 'The maze seed from /maze/meta, or null when the model lacks it.' },
    solved: { type: 'boolean', description: 'Stood on the exit holding the key.' },
    steps: { ...count, description: 'Moves made, backtracking included.' },
    keyStep: { ...nullableCount, description: 'Moves made when the key was picked up, or null.' },
    requests: { ...count, description: 'Requests made to the model, the final map POST included.' },
    elapsedMs: { ...count, description: 'Wall-clock milliseconds of the run.' },
    optimalSteps: { ...nullableCount, description: 'Shortest S→K→E length from /maze/meta, or null.' },
    error: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]*$',
      description: 'A failed run’s stable error code, e.g. AGENT_ERR_MODEL_UNREACHABLE.',
    },
    message: { type: 'string', description: 'A failed run’s error, in words.' },
  },
  dependentRequired: { error: ['message'], message: ['error'] },
  // A finished run knows its strategy and size; a failed one has not solved.
  if: { required: ['error'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords, not a promise
  then: { properties: { solved: { const: false } } },
  else: { properties: { strategy: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' } } },
} as const

/**
 * A JSON object read back from one line of a program's output (trimmed, starting with `start`), or
 * that line's JSON already parsed; null for anything else (not JSON, not an object, truncated).
 */
export function jsonObjectLine(input: unknown, start: string): Record<string, unknown> | null {
  let value = input
  if (typeof input === 'string') {
    const text = input.trim()
    if (!text.startsWith(start) || !text.endsWith('}')) return null
    try {
      value = JSON.parse(text)
    } catch {
      return null
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  return value as Record<string, unknown>
}

export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
export const isNullableCount = (v: unknown): v is number | null => v === null || isCount(v)
const isSide = (v: unknown): v is number => isCount(v) && v >= 1

/**
 * The agent's result line, read back: `input` is a line of its stdout or that line's JSON already
 * parsed (e.g. the `result` of a Batch `results` row). Null for anything else (not JSON, another
 * shape, a truncated line). Accepts what {@link AGENT_RESULT_SCHEMA} describes, a finished run's or
 * a failed run's line (`error`, `message`, null for what was not known yet), with three tolerances
 * for lines written by other tools: unknown keys are dropped, `message` may be missing (a sweep's
 * own failed runs carry only the code), and a line with `error` counts as not solved.
 * The value returned has the schema's keys in the printed order.
 */
export function parseAgentResult(input: unknown): ParsedAgentResult | null {
  const v = jsonObjectLine(input, '{')
  if (v === null) return null
  if (!AGENT_RESULT_KEYS.every((k) => k in v)) return null
  const failed = v.error !== undefined
  if (failed && (typeof v.error !== 'string' || v.error === '')) return null
  if (v.message !== undefined && (!failed || typeof v.message !== 'string')) return null
  // Only a failed run may not know its strategy or the maze's size yet.
  const known = (ok: boolean, x: unknown): boolean => ok || (failed && x === null)
  if (!known(typeof v.strategy === 'string' && v.strategy !== '', v.strategy)) return null
  if (!known(isSide(v.width), v.width) || !known(isSide(v.height), v.height)) return null
  if (typeof v.solved !== 'boolean' || !isCount(v.steps) || !isCount(v.requests) || !isCount(v.elapsedMs)) return null
  if (!isNullableCount(v.seed) || !isNullableCount(v.keyStep) || !isNullableCount(v.optimalSteps)) return null
  const out: Record<string, unknown> = {}
  for (const k of AGENT_RESULT_KEYS) out[k] = v[k]
  if (failed) {
    out.solved = false
    out.error = v.error
    if (v.message !== undefined) out.message = v.message
  }
  return out as unknown as ParsedAgentResult
}
