/**
 * The result of one run: a stable schema, printed by the agent as the last line of stdout.
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

const count = { type: 'integer', minimum: 0 } as const
const nullableCount = { type: ['integer', 'null'], minimum: 0 } as const

/** A JSON Schema (draft 2020-12) of AgentResult, for consumers of the agent's output. */
export const AGENT_RESULT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://maze-sim.local/schemas/agent-result.json',
  title: 'AgentResult',
  description: 'The result of one agent run: the last line of the agent’s stdout.',
  type: 'object',
  additionalProperties: false,
  required: [...AGENT_RESULT_KEYS],
  properties: {
    strategy: { type: 'string', minLength: 1, description: 'The strategy’s stable name.' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    seed: { ...nullableCount, description: 'The maze seed from /maze/meta, or null when the model lacks it.' },
    solved: { type: 'boolean', description: 'Stood on the exit holding the key.' },
    steps: { ...count, description: 'Moves made, backtracking included.' },
    keyStep: { ...nullableCount, description: 'Moves made when the key was picked up, or null.' },
    requests: { ...count, description: 'Requests made to the model, the final map POST included.' },
    elapsedMs: { ...count, description: 'Wall-clock milliseconds of the run.' },
    optimalSteps: { ...nullableCount, description: 'Shortest S→K→E length from /maze/meta, or null.' },
  },
} as const
